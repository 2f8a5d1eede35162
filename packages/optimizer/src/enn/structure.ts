/**
 * ENN structure selection as in the paper (docs/science.md §7, step 3): candidates are scored by
 * held-out R^2 on an 80/20 split, and the chosen structure is accepted when R^2 >= 0.80.
 */
import { fitEnn, type EnnData, type FitEnnOptions } from './fit';
import { r2 } from './metrics';
import { createRng, permutation } from './rng';
import { DEFAULT_STRUCTURE, type EnnStructure } from './types';

const base = DEFAULT_STRUCTURE;

/**
 * Default search: the default structure plus one change of each factor (depth, width, ensemble
 * size + learning rate/epochs, weight decay, activation). Six fits of ~0.2-0.6 s at 60 points.
 */
export const DEFAULT_CANDIDATES: readonly Readonly<EnnStructure>[] = Object.freeze([
  base,
  { ...base, depth: 1, width: 64 },
  { ...base, depth: 3 },
  { ...base, width: 16, members: 5, learningRate: 0.02, epochs: 200 },
  { ...base, weightDecay: 1e-3 },
  { ...base, activation: 'tanh', weightDecay: 1e-3 },
]);

/** Options of {@link selectStructure}. */
export interface SelectStructureOptions {
  /** Structures to compare; default {@link DEFAULT_CANDIDATES}. */
  candidates?: readonly EnnStructure[];
  /** Acceptance threshold on held-out R^2; default 0.8 (the paper's). */
  threshold?: number;
  /**
   * 1 = a single 80/20 split (the paper's); k >= 2 = k-fold cross-validation.
   * Default: 1 when n >= `kFoldBelow`, else 5 (a 20 % test set of < 8 points is too noisy).
   */
  folds?: number;
  /** Sample size below which the default switches to k-fold; default 40. */
  kFoldBelow?: number;
  /** Seed of the split and of every fit; default 0. */
  seed?: number;
  /** Extra options for every fit (sampling, patience...). */
  fit?: Omit<FitEnnOptions, 'structure' | 'init' | 'seed'>;
}

/** Scores of one candidate. */
export interface CandidateReport {
  structure: EnnStructure;
  /** Held-out R^2 (k-fold: on the pooled out-of-fold predictions). */
  r2: number;
  /** R^2 of each fold's test part (one entry for the 80/20 split). */
  foldR2: number[];
  /** Mean R^2 on the training parts (a large gap to `r2` signals over-fitting). */
  trainR2: number;
  /** Total fit wall time over folds, ms. */
  fitMs: number;
  /** Mean epochs run per fit. */
  epochs: number;
}

/** Result of {@link selectStructure}. */
export interface StructureSelection {
  best: EnnStructure;
  /** Held-out R^2 of `best`. */
  r2: number;
  /** `r2 >= threshold`. */
  accepted: boolean;
  threshold: number;
  /** How the data were split. */
  split: { kind: 'holdout' | 'kfold'; folds: number; nTest: number };
  /** Every candidate in the order given. */
  report: CandidateReport[];
}

/**
 * Compare candidate structures by held-out R^2 and pick the best (ties: the faster one).
 *
 * @example
 * const { best, accepted, r2: score } = await selectStructure(x, y, { seed: 1 });
 * const model = await fitEnn({ x, y }, { structure: best, seed: 1 });
 */
export async function selectStructure(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: SelectStructureOptions = {},
): Promise<StructureSelection> {
  const n = y.length;
  const seed = options.seed ?? 0;
  const threshold = options.threshold ?? 0.8;
  const candidates = options.candidates ?? DEFAULT_CANDIDATES;
  if (candidates.length === 0) throw new RangeError('selectStructure needs at least one candidate');
  const folds = Math.max(1, Math.round(options.folds ?? (n >= (options.kFoldBelow ?? 40) ? 1 : 5)));
  const splits = makeSplits(n, folds, seed);

  const report: CandidateReport[] = [];
  for (const structure of candidates) {
    const pooled = new Float64Array(n);
    const foldR2: number[] = [];
    let trainR2 = 0;
    let fitMs = 0;
    let epochs = 0;
    for (const test of splits) {
      const inTest = new Set(test);
      const trainIdx = y.map((_, i) => i).filter((i) => !inTest.has(i));
      const train: EnnData = { x: trainIdx.map((i) => x[i]!), y: trainIdx.map((i) => y[i]!) };
      const t0 = performance.now();
      const model = await fitEnn(train, { ...options.fit, structure, seed });
      fitMs += performance.now() - t0;
      epochs += model.metadata.epochsRun / splits.length;
      const pred = model.predict(test.map((i) => x[i]!)).mean;
      test.forEach((i, j) => (pooled[i] = pred[j]!));
      foldR2.push(r2(test.map((i) => y[i]!), pred));
      trainR2 += r2(train.y, model.predict(train.x).mean) / splits.length;
    }
    const tested = splits.flat();
    const score = folds === 1 ? foldR2[0]! : r2(tested.map((i) => y[i]!), tested.map((i) => pooled[i]!));
    report.push({ structure: { ...structure }, r2: score, foldR2, trainR2, fitMs, epochs });
  }
  const winner = report.reduce((a, b) => (b.r2 > a.r2 || (b.r2 === a.r2 && b.fitMs < a.fitMs) ? b : a));
  return {
    best: { ...winner.structure },
    r2: winner.r2,
    accepted: winner.r2 >= threshold,
    threshold,
    split: { kind: folds === 1 ? 'holdout' : 'kfold', folds, nTest: splits.reduce((a, s) => a + s.length, 0) },
    report,
  };
}

/**
 * `count` random structures for a wider search: depth 1-3, width 8-64, members 5/10, relu/tanh,
 * L2 log-uniform in [1e-4, 3e-2], learning rate 0.005-0.02, 150-300 epochs. Seeded.
 */
export function randomStructures(count: number, seed = 0): EnnStructure[] {
  const rng = createRng(seed ^ 0x2a5d);
  const pick = <T>(options: readonly T[]): T => options[rng.int(options.length)]!;
  return Array.from({ length: count }, () => ({
    members: pick([5, 10]),
    depth: 1 + rng.int(3),
    width: pick([8, 16, 32, 64]),
    activation: pick(['relu', 'tanh'] as const),
    weightDecay: 10 ** (-4 + rng.next() * Math.log10(300)),
    learningRate: pick([0.005, 0.01, 0.02]),
    epochs: pick([150, 200, 300]),
  }));
}

/** Test index sets: one 20 % hold-out, or k disjoint folds covering every point. */
function makeSplits(n: number, folds: number, seed: number): number[][] {
  if (n < 4) throw new RangeError(`selectStructure needs at least 4 observations, got ${n}`);
  const order = permutation(n, createRng(seed ^ 0x51ec7));
  if (folds === 1) return [order.slice(0, Math.max(1, Math.round(0.2 * n)))];
  const k = Math.min(folds, n);
  return Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
}
