/**
 * Parity plot: measured objective against the twin's predicted mean, one colour per set (train /
 * test, or the k-fold's out-of-fold points), the y = x line, R^2 in the title and, where the
 * prediction carries a std, a vertical error bar of +- 1 std.
 *
 * @module
 */
import type { TwinReport } from '../optimizer-host/lab-protocol';
import { BASE_CONFIG, finiteOrNull, fmt, noDataChart, type ChartSize, type ChartSpec } from './common';

/** One point: `ParityPoint` of `@sdfl/optimizer` (std optional here). */
export interface ParityDatum {
  readonly actual: number;
  readonly predicted: number;
  readonly std?: number | null;
}

/** A named set of points, e.g. `train`, `test`, `k-fold`. */
export interface ParitySet {
  readonly label: string;
  readonly points: readonly ParityDatum[];
}

/** Input of {@link parity}. */
export interface ParityInput extends ChartSize {
  readonly sets: readonly ParitySet[];
  /** R^2 values for the title, e.g. `[{ label: 'test', value: 0.91 }]` (null = undefined R^2). */
  readonly r2?: readonly { readonly label: string; readonly value: number | null }[];
  readonly objective?: string;
  readonly title?: string;
}

/** Data layers: one `parity_points` item per point, one `parity_std` rule per point with std > 0, one `parity_identity` rule. */
export const PARITY_LAYERS = { points: 'parity_points', std: 'parity_std', identity: 'parity_identity' } as const;

const NAME = 'parity';
const DESCRIPTION = 'Measured against twin-predicted objective, with the y = x line and +-1 std error bars';

/** The twin report's 80/20 hold-out as a parity input (train and test sets, test and train R^2). */
export function holdoutParity(report: Pick<TwinReport, 'holdout'>): Pick<ParityInput, 'sets' | 'r2'> {
  const h = report.holdout;
  return {
    sets: [
      { label: 'train', points: h.parity.train },
      { label: 'test', points: h.parity.test },
    ],
    r2: [
      { label: 'test', value: h.testR2 },
      { label: 'train', value: h.trainR2 },
    ],
  };
}

/** The twin report's k-fold as a parity input (every point predicted by a model that never saw it). */
export function kfoldParity(report: Pick<TwinReport, 'kfold'>): Pick<ParityInput, 'sets' | 'r2'> {
  return { sets: [{ label: `${report.kfold.k}-fold`, points: report.kfold.parity }], r2: [{ label: `${report.kfold.k}-fold`, value: report.kfold.r2 }] };
}

/** Parity plot. Default 300 x 300 px. */
export function parity(input: ParityInput): ChartSpec {
  const width = input.width ?? 300;
  const height = input.height ?? 300;
  const objective = input.objective ?? 'objective';
  const r2 = (input.r2 ?? []).map((r) => `${r.label} R² = ${fmt(r.value)}`).join(', ');
  const title = input.title ?? 'Parity';
  const rows = input.sets.flatMap((s) =>
    s.points
      .filter((p) => finiteOrNull(p.actual) !== null && finiteOrNull(p.predicted) !== null)
      .map((p) => {
        const std = finiteOrNull(p.std) ?? 0;
        return { set: s.label, actual: p.actual, predicted: p.predicted, std, lo: p.predicted - std, hi: p.predicted + std };
      }),
  );
  if (rows.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height });
  // One square domain for both axes, so that the identity line is the diagonal.
  const all = rows.flatMap((r) => [r.actual, r.lo, r.hi]);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  const domain = [lo - pad, hi + pad];
  const x = { field: 'actual', type: 'quantitative' as const, title: `measured ${objective}`, scale: { domain, nice: false } };
  const y = { type: 'quantitative' as const, title: `predicted ${objective}`, scale: { domain, nice: false } };
  const color = { field: 'set', type: 'nominal' as const, title: 'set', scale: { domain: input.sets.map((s) => s.label), scheme: 'tableau10' } };
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, ...(r2 ? { subtitle: r2 } : {}) },
    width,
    height,
    config: BASE_CONFIG,
    layer: [
      {
        name: PARITY_LAYERS.identity,
        data: { values: [{ a: domain[0], b: domain[1] }] },
        mark: { type: 'rule', color: '#8c959f', strokeDash: [4, 3] },
        encoding: { x: { field: 'a', type: 'quantitative', scale: { domain, nice: false } }, y: { field: 'a', type: 'quantitative', scale: { domain, nice: false } }, x2: { field: 'b' }, y2: { field: 'b' } },
      },
      {
        name: PARITY_LAYERS.std,
        data: { values: rows.filter((r) => r.std > 0) },
        mark: { type: 'rule', opacity: 0.45 },
        encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
      },
      {
        name: PARITY_LAYERS.points,
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 36, opacity: 0.9 },
        encoding: {
          x,
          y: { ...y, field: 'predicted' },
          color,
          tooltip: [
            { field: 'set', type: 'nominal' },
            { field: 'actual', type: 'quantitative', title: 'measured', format: '.4~g' },
            { field: 'predicted', type: 'quantitative', title: 'predicted', format: '.4~g' },
            { field: 'std', type: 'quantitative', title: 'predicted std', format: '.3~g' },
          ],
        },
      },
    ],
  };
}
