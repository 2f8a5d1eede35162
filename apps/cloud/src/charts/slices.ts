/**
 * Slice plot (Optuna's "slice" view): the measured objective against each input, one small
 * scatter per input in physical units, coloured by the policy that chose the experiment.
 *
 * @module
 */
import { axisTitle, BASE_CONFIG, fromCube, noDataChart, type ChartSize, type ChartSpec } from './common';
import { usableExperiments, type ExperimentInputsInput } from './experiment-inputs';

/** Input of {@link slices}; `width`/`height` are one panel's. */
export interface SlicesInput extends ExperimentInputsInput, ChartSize {
  /** Panels per row. Default 4. */
  readonly columns?: number;
}

/** Data layers: one `slice_points` item per (measured experiment, input), over all panels. */
export const SLICES_LAYERS = { points: 'slice_points' } as const;

const NAME = 'slices';
const DESCRIPTION = 'Measured objective against each input, one scatter per input';

/** Small multiples of objective vs input. Default panels 150 x 120 px. */
export function slices(input: SlicesInput): ChartSpec {
  const width = input.width ?? 150;
  const height = input.height ?? 120;
  const objective = input.objective ?? 'objective';
  const title = `Slices: ${objective} vs each input`;
  const measured = usableExperiments(input).filter((u) => u.measured);
  if (measured.length === 0 || input.inputs.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width: 4 * width, height });
  const order = input.inputs.map(axisTitle);
  const rows = measured.flatMap(({ e }) => input.inputs.map((a, i) => ({ id: e.id, input: axisTitle(a), x: fromCube(a, e.cube[i]!), value: e.value!, policy: e.policy ?? 'unknown' })));
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, subtitle: `${measured.length} measured experiments` },
    config: BASE_CONFIG,
    data: { values: rows },
    facet: { field: 'input', type: 'nominal', title: null, sort: order, header: { labelFontSize: 10, labelLimit: 160 } },
    columns: input.columns ?? 4,
    resolve: { scale: { x: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width,
      height,
      layer: [
        {
          name: SLICES_LAYERS.points,
          mark: { type: 'point', filled: true, size: 24, opacity: 0.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: null, scale: { zero: false }, axis: { tickCount: 4 } },
            y: { field: 'value', type: 'quantitative', title: objective, scale: { zero: false } },
            color: { field: 'policy', type: 'nominal', title: 'policy', scale: { scheme: 'tableau10' } },
            tooltip: [
              { field: 'id', type: 'nominal', title: 'experiment' },
              { field: 'input', type: 'nominal' },
              { field: 'x', type: 'quantitative', title: 'input value', format: '.4~g' },
              { field: 'value', type: 'quantitative', title: objective, format: '.4~g' },
            ],
          },
        },
      ],
    },
  };
}
