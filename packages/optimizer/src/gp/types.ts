/** Hyper-parameters and serialized form of the Gaussian-process surrogate. */
import type { Scaler } from '../enn/types';
import type { GpTrend } from './trend';

/**
 * Hyper-parameters of the GP in standardized output units: Matern-5/2 kernel with one length scale
 * per input (ARD) on unit-cube inputs, signal variance and Gaussian noise variance.
 */
export interface GpHyper {
  /** Length scale per input, cube units. */
  lengthscales: number[];
  /** Kernel (signal) variance, standardized units. */
  signalVariance: number;
  /** Observation noise variance, standardized units. */
  noiseVariance: number;
  /** Prior variances of the polynomial trend's coefficients (trend.ts); absent: no trend (constant mean). */
  trend?: GpTrend;
}

/** Version tag of the JSON layout written by `Gp.toJSON` for a GP with a quadratic trend. */
export const GP_FORMAT = 'sdfl-gp/2';
/** The layout of a GP whose trend has cubic (and quartic) terms: readers of /2 would drop them, so it has its own tag. */
export const GP_FORMAT_V3 = 'sdfl-gp/3';
/** The layout of GPs without a trend (every snapshot before the trend existed); still read and written. */
export const GP_FORMAT_V1 = 'sdfl-gp/1';

/** Provenance of a fitted GP. */
export interface GpMetadata {
  /** Observations the posterior is conditioned on. */
  nTrain: number;
  /** Seed of the hyper-parameter restarts. */
  seed: number;
  /** Log marginal likelihood + log prior at the chosen hyper-parameters (per point), or null when not fitted here. */
  logPosterior: number | null;
  /** Observations the hyper-parameters were fitted on (a subset above `hyperMaxPoints`). */
  nHyper: number;
}

/**
 * Plain-JSON form of a GP: hyper-parameters, output scaler and the training set itself (a GP is
 * its data); `Gp.fromJSON` refactorises and predicts identically.
 */
export interface GpJson {
  format: typeof GP_FORMAT | typeof GP_FORMAT_V1 | typeof GP_FORMAT_V3;
  dim: number;
  hyper: GpHyper;
  yScaler: Scaler;
  x: number[][];
  y: number[];
  metadata: GpMetadata;
}
