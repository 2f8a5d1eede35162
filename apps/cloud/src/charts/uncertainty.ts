/**
 * How the twin's uncertainty shrinks with data: the mean predicted std over random inputs of a
 * model trained on the first n observations, +- the std of that std, for growing n; the hold-out
 * calibration (coverage of mean +- k std against a Gaussian's) in the subtitle.
 *
 * @module
 */
import type { Calibration, UncertaintyRow } from '@sdfl/optimizer';
import { BASE_CONFIG, finiteOrNull, noDataChart, type ChartSize, type ChartSpec } from './common';

/** Input of {@link uncertaintyVsSize}: `TwinReport.uncertainty` and `TwinReport.calibration`. */
export interface UncertaintyInput extends ChartSize {
  readonly rows: readonly UncertaintyRow[];
  readonly calibration?: readonly Calibration[];
  readonly objective?: string;
}

/** Data layers: one `uncertainty_points` item and one `uncertainty_spread` rule per row; `uncertainty_line` is one line. */
export const UNCERTAINTY_LAYERS = { points: 'uncertainty_points', spread: 'uncertainty_spread', line: 'uncertainty_line' } as const;

const NAME = 'uncertaintyVsSize';
const DESCRIPTION = "The twin's mean predicted std against the number of observations it was trained on";

/** `k=1: 62 % (Gaussian 68 %)`, one per k. */
export function calibrationText(calibration: readonly Calibration[]): string {
  return calibration.map((c) => `±${c.k} std covers ${(100 * c.fraction).toFixed(0)} % (Gaussian ${(100 * c.expected).toFixed(0)} %)`).join('; ');
}

/** Uncertainty against data-set size. Default 360 x 220 px. */
export function uncertaintyVsSize(input: UncertaintyInput): ChartSpec {
  const width = input.width ?? 360;
  const height = input.height ?? 220;
  const title = 'Uncertainty vs data-set size';
  const rows = input.rows
    .filter((r) => finiteOrNull(r.n) !== null && finiteOrNull(r.meanStd) !== null)
    .map((r) => {
      const spread = finiteOrNull(r.stdStd) ?? 0;
      return { n: r.n, meanStd: r.meanStd, stdStd: spread, lo: Math.max(0, r.meanStd - spread), hi: r.meanStd + spread, relative: finiteOrNull(r.relativeMeanStd) };
    })
    .sort((a, b) => a.n - b.n);
  if (rows.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height });
  const calibration = calibrationText(input.calibration ?? []);
  const x = { field: 'n', type: 'quantitative' as const, title: 'observations trained on', axis: { tickMinStep: 1 } };
  const y = { type: 'quantitative' as const, title: `predicted std${input.objective ? ` of ${input.objective}` : ''}` };
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, ...(calibration ? { subtitle: `Hold-out calibration: ${calibration}` } : {}) },
    width,
    height,
    config: BASE_CONFIG,
    data: { values: rows },
    layer: [
      { name: UNCERTAINTY_LAYERS.spread, mark: { type: 'rule', color: '#8c959f' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
      { name: UNCERTAINTY_LAYERS.line, mark: { type: 'line', color: '#0969da' }, encoding: { x, y: { ...y, field: 'meanStd' } } },
      {
        name: UNCERTAINTY_LAYERS.points,
        mark: { type: 'point', filled: true, size: 40, color: '#0969da' },
        encoding: {
          x,
          y: { ...y, field: 'meanStd' },
          tooltip: [
            { field: 'n', type: 'quantitative', title: 'observations' },
            { field: 'meanStd', type: 'quantitative', title: 'mean std', format: '.4~g' },
            { field: 'stdStd', type: 'quantitative', title: 'std of std', format: '.3~g' },
            { field: 'relative', type: 'quantitative', title: 'relative to std(y)', format: '.3~g' },
          ],
        },
      },
    ],
  };
}
