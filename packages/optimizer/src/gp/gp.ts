/**
 * Gaussian-process surrogate (exact GP regression, Rasmussen & Williams 2006, Alg. 2.1): ARD
 * Matern-5/2 kernel, constant mean (the training mean) plus an optional quadratic trend with
 * Gaussian coefficients (trend.ts), Gaussian noise. Prediction is the latent
 * posterior f | data (noise excluded), so EI and MV see model uncertainty, not measurement noise.
 */
import type { Scaler } from '../enn/types';
import type { Prediction } from '../surrogate';
import { cholesky, choleskyInverse, solveLower, solveLower4, solveUpper } from './linalg';
import { trendFeatures, trendPriorMean, trendVariances, writeTrendFeatures } from './trend';
import { GP_FORMAT, GP_FORMAT_V1, GP_FORMAT_V3, type GpHyper, type GpJson, type GpMetadata } from './types';

const SQRT5 = Math.sqrt(5);
/** Added to the diagonal of every kernel matrix (standardized units) for numerical stability. */
export const GP_JITTER = 1e-8;

/** Matern-5/2 correlation at scaled distance r: (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r). */
export function matern52(r: number): number {
  const s = SQRT5 * r;
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

/** The GP's two "members" of a prediction: mean + std and mean - std (see the class comment of {@link Gp}). */
export function sigmaPoints({ mean, std }: Prediction): Float64Array[] {
  return [mean.map((m, i) => m + std[i]!), mean.map((m, i) => m - std[i]!)];
}

/** Error raised for bad GP data or snapshots. */
export class GpError extends Error {
  override readonly name = 'GpError';
  constructor(
    readonly code: 'INVALID_DATA' | 'INVALID_JSON' | 'NOT_POSITIVE_DEFINITE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A GP conditioned on its training set. Create with `fitGp`, {@link Gp.fromJSON} or
 * {@link Gp.withData}. Satisfies the ensemble-shaped `Surrogate` contract with two "members",
 * mean + std and mean - std: their mean and population std are exactly the posterior's, so
 * member-based code (log-output back-transform, SHAP spread) works unchanged.
 */
export class Gp {
  readonly members = 2;
  readonly dim: number;
  private readonly invL2: Float64Array;
  private readonly chol: Float64Array;
  private readonly alpha: Float64Array;
  private readonly xs: Float64Array;
  /** Highest degree of the trend's polynomials, 0 without a trend. */
  private readonly degree: number;
  /** Coefficient variance of each trend feature of a point (dim x degree, trend.ts). */
  private readonly featureVariances: Float64Array;
  /** Trend features of the training points times their coefficient variances (n x dim x degree). */
  private readonly scaledFeatures: Float64Array;
  /** scaledFeatures^T alpha: the trend's part of the posterior mean is features . trendWeights. */
  private readonly trendWeights: Float64Array;
  readonly nTrain: number;

  constructor(
    readonly hyper: Readonly<GpHyper>,
    readonly yScaler: Readonly<Scaler>,
    private readonly x: readonly (readonly number[])[],
    private readonly y: readonly number[],
    readonly metadata: Readonly<GpMetadata>,
  ) {
    this.dim = hyper.lengthscales.length;
    const n = y.length;
    this.nTrain = n;
    this.invL2 = Float64Array.from(hyper.lengthscales, (l) => 1 / (l * l));
    this.xs = flatten(x, this.dim);
    const variances = hyper.trend ? trendVariances(hyper.trend) : [];
    this.degree = variances.length;
    const w = this.dim * this.degree;
    this.featureVariances = Float64Array.from({ length: w }, (_, m) => variances[m % this.degree]!);
    const features = trendFeatures(this.xs, n, this.dim, this.degree);
    this.scaledFeatures = features.map((v, i) => v * this.featureVariances[i % w]!);
    const k = kernelMatrix(this.xs, n, this.dim, this.invL2, hyper.signalVariance);
    if (hyper.trend) addTrend(k, features, this.scaledFeatures, n, w);
    for (let i = 0; i < n; i++) k[i * n + i]! += hyper.noiseVariance + GP_JITTER;
    const l = cholesky(k, n);
    if (!l) throw new GpError('NOT_POSITIVE_DEFINITE', 'GP kernel matrix is not positive definite');
    this.chol = l;
    const curvature = hyper.trend?.curvature ?? 0;
    const z = Float64Array.from(y, (v, i) => (v - yScaler.mean) / yScaler.std - trendPriorMean(x[i]!, curvature));
    this.alpha = solveUpper(l, n, solveLower(l, n, z));
    this.trendWeights = new Float64Array(w);
    for (let i = 0; i < n; i++) for (let m = 0; m < w; m++) this.trendWeights[m]! += this.scaledFeatures[i * w + m]! * this.alpha[i]!;
  }

  /** Posterior mean and std of the latent function (original units) at each row of `x`. */
  predict(x: readonly (readonly number[])[]): Prediction {
    const { dim, nTrain: n, xs, invL2, chol, alpha } = this;
    const sf2 = this.hyper.signalVariance;
    const trend = this.hyper.trend;
    const mean = new Float64Array(x.length);
    const std = new Float64Array(x.length);
    // Points go through the triangular solve L v = k* four at a time: each row of L is read once
    // per block instead of once per point (same arithmetic per point, so the same results).
    const block = 4;
    const ks = Array.from({ length: block }, () => new Float64Array(n));
    // Per point of a block: trend features (trend.ts) and prior variance.
    const hb = Array.from({ length: block }, () => new Float64Array(this.featureVariances.length));
    const prior = new Float64Array(block);
    for (let p0 = 0; p0 < x.length; p0 += block) {
      const m = Math.min(block, x.length - p0);
      for (let b = 0; b < m; b++) {
        const row = x[p0 + b]!;
        if (row.length !== dim) throw new GpError('INVALID_DATA', `expected ${dim} inputs, got ${row.length}`);
        const kb = ks[b]!;
        let mu = 0;
        for (let i = 0; i < n; i++) {
          let r2 = 0;
          const o = i * dim;
          for (let k = 0; k < dim; k++) {
            const d = row[k]! - xs[o + k]!;
            r2 += d * d * invL2[k]!;
          }
          // matern52 written out: this loop runs n times per point, and V8 stopped inlining the call.
          const sr = SQRT5 * Math.sqrt(r2);
          const kv = sf2 * (1 + sr + (sr * sr) / 3) * Math.exp(-sr);
          kb[i] = kv;
          mu += kv * alpha[i]!;
        }
        prior[b] = sf2;
        if (trend) {
          prior[b]! += this.trendFeaturesOf(row, hb[b]!);
          mu += dot(hb[b]!, this.trendWeights) + trendPriorMean(row, trend.curvature ?? 0);
        }
        mean[p0 + b] = mu * this.yScaler.std + this.yScaler.mean;
      }
      if (trend) this.addTrendColumns(hb, ks, m);
      if (m === block) solveLower4(chol, n, ks[0]!, ks[1]!, ks[2]!, ks[3]!);
      else for (let b = 0; b < m; b++) solveLower(chol, n, ks[b]!);
      for (let b = 0; b < m; b++) {
        const kb = ks[b]!;
        let vv = 0;
        for (let i = 0; i < n; i++) vv += kb[i]! * kb[i]!;
        std[p0 + b] = Math.sqrt(Math.max(prior[b]! - vv, 0)) * this.yScaler.std;
      }
    }
    return { mean, std };
  }

  /** Writes the point's trend features into `h`; returns its trend prior variance. */
  private trendFeaturesOf(row: readonly number[], h: Float64Array): number {
    writeTrendFeatures(row, this.dim, this.degree, h);
    let self = 0;
    for (let m = 0; m < h.length; m++) self += this.featureVariances[m]! * h[m]! * h[m]!;
    return self;
  }

  /** Adds the trend's covariance with every training point to the first m columns k* of a block. */
  private addTrendColumns(hb: readonly Float64Array[], ks: readonly Float64Array[], m: number): void {
    const w = this.featureVariances.length;
    const hs = this.scaledFeatures;
    if (m === 4) {
      // Four points per pass over the training features (each feature row read once).
      const [h0, h1, h2, h3] = hb as [Float64Array, Float64Array, Float64Array, Float64Array];
      const [k0, k1, k2, k3] = ks as [Float64Array, Float64Array, Float64Array, Float64Array];
      for (let i = 0; i < this.nTrain; i++) {
        const o = i * w;
        let t0 = 0;
        let t1 = 0;
        let t2 = 0;
        let t3 = 0;
        for (let k = 0; k < w; k++) {
          const v = hs[o + k]!;
          t0 += h0[k]! * v;
          t1 += h1[k]! * v;
          t2 += h2[k]! * v;
          t3 += h3[k]! * v;
        }
        k0[i]! += t0;
        k1[i]! += t1;
        k2[i]! += t2;
        k3[i]! += t3;
      }
      return;
    }
    for (let b = 0; b < m; b++) {
      const h = hb[b]!;
      const kb = ks[b]!;
      for (let i = 0; i < this.nTrain; i++) {
        let t = 0;
        for (let k = 0; k < w; k++) t += h[k]! * hs[i * w + k]!;
        kb[i]! += t;
      }
    }
  }

  /**
   * Leave-one-out posterior of the latent function at each training point, original units, at
   * these hyper-parameters: mean y_i - alpha_i / [K^-1]_ii and variance 1 / [K^-1]_ii less the
   * noise (R&W eq. 5.12), from one inverse instead of n refits, beside the observed values. For
   * choosing between models by their error on points they did not see.
   */
  leaveOneOut(): Prediction & { observed: Float64Array } {
    const n = this.nTrain;
    const inv = choleskyInverse(this.chol, n);
    const s = this.yScaler.std;
    const mean = new Float64Array(n);
    const std = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = inv[i * n + i]!;
      mean[i] = this.y[i]! - (s * this.alpha[i]!) / d;
      std[i] = s * Math.sqrt(Math.max(0, 1 / d - this.hyper.noiseVariance - GP_JITTER));
    }
    return { mean, std, observed: Float64Array.from(this.y) };
  }

  /** The two sigma points mean + std and mean - std (see the class comment). */
  predictMembers(x: readonly (readonly number[])[]): Float64Array[] {
    return sigmaPoints(this.predict(x));
  }

  /**
   * The same GP (hyper-parameters and output scaler) conditioned on other data, e.g. the training
   * set plus fantasies of pending experiments: no hyper-parameter search, one factorisation.
   */
  withData(data: { x: readonly (readonly number[])[]; y: readonly number[] }): Gp {
    return new Gp(this.hyper, this.yScaler, data.x.map((r) => [...r]), [...data.y], { ...this.metadata, nTrain: data.y.length, logPosterior: null });
  }

  /** Plain JSON (hyper-parameters, scaler, training set); `sdfl-gp/2` with a trend, `sdfl-gp/1` without. */
  toJSON(): GpJson {
    const { trend } = this.hyper;
    return {
      format: !trend ? GP_FORMAT_V1 : trend.cubic === undefined ? GP_FORMAT : GP_FORMAT_V3,
      dim: this.dim,
      hyper: {
        lengthscales: [...this.hyper.lengthscales],
        signalVariance: this.hyper.signalVariance,
        noiseVariance: this.hyper.noiseVariance,
        ...(trend ? { trend: { ...trend } } : {}),
      },
      yScaler: { ...this.yScaler },
      x: this.x.map((r) => [...r]),
      y: [...this.y],
      metadata: { ...this.metadata },
    };
  }

  /** Rebuilds a GP from {@link Gp.toJSON} output (either format); predictions are identical. */
  static fromJSON(json: GpJson): Gp {
    const format = json?.format;
    if (format !== GP_FORMAT && format !== GP_FORMAT_V1 && format !== GP_FORMAT_V3) throw new GpError('INVALID_JSON', `unknown GP format ${String(format)}`);
    const { dim, hyper, x, y } = json;
    const trend = hyper?.trend;
    if (format === GP_FORMAT_V1 && trend !== undefined) throw new GpError('INVALID_JSON', `a ${GP_FORMAT_V1} snapshot has no trend; ${GP_FORMAT} has`);
    // /2 is the quadratic trend, /3 adds the cubic (and quartic) terms; each format holds only its own.
    const higher = trend?.cubic !== undefined || trend?.quartic !== undefined;
    if (trend !== undefined && higher !== (format === GP_FORMAT_V3)) throw new GpError('INVALID_JSON', `a ${GP_FORMAT} trend is quadratic; cubic and quartic terms are ${GP_FORMAT_V3}`);
    const trendOk =
      trend === undefined ||
      ((trend.quartic === undefined || trend.cubic !== undefined) && trendVariances(trend).every((v) => v >= 0) && (trend.curvature === undefined || Number.isFinite(trend.curvature)));
    const ok =
      trendOk &&
      Array.isArray(hyper?.lengthscales) &&
      hyper.lengthscales.length === dim &&
      hyper.lengthscales.every((l) => l > 0) &&
      hyper.signalVariance > 0 &&
      hyper.noiseVariance >= 0 &&
      Array.isArray(x) &&
      Array.isArray(y) &&
      x.length === y.length &&
      y.length > 0 &&
      x.every((r) => r.length === dim);
    if (!ok) throw new GpError('INVALID_JSON', 'GP snapshot has inconsistent hyper-parameters or data');
    return new Gp({ ...hyper, lengthscales: [...hyper.lengthscales], ...(trend ? { trend: { ...trend } } : {}) }, { ...json.yScaler }, x, y, { ...json.metadata });
  }
}

/** Row-major copy of points (n x dim). */
export function flatten(x: readonly (readonly number[])[], dim: number): Float64Array {
  const out = new Float64Array(x.length * dim);
  x.forEach((r, i) => out.set(r, i * dim));
  return out;
}

/** Signal part of the kernel matrix, sf2 * matern52(r_ij), n x n. */
function kernelMatrix(xs: Float64Array, n: number, dim: number, invL2: Float64Array, sf2: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = sf2;
    for (let j = 0; j < i; j++) {
      let r2 = 0;
      for (let d = 0; d < dim; d++) {
        const t = xs[i * dim + d]! - xs[j * dim + d]!;
        r2 += t * t * invL2[d]!;
      }
      const v = sf2 * matern52(Math.sqrt(r2));
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/** Adds the trend kernel sum_m variance_m h_im h_jm to `k` (n x n); `scaled` = h times the variances. */
function addTrend(k: Float64Array, h: Float64Array, scaled: Float64Array, n: number, w: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let m = 0; m < w; m++) v += scaled[i * w + m]! * h[j * w + m]!;
      k[i * n + j]! += v;
      if (j !== i) k[j * n + i]! += v;
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}
