/**
 * `fitGp`: maximum a posteriori hyper-parameters of the GP (log marginal likelihood + log priors,
 * analytic gradients, L-BFGS in a box, a few seeded restarts of which the best runs on), then the
 * posterior on all data. Kernel: ARD Matern-5/2 plus the quadratic trend of trend.ts (by default).
 * Same data + seed + options -> the same model, bit for bit (restore relies on it).
 */
import { scalerOf } from '../enn/scaler';
import { createPrng, deriveSeed, permutation } from '../sampling/prng';
import { flatten, Gp, GP_JITTER, GpError } from './gp';
import { cholesky, choleskyInverse, solveLower, solveUpper } from './linalg';
import { minimizeLbfgs } from './lbfgs';
import { MAX_TREND_DEGREE, TREND_FEATURE_VARIANCES, trendFeatures, trendOf, trendPriorMean, trendVariances } from './trend';
import type { GpHyper } from './types';

/** Observations: `x` rows are points of [0,1]^d, `y` the objective (original units). */
export interface GpData {
  x: readonly (readonly number[])[];
  y: readonly number[];
}

/** Options of {@link fitGp}. */
export interface FitGpOptions {
  /** Seed of the random restarts and of the hyper-parameter subset. Default 0. */
  seed?: number;
  /** Model whose hyper-parameters are one more starting point (a warm start). */
  init?: Gp;
  /**
   * Random restarts besides the fixed starting point (and `init`). Default 1, none with `init`:
   * the previous optimum and the fixed start bracket the new one when one observation was added.
   */
  restarts?: number;
  /**
   * L-BFGS iterations of the best start (the others stop after 15, see `fitGp`). Default 40: with
   * the trend a fit creeps along a flat ridge (Matern length scales growing where the trend explains
   * the data) and on the peers' surfaces at 60 points its log posterior at 40 iterations was within
   * 0.001 of that at 60.
   */
  maxIterations?: number;
  /**
   * Condition the posterior on at most this many observations: the most recent half and a seeded
   * random half of the others (recent points are where a campaign searches now). Bounds the
   * O(n^3) fit and the O(n^2)-per-point prediction for large studies. Default: every point.
   */
  maxPoints?: number;
  /**
   * Above this many observations the hyper-parameters are fitted on a seeded subset of this size
   * (each likelihood evaluation is O(n^3)); the posterior always uses every point. Default 150.
   */
  hyperMaxPoints?: number;
  /** Fit the polynomial trend (trend.ts) as well. Default true. */
  trend?: boolean;
  /** Highest degree of the trend's per-input polynomials, 2 to 4. Default {@link GP_TREND_DEGREE}. */
  trendDegree?: number;
  /**
   * Prior mean of the trend's quadratic coefficients, standardized output units (trend.ts): > 0 a
   * bowl (results a priori worse toward the faces when minimising), < 0 a dome. Default 0; needs the trend.
   */
  curvature?: number;
}

const SQRT5 = Math.sqrt(5);
/** L-BFGS iterations every start gets before the best one alone runs on. */
const SCREEN_ITERATIONS = 15;
const LOG_2PI = Math.log(2 * Math.PI);
/**
 * A start stops when its negative log posterior (nats, summed over the points) fell by less than
 * this over its last 3 iterations. Why: on a flat ridge L-BFGS keeps creeping (the trend and long
 * Matern length scales trade off) for changes no data could tell apart; with a warm start the last
 * 40 iterations of a fit at 60 points gained 0.005 nats in all.
 */
const STALL_NATS = 1e-3;

/** Default highest degree of the trend's polynomials (see `FitGpOptions.trendDegree`). */
export const GP_TREND_DEGREE = 2;

