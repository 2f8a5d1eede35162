/**
 * The GP's polynomial trend: per-input terms with Gaussian coefficients, written as a kernel
 * (R&W 2006 §2.7: basis functions h(x) with beta ~ N(0, B) add h(x)^T B h(x') to the covariance).
 * Features are centred on the cube, c = u - 1/2 and q = c^2 - 1/12 (zero mean under uniform
 * inputs), so the trend does not duplicate the constant mean; optionally cubic and quartic terms
 * as well (the next orthogonal polynomials of c), each degree with its own variance.
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
  /** Variance of each cubic coefficient (degree-3 orthogonal polynomial); absent: a quadratic trend. */
  cubic?: number;
  /** Variance of each quartic coefficient (degree 4; needs `cubic`); absent: at most cubic. */
  quartic?: number;
  /** Prior mean of each quadratic coefficient (see the file comment). Default 0. */
  curvature?: number;
}

/** Highest polynomial degree of a trend. */
export const MAX_TREND_DEGREE = 4;

/**
 * Variance of each feature for u uniform on [0, 1], by degree (1-based index - 1): the features are
 * the monic Legendre polynomials of c = u - 1/2, so each has mean 0 and they are uncorrelated.
 */
export const TREND_FEATURE_VARIANCES: readonly number[] = [1 / 12, 1 / 180, 1 / 2800, 1 / 44100];

/** The coefficient variances of a trend by degree ([linear, quadratic, cubic?, quartic?]). */
export function trendVariances(t: Readonly<GpTrend>): number[] {
  const v = [t.linear, t.quadratic];
  if (t.cubic !== undefined) v.push(t.cubic);
  if (t.cubic !== undefined && t.quartic !== undefined) v.push(t.quartic);
  return v;
}

/** A trend of the given degree from its coefficient variances by degree (the inverse of {@link trendVariances}). */
export function trendOf(variances: readonly number[]): GpTrend {
  const [linear, quadratic, cubic, quartic] = variances;
  return { linear: linear!, quadratic: quadratic!, ...(cubic !== undefined ? { cubic } : {}), ...(quartic !== undefined ? { quartic } : {}) };
}

/** The trend's prior mean at a point, curvature x sum_k ((u_k - 1/2)^2 - 1/12), standardized units. */
export function trendPriorMean(u: ArrayLike<number>, curvature: number): number {
  if (curvature === 0) return 0;
  let s = 0;
  for (let k = 0; k < u.length; k++) s += (u[k]! - 0.5) ** 2 - 1 / 12;
  return curvature * s;
}

/**
 * Writes the features of one point, degree 1..`degree` for each input in turn (input-major:
 * out[offset + k * degree + j - 1] is input k's degree-j feature).
 */
export function writeTrendFeatures(u: ArrayLike<number>, dim: number, degree: number, out: Float64Array, offset = 0): void {
  for (let k = 0; k < dim; k++) {
    const c = u[k]! - 0.5;
    const c2 = c * c;
    const o = offset + k * degree;
    out[o] = c;
    if (degree > 1) out[o + 1] = c2 - 1 / 12;
    if (degree > 2) out[o + 2] = c * (c2 - 3 / 20);
    if (degree > 3) out[o + 3] = c2 * c2 - (3 / 14) * c2 + 3 / 560;
  }
}

/** Features of n row-major points (n x dim x degree, as {@link writeTrendFeatures}). */
export function trendFeatures(xs: Float64Array, n: number, dim: number, degree: number): Float64Array {
  const out = new Float64Array(n * dim * degree);
  for (let i = 0; i < n; i++) writeTrendFeatures(xs.subarray(i * dim, (i + 1) * dim), dim, degree, out, i * dim * degree);
  return out;
}
