import type { Condition, ConditionSpace } from '@sdfl/chemistry';
import { haltonPoint } from './random';
import type { ReactorFeatures } from './reactor/spectra';

/** A feature to maximise, or any scalar of the features (maximised too). */
export type Objective = keyof ReactorFeatures | ((features: ReactorFeatures) => number);

/** The best point of a model over a condition space. */
export interface Optimum {
  /** Unit-cube coordinates (`space.fromCube(cube)` gives `condition`). */
  cube: number[];
  condition: Condition;
  /** Objective value there (noise-free). */
  value: number;
  /** All noise-free features there. */
  features: ReactorFeatures;
}

/**
 * Noise-free ground truth of a simulated reactor, for benchmarks and tests:
 * `truth(space.fromCube(u)).plIntensity` is the objective an optimizer chases.
 */
export interface GroundTruth {
  truth(condition: Condition): ReactorFeatures;
  optimum(space?: ConditionSpace, objective?: Objective): Optimum;
}

/** Options of {@link maximizeOnCube}. */
export interface CubeSearchOptions {
  /** Quasi-random (Halton) points of the global stage. Default 20 000. */
  points?: number;
  /** Best distinct points refined by pattern search. Default 8. */
  starts?: number;
  /** Halton shift seed. Default 1. */
  seed?: number;
  /** Pattern-search step at which refinement stops, cube units. Default 1e-7. */
  tolerance?: number;
}

/**
 * Global maximum of `f` over [0,1]^dim: a dense Halton scan, then compass (pattern) search with
 * step halving from the best few points, clamped to the cube. Deterministic for given options.
 */
export function maximizeOnCube(
  f: (u: readonly number[]) => number,
  dim: number,
  options: CubeSearchOptions = {},
): { cube: number[]; value: number; evaluations: number } {
  const { points = 20_000, starts = 8, seed = 1, tolerance = 1e-7 } = options;
  let evaluations = 0;
  const evaluate = (u: readonly number[]) => {
    evaluations++;
    const v = f(u);
    return Number.isFinite(v) ? v : -Infinity;
  };
  // Keep the best `starts` scan points that are not near-duplicates of one another.
  const top: { u: number[]; v: number }[] = [];
  for (let i = 0; i < points; i++) {
    const u = haltonPoint(i, dim, seed);
    const v = evaluate(u);
    if (top.length === starts && v <= top[top.length - 1]!.v) continue;
    const near = top.findIndex((t) => t.u.every((x, d) => Math.abs(x - u[d]!) < 0.05));
    if (near >= 0) {
      if (v > top[near]!.v) top[near] = { u, v };
    } else {
      top.push({ u, v });
    }
    top.sort((a, b) => b.v - a.v);
    top.length = Math.min(top.length, starts);
  }
  let best = { u: new Array<number>(dim).fill(0.5), v: -Infinity };
  for (const start of top) {
    let { u, v } = start;
    for (let step = 1 / 32; step >= tolerance; ) {
      let moved = false;
      for (let d = 0; d < dim; d++) {
        for (const sign of [1, -1]) {
          const w = u.slice();
          w[d] = Math.min(1, Math.max(0, w[d]! + sign * step));
          if (w[d] === u[d]) continue;
          const fw = evaluate(w);
          if (fw > v) {
            u = w;
            v = fw;
            moved = true;
          }
        }
      }
      if (!moved) step /= 2;
    }
    if (v > best.v) best = { u, v };
  }
  return { cube: best.u, value: best.v, evaluations };
}

/** The scalar an objective takes on some features. */
export function objectiveValue(objective: Objective, features: ReactorFeatures): number {
  return typeof objective === 'function' ? objective(features) : features[objective];
}