/**
 * Log-normal priors (mean, sd of the log) and boxes (of the log) of the hyper-parameters, in
 * standardized output units and unit-cube inputs. Length scales: LogNormal(sqrt2 + log(d)/2, sqrt3),
 * noise: LogNormal(-4, 1), the "dimension-scaled" priors of Hvarfner et al. (ICML 2024) that
 * BoTorch adopted as its defaults: they keep a GP on 10-60 points from over-fitting short length
 * scales. Signal variance: LogNormal(0, 1) (y is standardized). Trend coefficients: the share of
 * the output variance each part explains over the cube (variance x d x feature variance) is
 * LogNormal(log 0.1, 1.5) for the linear and quadratic parts, wide enough for a flat or a dominant
 * bowl, and LogNormal(log 0.01, 1.5) for the cubic and quartic ones (bench/twin.ts, 5 seeds, quartic
 * trend, R^2 of Hartmann-6 / Rosenbrock after 60 points: 0.26 / 0.87 with a 0.1 median share,
 * 0.37 / 0.88 with 0.01, 0.29 / 0.82 with 0.001).
 */
export function gpPriors(dim: number) {
  const share = { sd: 1.5, lo: Math.log(1e-6), hi: Math.log(100) };
  const trendPrior = (featureVariance: number, medianShare: number) => {
    const shift = Math.log(dim * featureVariance);
    return { mu: Math.log(medianShare) - shift, sd: share.sd, lo: share.lo - shift, hi: share.hi - shift };
  };
  return {
    lengthscale: { mu: Math.SQRT2 + 0.5 * Math.log(dim), sd: Math.sqrt(3), lo: Math.log(0.01), hi: Math.log(100) },
    signal: { mu: 0, sd: 1, lo: Math.log(0.01), hi: Math.log(100) },
    noise: { mu: -4, sd: 1, lo: Math.log(1e-6), hi: Math.log(2) },
    /** Coefficient variance of each degree of the trend (linear, quadratic, cubic, quartic). */
    trend: TREND_FEATURE_VARIANCES.map((v, d) => trendPrior(v, d < 2 ? 0.1 : 0.01)),
  };
}

/** The prior of hyper-parameter k of theta (see {@link negLogPosterior}). */
function priorOf(p: ReturnType<typeof gpPriors>, dim: number, k: number) {
  return k < dim ? p.lengthscale : k === dim ? p.signal : k === dim + 1 ? p.noise : p.trend[k - dim - 2]!;
}

/**
 * Fits a GP to observations.
 *
 * @example
 * const gp = fitGp({ x, y }, { seed: 1 });
 * const { mean, std } = gp.predict(candidates);
 */
