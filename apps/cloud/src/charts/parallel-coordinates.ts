/**
 * Parallel coordinates: one line per experiment across the inputs, each input normalised to its
 * bounds (0 = lower bound, 1 = upper), measured experiments coloured by the objective, the others
 * (failed, pending) grey and dashed.
 *
 * @module
 */
import { BASE_CONFIG, fromCube, noDataChart, type ChartSize, type ChartSpec } from './common';
import { usableExperiments, type ExperimentInputsInput } from './experiment-inputs';

/** Input of {@link parallelCoordinates}. */
export interface ParallelCoordinatesInput extends ExperimentInputsInput, ChartSize {}

/** Data layers: one `parallel_lines` line per measured experiment, one `parallel_unmeasured` line per other experiment. */
export const PARALLEL_LAYERS = { lines: 'parallel_lines', unmeasured: 'parallel_unmeasured' } as const;

const NAME = 'parallelCoordinates';
const DESCRIPTION = "Every experiment's inputs normalised to their bounds, one line each, coloured by the objective";

/** Parallel-coordinates plot. Default 80 px per input x 240 px. */
export function parallelCoordinates(input: ParallelCoordinatesInput): ChartSpec {
  const width = input.width ?? Math.max(320, 80 * input.inputs.length);
  const height = input.height ?? 240;
  const objective = input.objective ?? 'objective';
  const title = 'Parallel coordinates';
  const usable = usableExperiments(input);
  if (usable.length === 0 || input.inputs.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height });
  const order = input.inputs.map((a) => a.label);
  const rows = usable.flatMap(({ e, measured }) =>
    input.inputs.map((a, i) => ({ id: e.id, input: a.label, u: e.cube[i]!, physical: fromCube(a, e.cube[i]!), unit: a.unit, value: measured ? e.value : null, measured })),
  );
  const x = { field: 'input', type: 'nominal' as const, title: null, sort: order, scale: { domain: order }, axis: { labelAngle: 0, labelLimit: 90, grid: true, domain: false } };
  const y = { field: 'u', type: 'quantitative' as const, title: 'lower bound → upper bound', scale: { domain: [0, 1] }, axis: { values: [0, 0.5, 1] } };
  const tooltip = [
    { field: 'id', type: 'nominal' as const, title: 'experiment' },
    { field: 'input', type: 'nominal' as const },
    { field: 'physical', type: 'quantitative' as const, title: 'value', format: '.4~g' },
    { field: 'value', type: 'quantitative' as const, title: objective, format: '.4~g' },
  ];
  const measuredCount = usable.filter((u) => u.measured).length;
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, subtitle: `${measuredCount} measured, ${usable.length - measuredCount} not measured (grey)` },
    width,
    height,
    config: BASE_CONFIG,
    data: { values: rows },
    layer: [
      {
        name: PARALLEL_LAYERS.unmeasured,
        transform: [{ filter: '!datum.measured' }],
        mark: { type: 'line', color: '#8c959f', strokeDash: [3, 3], opacity: 0.6, strokeWidth: 1 },
        encoding: { x, y, detail: { field: 'id', type: 'nominal' }, tooltip },
      },
      {
        name: PARALLEL_LAYERS.lines,
        transform: [{ filter: 'datum.measured' }],
        mark: { type: 'line', opacity: 0.8, strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          detail: { field: 'id', type: 'nominal' },
          color: { field: 'value', type: 'quantitative', title: objective, scale: { scheme: 'viridis', reverse: input.direction === 'minimize' } },
          tooltip,
        },
      },
    ],
  };
}
