/**
 * Inputs for the chart tests, built deterministically (a seeded generator), shaped as the API
 * returns them: experiments as `GET /experiments`, a twin report as `GET .../models/{v}/report`.
 */
import type { InputAxis } from '../../src/charts';
import type { TwinReport } from '../../src/optimizer-host/lab-protocol';

/** A small seeded generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const INPUTS: InputAxis[] = [
  { key: 'temperatureC', label: 'Temperature', unit: 'C', min: 100, max: 170 },
  { key: 'reactionTimeS', label: 'Reaction time', unit: 's', min: 20, max: 45 },
  { key: 'cuIFraction', label: 'CuI stock', unit: 'fraction', min: 0.1, max: 0.5 },
];

export interface FixtureExperiment {
  id: string;
  seq: number;
  status: string;
  policy: string;
  cube: number[];
  value: number | null;
}

/** n experiments: lhs then ei, every fifth failed (no value), values from a smooth function. */
export function experiments(n: number, seed = 1): FixtureExperiment[] {
  const r = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const cube = INPUTS.map(() => r());
    const failed = (i + 1) % 5 === 0;
    return {
      id: `c-1-exp-${i + 1}`,
      seq: i + 1,
      status: failed ? 'failed' : 'done',
      policy: i < 6 ? 'lhs' : 'ei',
      cube,
      value: failed ? null : 1000 * (1 - (cube[0]! - 0.7) ** 2 - 0.5 * (cube[1]! - 0.3) ** 2) + 50 * r(),
    };
  });
}

/** A twin report over `labels` with n points, a 5 x 4 surface and 6 SHAP points. */
export function twinReport(n = 12, seed = 2): TwinReport {
  const r = prng(seed);
  const labels = INPUTS.map((a) => a.label);
  const parity = (k: number) => Array.from({ length: k }, () => {
    const actual = 1000 * r();
    return { actual, predicted: actual + 80 * (r() - 0.5), std: 20 + 30 * r() };
  });
  const nTest = Math.round(n * 0.2);
  const xs = [0, 0.25, 0.5, 0.75, 1];
  const ys = [0, 1 / 3, 2 / 3, 1];
  const shapPoints = Array.from({ length: 6 }, () => labels.map(() => r()));
  return {
    n,
    labels,
    holdout: { trainR2: 0.95, testR2: 0.81, nTrain: n - nTest, nTest, parity: { train: parity(n - nTest), test: parity(nTest) } },
    kfold: { k: 5, r2: 0.78, foldR2: [0.7, 0.8, null, 0.75, 0.9], parity: parity(n) },
    calibration: [
      { k: 1, fraction: 0.6, expected: 0.683 },
      { k: 2, fraction: 0.9, expected: 0.954 },
    ],
    uncertainty: [5, 8, 10, n].map((m, i) => ({ n: m, meanStd: 100 / (i + 1), stdStd: 10 / (i + 1), relativeMeanStd: 0.5 / (i + 1) })),
    shapley: {
      base: 500,
      ranking: [
        { feature: 0, label: labels[0]!, meanAbs: 120, memberStd: 15 },
        { feature: 1, label: labels[1]!, meanAbs: 60, memberStd: 10 },
        { feature: 2, label: labels[2]!, meanAbs: 5, memberStd: 3 },
      ],
      points: shapPoints,
      values: shapPoints.map((p) => p.map((u, d) => (u - 0.5) * (d === 0 ? 240 : d === 1 ? 120 : 10))),
      spread: shapPoints.map((p) => p.map(() => 5 * r())),
    },
    surface: {
      x: labels[0]!,
      y: labels[1]!,
      xFeature: 0,
      yFeature: 1,
      xs,
      ys,
      mean: ys.map((y) => xs.map((x) => 1000 * (1 - (x - 0.7) ** 2 - 0.5 * (y - 0.3) ** 2))),
      std: ys.map(() => xs.map(() => 30)),
      fixed: [0.7, 0.3, 0.5],
    },
    computeMs: 1234,
  };
}