export function fitGp(all: GpData, options: FitGpOptions = {}): Gp {
  const dim = checkData(all);
  const seed = options.seed ?? 0;
  const data = options.maxPoints !== undefined && all.y.length > options.maxPoints ? recentAndRandom(all, options.maxPoints, seed) : all;
  const n = data.y.length;
  const yScaler = scalerOf(data.y);
  const cap = options.hyperMaxPoints ?? 150;
  const idx = n > cap ? permutation(n, createPrng(deriveSeed(seed, 'gp-subset'))).slice(0, cap).sort((a, b) => a - b) : null;
  const hx = idx ? idx.map((i) => data.x[i]!) : data.x;
  const hz = Float64Array.from(idx ? idx.map((i) => data.y[i]!) : data.y, (v) => (v - yScaler.mean) / yScaler.std);
  const trend = options.trend ?? true;
  const degree = trend ? (options.trendDegree ?? GP_TREND_DEGREE) : 0;
  if (trend && !(Number.isInteger(degree) && degree >= 2 && degree <= MAX_TREND_DEGREE)) throw new GpError('INVALID_DATA', `trendDegree must be an integer from 2 to ${MAX_TREND_DEGREE}, got ${degree}`);
  const curvature = options.curvature ?? 0;
  if (!trend && curvature !== 0) throw new GpError('INVALID_DATA', 'a prior curvature needs the trend');
  // Targets relative to the trend's prior mean (R&W eq. 2.41 with a fixed b).
  if (curvature !== 0) hx.forEach((row, i) => (hz[i]! -= trendPriorMean(row, curvature)));
  const objective = negLogPosterior(hx, hz, dim, degree);
  const size = dim + 2 + degree;

  const p = gpPriors(dim);
  const lo = Float64Array.from({ length: size }, (_, k) => priorOf(p, dim, k).lo);
  const hi = Float64Array.from({ length: size }, (_, k) => priorOf(p, dim, k).hi);
  // Box by a logistic map: theta = lo + (hi - lo) sigmoid(phi), so L-BFGS runs unconstrained on phi.
  const toTheta = (phi: Float64Array) => phi.map((v, k) => lo[k]! + (hi[k]! - lo[k]!) / (1 + Math.exp(-v)));
  const toPhi = (theta: Float64Array) =>
    theta.map((v, k) => {
      const t = Math.min(1 - 1e-9, Math.max(1e-9, (v - lo[k]!) / (hi[k]! - lo[k]!)));
      return Math.log(t / (1 - t));
    });
  const fg = (phi: Float64Array) => {
    const theta = toTheta(phi);
    const r = objective(theta);
    if (!Number.isFinite(r.f)) return r;
    const g = r.g.map((gv, k) => {
      const s = (theta[k]! - lo[k]!) / (hi[k]! - lo[k]!);
      return gv * (hi[k]! - lo[k]!) * s * (1 - s);
    });
    return { f: r.f, g };
  };

  const starts: Float64Array[] = [];
  const initDegree = options.init?.hyper.trend ? trendVariances(options.init.hyper.trend).length : 0;
  const warm = options.init && options.init.dim === dim && initDegree === degree ? thetaOf(options.init.hyper) : undefined;
  if (warm) starts.push(warm);
  starts.push(Float64Array.from({ length: size }, (_, k) => (k < dim ? Math.log(0.5 * Math.sqrt(dim)) : k === dim ? 0 : k === dim + 1 ? Math.log(1e-3) : priorOf(p, dim, k).mu)));
  const rng = createPrng(deriveSeed(seed, 'gp-restarts'));
  for (let r = 0; r < (options.restarts ?? (warm ? 0 : 1)); r++) {
    starts.push(
      Float64Array.from({ length: size }, (_, k) => {
        if (k >= dim + 2) return priorOf(p, dim, k).mu + priorOf(p, dim, k).sd * (2 * rng.next() - 1);
        const [a, b] = k < dim ? [Math.log(0.1), Math.log(2 * Math.sqrt(dim))] : k === dim ? [Math.log(0.3), Math.log(3)] : [Math.log(1e-5), Math.log(0.1)];
        return a + (b - a) * rng.next();
      }),
    );
  }
  // Every start gets a short run; only the best one runs on to the full budget (successive
  // halving: a start that is behind after a few iterations almost never wins, and the trend's
  // flat ridges make full runs from every start the bulk of a decision's time).
  const maxIt = options.maxIterations ?? 40;
  const screen = Math.min(maxIt, SCREEN_ITERATIONS);
  let best: { phi: Float64Array; f: number; converged: boolean } | undefined;
  for (const s of starts) {
    // A start whose kernel matrix is not positive definite returns f = Infinity at once.
    const res = minimizeLbfgs(fg, toPhi(s), { maxIterations: screen, stallTolerance: STALL_NATS });
    if (Number.isFinite(res.f) && (!best || res.f < best.f)) best = { phi: res.x, f: res.f, converged: res.iterations < screen };
  }
  if (best && !best.converged && maxIt > screen) {
    const res = minimizeLbfgs(fg, best.phi, { maxIterations: maxIt - screen, stallTolerance: STALL_NATS });
    if (Number.isFinite(res.f) && res.f <= best.f) best = { phi: res.x, f: res.f, converged: true };
  }
  if (!best) throw new GpError('NOT_POSITIVE_DEFINITE', 'no GP hyper-parameters gave a positive-definite kernel matrix');
  const fitted = hyperOf(toTheta(best.phi), dim);
  const hyper = fitted.trend && curvature !== 0 ? { ...fitted, trend: { ...fitted.trend, curvature } } : fitted;
  return new Gp(hyper, yScaler, data.x.map((r) => [...r]), [...data.y], { nTrain: n, seed, logPosterior: -best.f / hz.length, nHyper: hz.length });
}

