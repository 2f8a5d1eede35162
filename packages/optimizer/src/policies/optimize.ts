/**
 * Acquisition optimisation over the unit cube: score a large scrambled-Sobol candidate set, then
 * refine the best few by multi-start random-perturbation hill climbing (every trial clamped into
 * the cube). Finally round to actuator resolution and skip anything already observed or pending.
 */
import type { Prng } from '../sampling/prng';
import { sobolSample } from '../sampling/sobol';
import { type PointSet, type Quantizer, identityQuantizer } from './duplicates';

/** Scores a batch of cube points (larger is better). */
export type BatchScore = (x: number[][]) => Float64Array;

/** Options of {@link maximizeAcquisition}. */
export interface MaximizeOptions {
  /** Input dimension. */
  dim: number;
  /** Randomness for the scrambled Sobol set and the perturbations. */
  rng: Prng;
  /** Quasi-random candidates scored in the global phase. Default 8192. */
  candidates?: number;
  /** Draws the global candidates in the unit cube (then mapped into `bounds`). Default: scrambled Sobol. */
  sample?: (n: number, dim: number, rng: Prng) => number[][];
  /** Extra candidates scored alongside (e.g. around the incumbent). */
  extra?: readonly (readonly number[])[];
  /** Best distinct candidates refined locally. Default 5. */
  starts?: number;
  /** Hill-climbing iterations. Default 20. */
  iterations?: number;
  /** Perturbations per start and iteration. Default 12. */
  perturbations?: number;
  /** Initial perturbation std in cube units (halved when no trial improves). Default maxTravel / 2. */
  step?: number;
  /** Step below which a start stops. Default 1e-3. */
  minStep?: number;
  /** Actuator rounding applied to the returned point. Default: clamp + 1e-9 grid. */
  quantize?: Quantizer;
  /** Quantized points that must not be returned (observed and pending). */
  exclude?: PointSet;
  /** Points scored per call of `score` (bounds memory of large batches). Default 8192. */
  chunk?: number;
  /**
   * Farthest a refined point may move from its start along any axis (cube units). Why: with an
   * ensemble of networks the acquisition's true maximiser is often an extrapolation artefact on the
   * cube's boundary (members disagree wildly at corners); refinement should polish a good candidate,
   * not march to a corner. Default 0.05.
   */
  maxTravel?: number;
  /** Search box inside the cube (e.g. a trust region). Default: the whole cube. */
  bounds?: { lo: readonly number[]; hi: readonly number[] };
}

/** Result of {@link maximizeAcquisition}. */
export interface MaximizeResult {
  /** Quantized cube point. */
  x: number[];
  /** Score at `x`. */
  value: number;
  /** Points scored in total. */
  evaluations: number;
}

/**
 * Maximises `score` over [0,1]^dim. Returns undefined only when every candidate is excluded.
 *
 * @example
 * const { x } = maximizeAcquisition((pts) => Float64Array.from(pts, (p) => -((p[0]! - 0.3) ** 2)), { dim: 1, rng });
 */
export function maximizeAcquisition(score: BatchScore, options: MaximizeOptions): MaximizeResult | undefined {
  const { dim, rng } = options;
  const quantize = options.quantize ?? identityQuantizer;
  const chunk = options.chunk ?? 8192;
  let evaluations = 0;
  const evaluate = (pts: number[][]): Float64Array => {
    const out = new Float64Array(pts.length);
    for (let s = 0; s < pts.length; s += chunk) {
      const part = score(pts.slice(s, s + chunk));
      out.set(part, s);
    }
    evaluations += pts.length;
    return out;
  };

  const lo = options.bounds?.lo ?? new Array<number>(dim).fill(0);
  const hi = options.bounds?.hi ?? new Array<number>(dim).fill(1);
  const clampBox = (v: number, k: number): number => (v < lo[k]! ? lo[k]! : v > hi[k]! ? hi[k]! : v);

  // Global phase: quasi-random candidates (scrambled Sobol unless `sample`) mapped into the box, so
  // repeated asks see different candidates.
  const cands = (options.sample ?? sobolSample)(options.candidates ?? 8192, dim, rng).map((p) => p.map((v, k) => lo[k]! + v * (hi[k]! - lo[k]!)));
  for (const e of options.extra ?? []) cands.push(e.map(clampBox));
  const values = evaluate(cands);
  const order = Array.from(values.keys())
    .filter((i) => Number.isFinite(values[i]))
    .sort((a, b) => values[b]! - values[a]!);

  // Local phase: all starts advance together so each iteration is one batched score call.
  const nStarts = Math.min(options.starts ?? 5, order.length);
  const travel = options.maxTravel ?? 0.05;
  const starts = order.slice(0, nStarts).map((i) => ({
    x: cands[i]!,
    f: values[i]!,
    step: options.step ?? travel / 2,
    lo: cands[i]!.map((v, k) => Math.max(lo[k]!, v - travel)),
    hi: cands[i]!.map((v, k) => Math.min(hi[k]!, v + travel)),
  }));
  const perturbations = options.perturbations ?? 12;
  const minStep = options.minStep ?? 1e-3;
  for (let it = 0; it < (options.iterations ?? 20); it++) {
    const active = starts.filter((s) => s.step >= minStep);
    if (active.length === 0) break;
    const trials: number[][] = [];
    for (const s of active) {
      for (let p = 0; p < perturbations; p++) {
        // Half the trials move one coordinate (pattern search), half move all (random direction).
        const one = p % 2 === 0 ? rng.int(dim) : -1;
        trials.push(s.x.map((v, k) => (one < 0 || k === one ? Math.min(s.hi[k]!, Math.max(s.lo[k]!, v + s.step * rng.normal())) : v)));
      }
    }
    const tv = evaluate(trials);
    active.forEach((s, a) => {
      let bestP = -1;
      for (let p = 0; p < perturbations; p++) {
        const v = tv[a * perturbations + p]!;
        if (v > s.f && (bestP < 0 || v > tv[a * perturbations + bestP]!)) bestP = p;
      }
      if (bestP >= 0) {
        s.x = trials[a * perturbations + bestP]!;
        s.f = tv[a * perturbations + bestP]!;
      } else {
        s.step /= 2;
      }
    });
  }

  // Quantize the refined points and rescore them (rounding moves them slightly).
  const refined = starts.map((s) => quantize(s.x));
  const rv = refined.length > 0 ? evaluate(refined) : new Float64Array(0);
  const ranked = Array.from(rv.keys()).sort((a, b) => rv[b]! - rv[a]!);
  for (const i of ranked) {
    const q = refined[i]!;
    if (!options.exclude?.has(q) && Number.isFinite(rv[i])) return { x: q, value: rv[i]!, evaluations };
  }
  // Every refined point is a duplicate: fall back to the ranked global candidates.
  for (const i of order) {
    const q = quantize(cands[i]!);
    if (!options.exclude?.has(q)) return { x: q, value: evaluate([q])[0]!, evaluations };
  }
  return undefined;
}
