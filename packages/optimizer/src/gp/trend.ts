/**
 * The GP's quadratic trend: a per-input linear and quadratic term with Gaussian coefficients,
 * written as a kernel (R&W 2006 §2.7: basis functions h(x) with beta ~ N(0, B) add h(x)^T B h(x')
 * to the covariance). Features are centred on the cube, c = u - 1/2 and q = c^2 - 1/12 (zero mean
 * under uniform inputs), so the trend does not duplicate the constant mean.
 *
 * The quadratic coefficients may have a common non-zero prior mean, the curvature (R&W's b): the
 * prior mean function is then curvature x sum_k q_k(u), a bowl (> 0) or a dome (< 0) centred on
 * the cube, which the data move (the linear terms shift its centre) or override.
 *
 * Why: a stationary kernel with a constant mean reverts to the data mean away from the data and,
 * with length scales longer than the cube, extrapolates a straight line to the faces. Most
 * objectives with an interior optimum are bowl-shaped at the scale of the cube; the trend lets
 * the model carry that curvature where it has no data, so EI stops expecting the best results on
 * the faces (bench/peers.ts) and the twin predicts the whole cube better (bench/twin.ts).
 */

/** Prior variances of the trend's coefficients per input, standardized output units. */
export interface GpTrend {
  /** Variance of each linear coefficient (of u - 1/2). */
  linear: number;
  /** Variance of each quadratic coefficient (of (u - 1/2)^2 - 1/12). */
  quadratic: number;
  /** Prior mean of each quadratic coefficient (see the file comment). Default 0. */
  curvature?: number;
}

/** The trend's prior mean at a point, curvature x sum_k ((u_k - 1/2)^2 - 1/12), standardized units. */
export function trendPriorMean(u: ArrayLike<number>, curvature: number): number {
  if (curvature === 0) return 0;
  let s = 0;
  for (let k = 0; k < u.length; k++) s += (u[k]! - 0.5) ** 2 - 1 / 12;
  return curvature * s;
}

/** Variance of c = u - 1/2 and of q = c^2 - 1/12 for u uniform on [0, 1]. */
export const LINEAR_FEATURE_VARIANCE = 1 / 12;
export const QUADRATIC_FEATURE_VARIANCE = 1 / 180;

/** Per-point feature sums for the trend kernel: lin_ij = sum_k c_ik c_jk, quad_ij = sum_k q_ik q_jk. */
export function trendFeatures(xs: Float64Array, n: number, dim: number): { c: Float64Array; q: Float64Array } {
  const c = new Float64Array(n * dim);
  const q = new Float64Array(n * dim);
  for (let i = 0; i < n * dim; i++) {
    const v = xs[i]! - 0.5;
    c[i] = v;
    q[i] = v * v - 1 / 12;
  }
  return { c, q };
}

/** Linear and quadratic feature inner products of points i (in a) and j (in b). */
export function trendProducts(ca: Float64Array, qa: Float64Array, i: number, cb: Float64Array, qb: Float64Array, j: number, dim: number): [number, number] {
  let lin = 0;
  let quad = 0;
  const oi = i * dim;
  const oj = j * dim;
  for (let k = 0; k < dim; k++) {
    lin += ca[oi + k]! * cb[oj + k]!;
    quad += qa[oi + k]! * qb[oj + k]!;
  }
  return [lin, quad];
}
