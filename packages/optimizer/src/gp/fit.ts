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
import { LINEAR_FEATURE_VARIANCE, QUADRATIC_FEATURE_VARIANCE, trendFeatures, trendPriorMean, trendProducts } from './trend';
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
  /** Fit the quadratic trend (trend.ts) as well. Default true. */
  trend?: boolean;
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

/**
 * Log-normal priors (mean, sd of the log) and boxes (of the log) of the hyper-parameters, in
 * standardized output units and unit-cube inputs. Length scales: LogNormal(sqrt2 + log(d)/2, sqrt3),
 * noise: LogNormal(-4, 1), the "dimension-scaled" priors of Hvarfner et al. (ICML 2024) that
 * BoTorch adopted as its defaults: they keep a GP on 10-60 points from over-fitting short length
 * scales. Signal variance: LogNormal(0, 1) (y is standardized). Trend coefficients: the share of
 * the output variance each part explains over the cube (variance x d x feature variance) is
 * LogNormal(log 0.1, 1.5), wide enough for a flat or a dominant bowl.
 */
export function gpPriors(dim: number) {
  const share = { sd: 1.5, lo: Math.log(1e-6), hi: Math.log(100) };
  const trendPrior = (featureVariance: number) => {
    const shift = Math.log(dim * featureVariance);
    return { mu: Math.log(0.1) - shift, sd: share.sd, lo: share.lo - shift, hi: share.hi - shift };
  };
  return {
    lengthscale: { mu: Math.SQRT2 + 0.5 * Math.log(dim), sd: Math.sqrt(3), lo: Math.log(0.01), hi: Math.log(100) },
    signal: { mu: 0, sd: 1, lo: Math.log(0.01), hi: Math.log(100) },
    noise: { mu: -4, sd: 1, lo: Math.log(1e-6), hi: Math.log(2) },
    linear: trendPrior(LINEAR_FEATURE_VARIANCE),
    quadratic: trendPrior(QUADRATIC_FEATURE_VARIANCE),
  };
}

/** The prior of hyper-parameter k of theta (see {@link negLogPosterior}). */
function priorOf(p: ReturnType<typeof gpPriors>, dim: number, k: number) {
  return k < dim ? p.lengthscale : k === dim ? p.signal : k === dim + 1 ? p.noise : k === dim + 2 ? p.linear : p.quadratic;
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
  const curvature = options.curvature ?? 0;
  if (!trend && curvature !== 0) throw new GpError('INVALID_DATA', 'a prior curvature needs the trend');
  // Targets relative to the trend's prior mean (R&W eq. 2.41 with a fixed b).
  if (curvature !== 0) hx.forEach((row, i) => (hz[i]! -= trendPriorMean(row, curvature)));
  const objective = negLogPosterior(hx, hz, dim, trend);
  const size = dim + (trend ? 4 : 2);

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
  const warm = options.init && options.init.dim === dim && (options.init.hyper.trend !== undefined) === trend ? thetaOf(options.init.hyper) : undefined;
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

/** theta = [log l_1..d, log signal variance, log noise variance(, log linear, log quadratic trend variance)]. */
function thetaOf(h: Readonly<GpHyper>): Float64Array {
  const trend = h.trend ? [Math.log(h.trend.linear), Math.log(h.trend.quadratic)] : [];
  return Float64Array.from([...h.lengthscales.map(Math.log), Math.log(h.signalVariance), Math.log(h.noiseVariance), ...trend]);
}

function hyperOf(theta: Float64Array, dim: number): GpHyper {
  const base = { lengthscales: Array.from(theta.subarray(0, dim), Math.exp), signalVariance: Math.exp(theta[dim]!), noiseVariance: Math.exp(theta[dim + 1]!) };
  return theta.length > dim + 2 ? { ...base, trend: { linear: Math.exp(theta[dim + 2]!), quadratic: Math.exp(theta[dim + 3]!) } } : base;
}

/**
 * -(log marginal likelihood + log prior) of standardized targets z and its gradient in theta
 * (R&W eq. 5.9: dL/dtheta = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta)); theta as in `thetaOf`,
 * with the two trend variances when `trend`.
 */
export function negLogPosterior(x: readonly (readonly number[])[], z: Float64Array, dim: number, trend = false): (theta: Float64Array) => { f: number; g: Float64Array } {
  const n = z.length;
  const xs = flatten(x, dim);
  const size = dim + (trend ? 4 : 2);
  // Trend feature products per pair (diagonal included), fixed for the fit.
  const feats = trendFeatures(xs, n, dim);
  const lin = new Float64Array(trend ? n * n : 0);
  const quad = new Float64Array(trend ? n * n : 0);
  if (trend) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const [a, b] = trendProducts(feats.c, feats.q, i, feats.c, feats.q, j, dim);
        lin[i * n + j] = lin[j * n + i] = a;
        quad[i * n + j] = quad[j * n + i] = b;
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
    const sl = trend ? Math.exp(theta[dim + 2]!) : 0;
    const sq = trend ? Math.exp(theta[dim + 3]!) : 0;
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
    if (trend) for (let i = 0; i < n * n; i++) kmat[i]! += sl * lin[i]! + sq * quad[i]!;
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
    if (trend) {
      // dK/dlog s = s * products, over the full matrix.
      let gl = 0;
      let gq = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const w = alpha[i]! * alpha[j]! - inv[i * n + j]!;
          gl += w * lin[i * n + j]!;
          gq += w * quad[i * n + j]!;
        }
      }
      g[dim + 2] = -0.5 * sl * gl;
      g[dim + 3] = -0.5 * sq * gq;
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
