/**
 * Acquisition functions on the normal approximation N(mean, std^2) of an ensemble's prediction.
 * Convention: every acquisition is "larger is better", whatever the objective's direction.
 */
import type { Prediction } from './surrogate';

/** Whether the objective is to be maximised or minimised. */
export type Direction = 'maximize' | 'minimize';

const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density. */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * Standard normal CDF to double precision (Hart 1968 as given by West 2005, "Better approximations
 * to cumulative normal functions"); exact tails instead of the 1e-7 of the usual erf shortcut.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = Math.abs(z);
  let tail: number;
  if (x > 37) {
    tail = 0;
  } else {
    const e = Math.exp(-0.5 * x * x);
    if (x < 7.07106781186547) {
      let num = 3.52624965998911e-2 * x + 0.700383064443688;
      num = num * x + 6.37396220353165;
      num = num * x + 33.912866078383;
      num = num * x + 112.079291497871;
      num = num * x + 221.213596169931;
      num = num * x + 220.206867912376;
      let den = 8.83883476483184e-2 * x + 1.75566716318264;
      den = den * x + 16.064177579207;
      den = den * x + 86.7807322029461;
      den = den * x + 296.564248779674;
      den = den * x + 637.333633378831;
      den = den * x + 793.826512519948;
      den = den * x + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let b = x + 0.65;
      b = x + 4 / b;
      b = x + 3 / b;
      b = x + 2 / b;
      b = x + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return z > 0 ? 1 - tail : tail;
}

/** Below this std a prediction is treated as certain (EI falls back to max(improvement, 0)). */
export const MIN_STD = 1e-12;

/**
 * Expected improvement over the incumbent `best` (Jones et al. 1998) of one normal prediction.
 * For `maximize`: I = mean - best - xi; for `minimize`: I = best - mean - xi;
 * EI = I Phi(I/std) + std phi(I/std), and max(I, 0) when std = 0.
 *
 * @param xi exploration margin in objective units. Default 0.
 * @example
 * expectedImprovement(1, 2, 0.5); // 1.0726893...
 */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0, direction: Direction = 'maximize'): number {
  const improvement = direction === 'maximize' ? mean - best - xi : best - mean - xi;
  if (!(std > MIN_STD)) return Math.max(improvement, 0);
  const z = improvement / std;
  return improvement * normalCdf(z) + std * normalPdf(z);
}

/**
 * Upper confidence bound (Srinivas et al. 2010) in the "larger is better" convention:
 * mean + kappa std for `maximize`, -(mean - kappa std) for `minimize` (the negated lower bound).
 *
 * @param kappa exploration weight. Default 2.
 */
export function upperConfidenceBound(mean: number, std: number, kappa = 2, direction: Direction = 'maximize'): number {
  return direction === 'maximize' ? mean + kappa * std : kappa * std - mean;
}

/** Pure exploitation (EPLT): the predicted mean, negated for `minimize`. */
export function exploitation(mean: number, direction: Direction = 'maximize'): number {
  return direction === 'maximize' ? mean : -mean;
}

/** Model-based acquisition policies. */
export type AcquisitionKind = 'mv' | 'ei' | 'ucb' | 'eplt';

/** Parameters of the model-based acquisitions. */
export interface AcquisitionParams {
  /** EI exploration margin xi in objective units. Default 0. */
  xi?: number;
  /** UCB exploration weight kappa. Default 2. */
  kappa?: number;
}

/** What an acquisition needs besides the prediction. */
export interface AcquisitionContext {
  direction: Direction;
  /** Incumbent (best observed objective value); required by EI. */
  best?: number;
}

/**
 * Vectorised acquisition: maps a batch prediction to one score per point (larger is better).
 * MV = std (maximum variance, the paper's exploration policy).
 */
export function acquisition(kind: AcquisitionKind, params: AcquisitionParams, ctx: AcquisitionContext): (p: Prediction) => Float64Array {
  const { direction } = ctx;
  switch (kind) {
    case 'mv':
      return (p) => Float64Array.from(p.std);
    case 'eplt':
      return (p) => p.mean.map((m) => exploitation(m, direction));
    case 'ucb': {
      const kappa = params.kappa ?? 2;
      return (p) => p.mean.map((m, i) => upperConfidenceBound(m, p.std[i]!, kappa, direction));
    }
    case 'ei': {
      const xi = params.xi ?? 0;
      const best = ctx.best;
      if (best === undefined || !Number.isFinite(best)) throw new RangeError('EI needs a finite incumbent (best observed value)');
      return (p) => p.mean.map((m, i) => expectedImprovement(m, p.std[i]!, best, xi, direction));
    }
  }
}

/** True when the acquisition can be negative (then penalties subtract instead of scaling). */
export function isSignedAcquisition(kind: AcquisitionKind): boolean {
  return kind === 'ucb' || kind === 'eplt';
}
