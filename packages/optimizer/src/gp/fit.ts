/**
 * `fitGp`: maximum a posteriori hyper-parameters of the GP (log marginal likelihood + log priors,
 * analytic gradients, L-BFGS in a box, a few seeded restarts), then the posterior on all data.
 * Same data + seed + options -> the same model, bit for bit (restore relies on it).
 */
import { scalerOf } from '../enn/scaler';
import { createPrng, deriveSeed, permutation } from '../sampling/prng';
import { flatten, Gp, GP_JITTER, GpError, matern52 } from './gp';
import { cholesky, choleskyInverse, solveLower, solveUpper } from './linalg';
import { minimizeLbfgs } from './lbfgs';
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
  /** Random restarts besides the fixed starting point (and `init`). Default 1. */
  restarts?: number;
  /** L-BFGS iterations per start. Default 60 (the fits we timed converged in 20-50). */
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
}

const SQRT5 = Math.sqrt(5);
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Log-normal priors (mean, sd of the log) and boxes (of the log) of the hyper-parameters, in
 * standardized output units and unit-cube inputs. Length scales: LogNormal(sqrt2 + log(d)/2, sqrt3),
 * noise: LogNormal(-4, 1), the "dimension-scaled" priors of Hvarfner et al. (ICML 2024) that
 * BoTorch adopted as its defaults: they keep a GP on 10-60 points from over-fitting short length
 * scales. Signal variance: LogNormal(0, 1) (y is standardized).
 */
function priors(dim: number) {
  return {
    lengthscale: { mu: Math.SQRT2 + 0.5 * Math.log(dim), sd: Math.sqrt(3), lo: Math.log(0.01), hi: Math.log(100) },
    signal: { mu: 0, sd: 1, lo: Math.log(0.01), hi: Math.log(100) },
    noise: { mu: -4, sd: 1, lo: Math.log(1e-6), hi: Math.log(2) },
  };
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
  const objective = negLogPosterior(hx, hz, dim);

  const p = priors(dim);
  const lo = Float64Array.from({ length: dim + 2 }, (_, k) => (k < dim ? p.lengthscale.lo : k === dim ? p.signal.lo : p.noise.lo));
  const hi = Float64Array.from({ length: dim + 2 }, (_, k) => (k < dim ? p.lengthscale.hi : k === dim ? p.signal.hi : p.noise.hi));
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
  if (options.init && options.init.dim === dim) starts.push(thetaOf(options.init.hyper));
  starts.push(Float64Array.from({ length: dim + 2 }, (_, k) => (k < dim ? Math.log(0.5 * Math.sqrt(dim)) : k === dim ? 0 : Math.log(1e-3))));
  const rng = createPrng(deriveSeed(seed, 'gp-restarts'));
  for (let r = 0; r < (options.restarts ?? 1); r++) {
    starts.push(
      Float64Array.from({ length: dim + 2 }, (_, k) => {
        const [a, b] = k < dim ? [Math.log(0.1), Math.log(2 * Math.sqrt(dim))] : k === dim ? [Math.log(0.3), Math.log(3)] : [Math.log(1e-5), Math.log(0.1)];
        return a + (b - a) * rng.next();
      }),
    );
  }
  let best: { theta: Float64Array; f: number } | undefined;
  for (const s of starts) {
    const phi0 = toPhi(s);
    if (!Number.isFinite(fg(phi0).f)) continue;
    const res = minimizeLbfgs(fg, phi0, { maxIterations: options.maxIterations ?? 60 });
    if (Number.isFinite(res.f) && (!best || res.f < best.f)) best = { theta: toTheta(res.x), f: res.f };
  }
  if (!best) throw new GpError('NOT_POSITIVE_DEFINITE', 'no GP hyper-parameters gave a positive-definite kernel matrix');
  const hyper = hyperOf(best.theta, dim);
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

/** theta = [log l_1..d, log signal variance, log noise variance]. */
function thetaOf(h: Readonly<GpHyper>): Float64Array {
  return Float64Array.from([...h.lengthscales.map(Math.log), Math.log(h.signalVariance), Math.log(h.noiseVariance)]);
}

function hyperOf(theta: Float64Array, dim: number): GpHyper {
  return { lengthscales: Array.from(theta.subarray(0, dim), Math.exp), signalVariance: Math.exp(theta[dim]!), noiseVariance: Math.exp(theta[dim + 1]!) };
}

/**
 * -(log marginal likelihood + log prior) of standardized targets z and its gradient in theta
 * (R&W eq. 5.9: dL/dtheta = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta)).
 */
export function negLogPosterior(x: readonly (readonly number[])[], z: Float64Array, dim: number): (theta: Float64Array) => { f: number; g: Float64Array } {
  const n = z.length;
  const xs = flatten(x, dim);
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
  const pr = priors(dim);
  const prior = (k: number) => (k < dim ? pr.lengthscale : k === dim ? pr.signal : pr.noise);
  const corr = new Float64Array(pairs);
  const radius = new Float64Array(pairs);
  return (theta) => {
    const invL2 = Float64Array.from({ length: dim }, (_, k) => Math.exp(-2 * theta[k]!));
    const sf2 = Math.exp(theta[dim]!);
    const sn2 = Math.exp(theta[dim + 1]!);
    const kmat = new Float64Array(n * n);
    for (let i = 0, p = 0; i < n; i++) {
      kmat[i * n + i] = sf2 + sn2 + GP_JITTER;
      for (let j = 0; j < i; j++, p++) {
        let r2 = 0;
        for (let k = 0; k < dim; k++) r2 += diff[p * dim + k]! * invL2[k]!;
        const r = Math.sqrt(r2);
        radius[p] = r;
        const c = matern52(r);
        corr[p] = c;
        kmat[i * n + j] = sf2 * c;
        kmat[j * n + i] = sf2 * c;
      }
    }
    const g = new Float64Array(dim + 2);
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
        const common = w * sf2 * (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
        for (let k = 0; k < dim; k++) g[k]! += common * diff[p * dim + k]! * invL2[k]!;
      }
    }
    for (let k = 0; k < dim; k++) g[k] = -0.5 * g[k]!;
    g[dim] = -0.5 * gSignal;
    g[dim + 1] = -0.5 * gNoise;
    for (let k = 0; k < dim + 2; k++) {
      const { mu, sd } = prior(k);
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
