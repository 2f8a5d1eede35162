/**
 * The optimisation history (Optuna's "history" view): each done experiment's measured objective by
 * its sequence number, coloured by the policy that chose it, and the best value so far as a step
 * line (a running max, or min when the objective is minimised).
 *
 * @module
 */
import { BASE_CONFIG, finiteOrNull, noDataChart, type ChartSize, type ChartSpec } from './common';

/** What the chart needs of an experiment (`GET /experiments?campaign=`): only `done` ones with a value are plotted. */
export interface HistoryExperiment {
  readonly id: string;
  readonly seq: number;
  readonly status: string;
  readonly policy: string;
  readonly value: number | null;
}

/** Input of {@link bestSoFar}. */
export interface BestSoFarInput extends ChartSize {
  readonly experiments: readonly HistoryExperiment[];
  /** `minimize`, or `maximize` (the API's `objective.direction`; anything but `minimize` maximises). */
  readonly direction: string;
  /** Objective name for the axis, e.g. `plIntensity`. Default `objective`. */
  readonly objective?: string;
}

/** Data layers: one `best_points` item per done experiment with a value; `best_step` is one line. */
export const BEST_SO_FAR_LAYERS = { points: 'best_points', step: 'best_step' } as const;

const NAME = 'bestSoFar';
const DESCRIPTION = 'Measured objective of each done experiment by sequence, coloured by policy, with the best so far';

/** History of a campaign's objective with the best-so-far line. Default 420 x 240 px. */
export function bestSoFar(input: BestSoFarInput): ChartSpec {
  const width = input.width ?? 420;
  const height = input.height ?? 240;
  const objective = input.objective ?? 'objective';
  const minimize = input.direction === 'minimize';
  const title = `Best so far (${minimize ? 'minimise' : 'maximise'} ${objective})`;
  const done = input.experiments
    .filter((e) => e.status === 'done' && finiteOrNull(e.value) !== null)
    .sort((a, b) => a.seq - b.seq);
  if (done.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height });
  let best = done[0]!.value!;
  const rows = done.map((e) => {
    best = minimize ? Math.min(best, e.value!) : Math.max(best, e.value!);
    return { id: e.id, seq: e.seq, policy: e.policy, value: e.value!, best };
  });
  const x = { field: 'seq', type: 'quantitative' as const, title: 'experiment #', axis: { tickMinStep: 1 } };
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, subtitle: `${rows.length} done, best ${formatValue(best)}` },
    width,
    height,
    config: BASE_CONFIG,
    data: { values: rows },
    layer: [
      {
        name: BEST_SO_FAR_LAYERS.step,
        mark: { type: 'line', interpolate: 'step-after', color: '#1f2328', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'best', type: 'quantitative', title: objective, scale: { zero: false } } },
      },
      {
        name: BEST_SO_FAR_LAYERS.points,
        mark: { type: 'point', filled: true, size: 40, opacity: 0.85 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: objective, scale: { zero: false } },
          color: { field: 'policy', type: 'nominal', title: 'policy', scale: { scheme: 'tableau10' } },
          tooltip: [
            { field: 'id', type: 'nominal', title: 'experiment' },
            { field: 'policy', type: 'nominal' },
            { field: 'value', type: 'quantitative', title: objective, format: '.4~g' },
            { field: 'best', type: 'quantitative', title: 'best so far', format: '.4~g' },
          ],
        },
      },
    ],
  };
}

const formatValue = (v: number): string => (Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toPrecision(4) : v.toFixed(3));