/** The most recent half of `max` points and a seeded random half of the rest, in their original order. */
function recentAndRandom(data: GpData, max: number, seed: number): GpData {
  const n = data.y.length;
  const recent = Math.ceil(max / 2);
  const older = permutation(n - recent, createPrng(deriveSeed(seed, 'gp-points'))).slice(0, max - recent);
  const idx = [...older, ...Array.from({ length: recent }, (_, i) => n - recent + i)].sort((a, b) => a - b);
  return { x: idx.map((i) => data.x[i]!), y: idx.map((i) => data.y[i]!) };
}

/** theta = [log l_1..d, log signal variance, log noise variance(, log trend variance of each degree)]. */
function thetaOf(h: Readonly<GpHyper>): Float64Array {
  const trend = h.trend ? trendVariances(h.trend).map(Math.log) : [];
  return Float64Array.from([...h.lengthscales.map(Math.log), Math.log(h.signalVariance), Math.log(h.noiseVariance), ...trend]);
}

function hyperOf(theta: Float64Array, dim: number): GpHyper {
  const base = { lengthscales: Array.from(theta.subarray(0, dim), Math.exp), signalVariance: Math.exp(theta[dim]!), noiseVariance: Math.exp(theta[dim + 1]!) };
  return theta.length > dim + 2 ? { ...base, trend: trendOf(Array.from(theta.subarray(dim + 2), Math.exp)) } : base;
}

/**
 * -(log marginal likelihood + log prior) of standardized targets z and its gradient in theta
 * (R&W eq. 5.9: dL/dtheta = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta)); theta as in `thetaOf`,
 * with one trend variance per degree of the trend (0 = no trend).
 */
