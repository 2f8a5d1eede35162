/**
 * Digital-twin acceptance: train on a seeded 80/20 split and report train/test R^2, parity data
 * and calibration (paper: the ENN twin is accepted at test R^2 >= 0.80 after 60 experiments).
 */
import { normalCdf } from '../acquisition';
import { r2 } from '../enn/metrics';
import { createPrng, permutation } from '../sampling/prng';
import type { SnapshotSurrogate, SurrogateFactory, TrainingData } from '../study/types';
import type { Surrogate } from '../surrogate';

/** Indices of a seeded train/test split. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Seeded random split of n items; the test set has round(testFraction n) items (at least 1 when n >= 2).
 * @param testFraction default 0.2
 */
export function trainTestSplit(n: number, seed: number, testFraction = 0.2): Split {
  const perm = permutation(n, createPrng(seed));
  const nTest = n >= 2 ? Math.max(1, Math.round(testFraction * n)) : 0;
  return { test: perm.slice(0, nTest).sort((a, b) => a - b), train: perm.slice(nTest).sort((a, b) => a - b) };
}

/** Rows of a data set. */
export function subset(data: TrainingData, idx: readonly number[]): TrainingData {
  return { x: idx.map((i) => [...data.x[i]!]), y: idx.map((i) => data.y[i]!) };
}

/** One point of a parity plot. */
export interface ParityPoint {
  actual: number;
  predicted: number;
  std: number;
}

/** Fraction of points with |y - mean| <= k std, for each k. */
export interface Calibration {
  k: number;
  /** Observed coverage. */
  fraction: number;
  /** Coverage a calibrated Gaussian would give (0.683 for k = 1, 0.954 for k = 2). */
  expected: number;
}

/** R^2 and parity data of a model on a data set. */
export function assess(model: Surrogate, data: TrainingData): { r2: number; parity: ParityPoint[] } {
  const p = model.predict(data.x);
  return { r2: r2(data.y, p.mean), parity: data.y.map((actual, i) => ({ actual, predicted: p.mean[i]!, std: p.std[i]! })) };
}

/**
 * Calibration of the ensemble spread on held-out points.
 * @param ks multiples of std. Default [1, 2].
 */
export function calibration(parity: readonly ParityPoint[], ks: readonly number[] = [1, 2]): Calibration[] {
  return ks.map((k) => ({
    k,
    fraction: parity.filter((p) => Math.abs(p.actual - p.predicted) <= k * p.std).length / Math.max(1, parity.length),
    expected: 2 * normalCdf(k) - 1,
  }));
}

/** Result of {@link evaluateTwin}. */
export interface TwinEvaluation {
  /** Model trained on the training split. */
  model: SnapshotSurrogate;
  split: Split;
  trainR2: number;
  testR2: number;
  parity: { train: ParityPoint[]; test: ParityPoint[] };
  /** Coverage of the held-out points by mean +- k std (k = 1, 2). */
  calibration: Calibration[];
}

/**
 * Trains a twin on a seeded 80/20 split of `data` and reports its accuracy and calibration.
 *
 * @param options.testFraction default 0.2
 * @example
 * const ev = await evaluateTwin(study.trainingData(), { fit, seed: 1 });
 * const accepted = ev.testR2 >= 0.8;
 */
export async function evaluateTwin(data: TrainingData, options: { fit: SurrogateFactory; seed: number; testFraction?: number }): Promise<TwinEvaluation> {
  const split = trainTestSplit(data.y.length, options.seed, options.testFraction ?? 0.2);
  const train = subset(data, split.train);
  const test = subset(data, split.test);
  const model = await options.fit(train, { seed: options.seed });
  const a = assess(model, train);
  const b = assess(model, test);
  return { model, split, trainR2: a.r2, testR2: b.r2, parity: { train: a.parity, test: b.parity }, calibration: calibration(b.parity) };
}
