/**
 * Exact interventional Shapley values (SHAP) of a surrogate: for d inputs every one of the 2^d
 * coalitions is evaluated (7 inputs = 128), with v(S) = mean over background rows b of
 * f(x_S, b_notS). No sampling, so the efficiency property holds to rounding:
 * sum_i phi_i(x) = f(x) - E_b[f(b)].
 *
 * Per point, all 2^d x |background| rows go to the model in ONE call, and each ensemble member is
 * explained from that same call (`predictMembers`); the SHAP of the ensemble mean is the mean of the
 * members' SHAP (Shapley values are linear in f).
 */
import type { Surrogate } from '../surrogate';

/** Evaluates K outputs (e.g. ensemble members) on a batch of rows: K arrays of length rows. */
export type MultiEvaluator = (rows: number[][]) => Float64Array[];

/** Largest supported input dimension (2^16 coalitions per point). */
export const SHAPLEY_MAX_DIM = 16;

/** Shapley weight |S|! (d - |S| - 1)! / d! for each coalition size |S| = 0..d-1. */
export function shapleyWeights(d: number): Float64Array {
  const fact = [1];
  for (let k = 1; k <= d; k++) fact.push(fact[k - 1]! * k);
  return Float64Array.from({ length: d }, (_, s) => (fact[s]! * fact[d - s - 1]!) / fact[d]!);
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/**
 * Exact Shapley values of each output of `f` at point `x` against `background`.
 * @returns phi[k][i] for output k and input i, and v(empty) = E_b[f_k(b)] and v(full) = f_k(x)
 */
export function exactShapleyPoint(
  f: MultiEvaluator,
  x: readonly number[],
  background: readonly (readonly number[])[],
): { phi: Float64Array[]; base: Float64Array; fx: Float64Array } {
  const d = x.length;
  if (d > SHAPLEY_MAX_DIM) throw new RangeError(`exact Shapley supports up to ${SHAPLEY_MAX_DIM} inputs, got ${d}`);
  if (background.length === 0) throw new RangeError('exact Shapley needs a non-empty background set');
  const nc = 1 << d;
  const nb = background.length;
  const rows: number[][] = [];
  for (let mask = 0; mask < nc; mask++) {
    for (const b of background) rows.push(b.map((bv, i) => ((mask >>> i) & 1 ? x[i]! : bv)));
  }
  const outputs = f(rows);
  const w = shapleyWeights(d);
  const phi: Float64Array[] = [];
  const base = new Float64Array(outputs.length);
  const fx = new Float64Array(outputs.length);
  outputs.forEach((out, k) => {
    const v = new Float64Array(nc);
    for (let mask = 0; mask < nc; mask++) {
      let s = 0;
      for (let j = 0; j < nb; j++) s += out[mask * nb + j]!;
      v[mask] = s / nb;
    }
    const p = new Float64Array(d);
    for (let mask = 0; mask < nc; mask++) {
      const size = popcount(mask);
      for (let i = 0; i < d; i++) {
        if ((mask >>> i) & 1) continue;
        p[i]! += w[size]! * (v[mask | (1 << i)]! - v[mask]!);
      }
    }
    phi.push(p);
    base[k] = v[0]!;
    fx[k] = v[nc - 1]!;
  });
  return { phi, base, fx };
}

/** Global importance of one input. */
export interface FeatureImportance {
  /** Input index. */
  feature: number;
  label: string;
  /** Mean |SHAP| of the ensemble mean over the explained points. */
  meanAbs: number;
  /** Std across members of each member's mean |SHAP| (how much the members disagree). */
  memberStd: number;
}

/** SHAP analysis of a surrogate over a set of points. */
export interface ShapleyAnalysis {
  /** SHAP of the ensemble mean: n points x d inputs. */
  values: number[][];
  /** Std across members of each SHAP value: n x d. */
  spread: number[][];
  /** E_background[mean f] (the same for every point). */
  base: number;
  /** Ensemble mean at each explained point; sum(values[p]) = fx[p] - base. */
  fx: number[];
  /** Inputs sorted by decreasing mean |SHAP|. */
  ranking: FeatureImportance[];
}

/**
 * Exact SHAP of a surrogate's ensemble mean and of each member at every point of `points`.
 *
 * @param background reference inputs of the interventional expectation (e.g. the training set or a
 *   few dozen Monte-Carlo points; cost grows with 2^d x |background| per point)
 * @param labels input names for the ranking. Default `x1..xd`.
 * @example
 * const shap = shapleyAnalysis(twin, data.x, data.x.slice(0, 50), space.dimensions.map((d) => d.label));
 * shap.ranking[0].label; // most influential input
 */
export function shapleyAnalysis(
  model: Surrogate,
  points: readonly (readonly number[])[],
  background: readonly (readonly number[])[],
  labels?: readonly string[],
): ShapleyAnalysis {
  const d = model.dim;
  const evaluator: MultiEvaluator = (rows) => model.predictMembers(rows);
  const values: number[][] = [];
  const spread: number[][] = [];
  const fx: number[] = [];
  let base = 0;
  const memberAbs: Float64Array[] = Array.from({ length: model.members }, () => new Float64Array(d));
  for (const x of points) {
    const r = exactShapleyPoint(evaluator, x, background);
    const m = r.phi.length;
    const mean = Array.from({ length: d }, (_, i) => r.phi.reduce((s, p) => s + p[i]!, 0) / m);
    values.push(mean);
    spread.push(mean.map((mu, i) => Math.sqrt(r.phi.reduce((s, p) => s + (p[i]! - mu) ** 2, 0) / m)));
    fx.push(r.fx.reduce((a, b) => a + b, 0) / m);
    base = r.base.reduce((a, b) => a + b, 0) / m;
    r.phi.forEach((p, k) => p.forEach((v, i) => (memberAbs[k]![i]! += Math.abs(v) / points.length)));
  }
  const ranking = Array.from({ length: d }, (_, i): FeatureImportance => {
    const meanAbs = values.reduce((s, v) => s + Math.abs(v[i]!), 0) / Math.max(1, values.length);
    const per = memberAbs.map((a) => a[i]!);
    const mu = per.reduce((a, b) => a + b, 0) / per.length;
    return { feature: i, label: labels?.[i] ?? `x${i + 1}`, meanAbs, memberStd: Math.sqrt(per.reduce((s, v) => s + (v - mu) ** 2, 0) / per.length) };
  }).sort((a, b) => b.meanAbs - a.meanAbs);
  return { values, spread, base, fx, ranking };
}
