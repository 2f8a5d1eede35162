/**
 * SHAP summary (a beeswarm): per input, one dot per explained point at its SHAP value, coloured by
 * that input's value there (cube units, low to high), with +- the members' std of that value as a
 * thin rule; inputs top to bottom by importance. Beside it, each input's mean |SHAP| as a bar with
 * +- the std across ensemble members (how much the members disagree about the importance).
 *
 * @module
 */
import type { FeatureImportance } from '@sdfl/optimizer';
import type { TwinReport } from '../optimizer-host/lab-protocol';
import { BASE_CONFIG, finiteOrNull, noDataChart, type ChartSize, type ChartSpec } from './common';

/** Input of {@link shapSummary}: `TwinReport.shapley` (points in cube units, values and spread n x d). */
export interface ShapSummaryInput extends ChartSize {
  readonly ranking: readonly FeatureImportance[];
  /** Explained points, n x d, cube units. */
  readonly points: readonly (readonly number[])[];
  /** SHAP of the ensemble mean, n x d. */
  readonly values: readonly (readonly number[])[];
  /** Std across members of each SHAP value, n x d (optional). */
  readonly spread?: readonly (readonly number[])[];
  readonly objective?: string;
}

/**
 * Data layers: one `shap_points` item per (point, input) with a finite value, one `shap_spread`
 * rule per such item with spread > 0, one `shap_importance` bar and one `shap_member_spread` rule per ranked input.
 */
export const SHAP_LAYERS = { points: 'shap_points', spread: 'shap_spread', importance: 'shap_importance', memberSpread: 'shap_member_spread' } as const;

const NAME = 'shapSummary';
const DESCRIPTION = "SHAP value of each explained point per input, coloured by the input's value, with the ensemble members' spread; inputs ranked by mean |SHAP|";

/** The SHAP input of a twin report. */
export const shapInput = (report: Pick<TwinReport, 'shapley'>): ShapSummaryInput => ({ ranking: report.shapley.ranking, points: report.shapley.points, values: report.shapley.values, spread: report.shapley.spread });

/** SHAP beeswarm and importance bars. Default 360 px wide, 26 px per input. */
export function shapSummary(input: ShapSummaryInput): ChartSpec {
  const width = input.width ?? 360;
  const height = input.height ?? Math.max(120, 26 * input.ranking.length);
  const title = 'SHAP summary';
  const order = input.ranking.map((r) => r.label);
  const rows = input.values.flatMap((v, p) =>
    input.ranking.flatMap((r) => {
      const shap = finiteOrNull(v[r.feature]);
      if (shap === null) return [];
      const spread = finiteOrNull(input.spread?.[p]?.[r.feature]) ?? 0;
      // A deterministic jitter (golden-ratio sequence) so that the same input draws the same swarm.
      const jitter = ((((p + 1) * 0.618034) % 1) - 0.5) * 0.8;
      return [{ input: r.label, shap, lo: shap - spread, hi: shap + spread, spread, u: finiteOrNull(input.points[p]?.[r.feature]), jitter, point: p + 1 }];
    }),
  );
  if (rows.length === 0 || order.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height: 160 });
  const importance = input.ranking.map((r) => ({ input: r.label, meanAbs: r.meanAbs, memberStd: r.memberStd, lo: Math.max(0, r.meanAbs - r.memberStd), hi: r.meanAbs + r.memberStd }));
  const y = { field: 'input', type: 'nominal' as const, title: null, sort: order, scale: { domain: order } };
  const yOffset = { field: 'jitter', type: 'quantitative' as const, scale: { domain: [-0.5, 0.5] } };
  const unit = input.objective ? ` (${input.objective})` : '';
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, subtitle: `${input.values.length} points explained; bars: mean |SHAP| ± std across ensemble members` },
    config: BASE_CONFIG,
    hconcat: [
      {
        width,
        height,
        data: { values: rows },
        layer: [
          {
            name: SHAP_LAYERS.spread,
            transform: [{ filter: 'datum.spread > 0' }],
            mark: { type: 'rule', color: '#8c959f', opacity: 0.5 },
            encoding: { y, yOffset, x: { field: 'lo', type: 'quantitative', title: `SHAP value${unit}` }, x2: { field: 'hi' } },
          },
          {
            name: SHAP_LAYERS.points,
            mark: { type: 'circle', size: 22, opacity: 0.9 },
            encoding: {
              y,
              yOffset,
              x: { field: 'shap', type: 'quantitative', title: `SHAP value${unit}` },
              color: { field: 'u', type: 'quantitative', title: 'input value', scale: { domain: [0, 1], range: ['#1f77b4', '#d62728'] }, legend: { values: [0, 1], labelExpr: "datum.value === 0 ? 'low' : 'high'" } },
              tooltip: [
                { field: 'input', type: 'nominal' },
                { field: 'point', type: 'ordinal', title: 'explained point' },
                { field: 'shap', type: 'quantitative', title: 'SHAP', format: '.4~g' },
                { field: 'spread', type: 'quantitative', title: 'member std', format: '.3~g' },
                { field: 'u', type: 'quantitative', title: 'input (cube)', format: '.2f' },
              ],
            },
          },
        ],
      },
      {
        width: 120,
        height,
        data: { values: importance },
        layer: [
          {
            name: SHAP_LAYERS.importance,
            mark: { type: 'bar', color: '#8250df', opacity: 0.7 },
            encoding: {
              y: { ...y, axis: null },
              x: { field: 'meanAbs', type: 'quantitative', title: 'mean |SHAP|' },
              tooltip: [
                { field: 'input', type: 'nominal' },
                { field: 'meanAbs', type: 'quantitative', title: 'mean |SHAP|', format: '.4~g' },
                { field: 'memberStd', type: 'quantitative', title: 'member std', format: '.3~g' },
              ],
            },
          },
          {
            name: SHAP_LAYERS.memberSpread,
            mark: { type: 'rule', color: '#1f2328' },
            encoding: { y: { ...y, axis: null }, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
          },
        ],
      },
    ],
  };
}
