/**
 * The twin report of one stored model version (runs in the worker: it refits several models).
 * Accuracy comes from refits of the same surrogate kind on the data the version was fitted on
 * (80/20 hold-out, k-fold, growing prefixes); SHAP and the surface explain the stored model itself.
 *
 * @module
 */
import {
  assess,
  createPrng,
  deriveSeed,
  evaluateTwin,
  loadSurrogate,
  r2,
  responseSurface,
  shapleyAnalysis,
  snapshotPurpose,
  subset,
  surrogateFit,
  uncertaintyVsSize,
  type ParityPoint,
  type SurrogateFactory,
  type TrainingData,
} from '@sdfl/optimizer';
import type { TwinReport, TwinRequest } from './lab-protocol';

/** Fewest successful observations a report needs (an 80/20 split and a 2-fold must both train). */
export const TWIN_MIN_POINTS = 5;

/** A report cannot be computed (too little data). */
export class TwinReportError extends Error {
  readonly code = 'TOO_FEW_POINTS';
  constructor(message: string) {
    super(message);
    this.name = 'TwinReportError';
  }
}

/** Computes the report. Deterministic for a given request. */
export async function twinReport(req: TwinRequest): Promise<TwinReport> {
  const started = performance.now();
  const { data, seed } = req;
  const n = data.y.length;
  if (n < TWIN_MIN_POINTS) throw new TwinReportError(`a twin report needs at least ${TWIN_MIN_POINTS} successful observations, this model has ${n}`);
  // Refit as the stored model was fitted (a twin learnt by MV has the GP's quartic trend).
  const purpose = snapshotPurpose(req.snapshot);
  const kindFit = surrogateFit(req.surrogate);
  const fit: SurrogateFactory = (d, o) => kindFit(d, { ...o, purpose });
  const holdout = await evaluateTwin(data, { fit, seed: deriveSeed(seed, 'holdout') });
  const kfold = await kFold(data, fit, Math.min(req.folds ?? 5, n), deriveSeed(seed, 'kfold'));
  const uncertainty = await uncertaintyVsSize(data, { fit, seed: deriveSeed(seed, 'uncertainty'), samples: 500 });

  const model = await loadSurrogate(req.snapshot);
  const points = data.x.slice(-(req.shapleyPoints ?? 24));
  const background = everyKth(data.x, req.shapleyBackground ?? 16);
  const shap = shapleyAnalysis(model, points, background, req.labels);
  const [top, second] = shap.ranking;
  const sign = req.direction === 'maximize' ? 1 : -1;
  const bestIndex = data.y.reduce((b, y, i) => (sign * y > sign * data.y[b]! ? i : b), 0);
  const surface = responseSurface(model, top!.feature, second!.feature, { fixed: data.x[bestIndex]!, resolution: req.resolution ?? 21 });

  return {
    n,
    labels: [...req.labels],
    holdout: { trainR2: holdout.trainR2, testR2: holdout.testR2, nTrain: holdout.split.train.length, nTest: holdout.split.test.length, parity: holdout.parity },
    kfold,
    calibration: holdout.calibration,
    uncertainty,
    shapley: { base: shap.base, ranking: shap.ranking, points: points.map((p) => [...p]), values: shap.values, spread: shap.spread },
    surface: { x: top!.label, y: second!.label, ...surface },
    computeMs: performance.now() - started,
  };
}

/** Seeded k-fold: every point predicted once by a model that never saw it; pooled R^2 over all. */
async function kFold(data: TrainingData, fit: SurrogateFactory, k: number, seed: number): Promise<TwinReport['kfold']> {
  const n = data.y.length;
  const rng = createPrng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const parity: (ParityPoint | undefined)[] = new Array<ParityPoint | undefined>(n);
  const foldR2: (number | null)[] = [];
  for (let f = 0; f < k; f++) {
    const test = order.filter((_, i) => i % k === f);
    const train = order.filter((_, i) => i % k !== f);
    const model = await fit(subset(data, train), { seed: deriveSeed(seed, f) });
    const a = assess(model, subset(data, test));
    test.forEach((idx, i) => (parity[idx] = a.parity[i]));
    foldR2.push(test.length >= 2 && Number.isFinite(a.r2) ? a.r2 : null);
  }
  const all = parity as ParityPoint[];
  return { k, r2: r2(all.map((p) => p.actual), all.map((p) => p.predicted)), foldR2, parity: all };
}

/** Up to m rows spread evenly over the set (a deterministic background). */
function everyKth(rows: readonly number[][], m: number): number[][] {
  if (rows.length <= m) return rows.map((r) => [...r]);
  return Array.from({ length: m }, (_, i) => [...rows[Math.floor((i * rows.length) / m)]!]);
}