export function negLogPosterior(x: readonly (readonly number[])[], z: Float64Array, dim: number, degree = 0): (theta: Float64Array) => { f: number; g: Float64Array } {
  const n = z.length;
  const xs = flatten(x, dim);
  const size = dim + 2 + degree;
  // Trend feature products per degree and pair (diagonal included), fixed for the fit.
  const feats = trendFeatures(xs, n, dim, degree);
  const products = Array.from({ length: degree }, () => new Float64Array(n * n));
  const w = dim * degree;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      for (let d = 0; d < degree; d++) {
        let v = 0;
        for (let k = 0; k < dim; k++) v += feats[i * w + k * degree + d]! * feats[j * w + k * degree + d]!;
        products[d]![i * n + j] = products[d]![j * n + i] = v;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  // Squared coordinate differences per pair (i > j) and input, computed once per fit.
  const diff = new Float64Array(pairs * dim);
  for (let i = 0, p = 0; i < n; i++) {
    for (let j = 0; j < i; j++, p++) {
      for (let k = 0; k < dim; k++) {
        const t = xs[i * dim + k]! - xs[j * dim + k]!;
        diff[p * dim + k] = t * t;
      }
    }
  }
  const pr = gpPriors(dim);
  const corr = new Float64Array(pairs);
  const radius = new Float64Array(pairs);
  const decay = new Float64Array(pairs);
  return (theta) => {
    const invL2 = Float64Array.from({ length: dim }, (_, k) => Math.exp(-2 * theta[k]!));
    const sf2 = Math.exp(theta[dim]!);
    const sn2 = Math.exp(theta[dim + 1]!);
    const trendVar = Array.from({ length: degree }, (_, d) => Math.exp(theta[dim + 2 + d]!));
    const kmat = new Float64Array(n * n);
    for (let i = 0, p = 0; i < n; i++) {
      kmat[i * n + i] = sf2 + sn2 + GP_JITTER;
      for (let j = 0; j < i; j++, p++) {
        let r2 = 0;
        for (let k = 0; k < dim; k++) r2 += diff[p * dim + k]! * invL2[k]!;
        const r = Math.sqrt(r2);
        radius[p] = r;
        const e = Math.exp(-SQRT5 * r);
        decay[p] = e;
        const c = (1 + SQRT5 * r + (5 * r2) / 3) * e; // matern52(r), keeping exp(-sqrt5 r) for the gradient
        corr[p] = c;
        kmat[i * n + j] = sf2 * c;
        kmat[j * n + i] = sf2 * c;
      }
    }
    for (let d = 0; d < degree; d++) {
      const [s, prod] = [trendVar[d]!, products[d]!];
      for (let i = 0; i < n * n; i++) kmat[i]! += s * prod[i]!;
    }
    const g = new Float64Array(size);
    const l = cholesky(kmat, n);
    if (!l) return { f: Infinity, g };
    const alpha = solveUpper(l, n, solveLower(l, n, Float64Array.from(z)));
    let f = 0.5 * n * LOG_2PI;
    for (let i = 0; i < n; i++) f += 0.5 * z[i]! * alpha[i]! + Math.log(l[i * n + i]!);
    const inv = choleskyInverse(l, n);
    // g = -1/2 sum_ij W_ij dK_ij with W = alpha alpha^T - K^-1; pairs counted twice by symmetry.
    let gSignal = 0;
    let gNoise = 0;
    for (let i = 0; i < n; i++) {
      const w = alpha[i]! * alpha[i]! - inv[i * n + i]!;
      gSignal += w * sf2;
      gNoise += w * sn2;
    }
    for (let i = 0, p = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        const w = 2 * (alpha[i]! * alpha[j]! - inv[i * n + j]!);
        gSignal += w * sf2 * corr[p]!;
        // dK/dlog l_k = sf2 (5/3)(1 + sqrt5 r) exp(-sqrt5 r) d_k^2 / l_k^2.
        const r = radius[p]!;
        const common = w * sf2 * (5 / 3) * (1 + SQRT5 * r) * decay[p]!;
        for (let k = 0; k < dim; k++) g[k]! += common * diff[p * dim + k]! * invL2[k]!;
      }
    }
    for (let k = 0; k < dim; k++) g[k] = -0.5 * g[k]!;
    g[dim] = -0.5 * gSignal;
    g[dim + 1] = -0.5 * gNoise;
    // dK/dlog s_d = s_d * products_d, over the full matrix.
    for (let d = 0; d < degree; d++) {
      const prod = products[d]!;
      let gd = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) gd += (alpha[i]! * alpha[j]! - inv[i * n + j]!) * prod[i * n + j]!;
      }
      g[dim + 2 + d] = -0.5 * trendVar[d]! * gd;
    }
    for (let k = 0; k < size; k++) {
      const { mu, sd } = priorOf(pr, dim, k);
      f += (theta[k]! - mu) ** 2 / (2 * sd * sd);
      g[k]! += (theta[k]! - mu) / (sd * sd);
    }
    return { f, g };
  };
}

function checkData({ x, y }: GpData): number {
  const dim = x[0]?.length ?? 0;
  if (x.length !== y.length) throw new GpError('INVALID_DATA', `x has ${x.length} rows but y has ${y.length}`);
  if (x.length < 1 || dim < 1) throw new GpError('INVALID_DATA', 'need at least 1 observation with >= 1 input');
  x.forEach((row, i) => {
    if (row.length !== dim || !row.every(Number.isFinite)) throw new GpError('INVALID_DATA', `x row ${i} is not ${dim} finite numbers`);
  });
  if (!y.every(Number.isFinite)) throw new GpError('INVALID_DATA', 'y has non-finite values');
  return dim;
}
