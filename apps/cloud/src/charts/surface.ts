/**
 * The twin's response surface over its two most influential inputs: a heatmap of the predicted
 * mean (std in the tooltip), the other inputs held at the best observed point, and the campaign's
 * experiments overlaid at their coordinates on those two inputs.
 *
 * @module
 */
import type { TwinReport } from '../optimizer-host/lab-protocol';
import { axisTitle, BASE_CONFIG, finiteOrNull, fromCube, noDataChart, type ChartSize, type ChartSpec, type InputAxis } from './common';

/** An experiment to overlay: its cube point (all inputs) and its measured value (null = not measured). */
export interface SurfaceExperiment {
  readonly id: string;
  readonly cube: readonly number[];
  readonly value: number | null;
}

/** Input of {@link surface}. */
export interface SurfaceInput extends ChartSize {
  /** `TwinReport.surface`: grids in cube units, `mean[iy][ix]` and `std[iy][ix]`. */
  readonly surface: TwinReport['surface'];
  /** The space's inputs in cube order, to show physical units; default the cube [0, 1]. */
  readonly inputs?: readonly InputAxis[];
  readonly experiments?: readonly SurfaceExperiment[];
  readonly objective?: string;
}

/** Data layers: one `surface_cells` rect per grid point with a finite mean; one `surface_experiments` point per experiment with a cube point. */
export const SURFACE_LAYERS = { cells: 'surface_cells', experiments: 'surface_experiments' } as const;

const NAME = 'surface';
const DESCRIPTION = "Heatmap of the twin's predicted mean over its two most influential inputs, with the experiments overlaid";

/** Cell edges of a grid: halfway between neighbours, the ends extended by half a step. */
function edges(grid: readonly number[]): { lo: number; hi: number }[] {
  return grid.map((g, i) => {
    const prev = grid[i - 1];
    const next = grid[i + 1];
    const lo = prev === undefined ? g - ((next ?? g) - g) / 2 : (prev + g) / 2;
    const hi = next === undefined ? g + (g - (prev ?? g)) / 2 : (g + next) / 2;
    return { lo, hi };
  });
}

/** Response-surface heatmap. Default 300 x 260 px. */
export function surface(input: SurfaceInput): ChartSpec {
  const width = input.width ?? 300;
  const height = input.height ?? 260;
  const s = input.surface;
  const objective = input.objective ?? 'objective';
  const axis = (feature: number, label: string): InputAxis => input.inputs?.[feature] ?? { key: label, label, unit: 'cube', min: 0, max: 1 };
  const ax = axis(s.xFeature, s.x);
  const ay = axis(s.yFeature, s.y);
  const title = `Twin surface: ${ax.label} × ${ay.label}`;
  const ex = edges(s.xs);
  const ey = edges(s.ys);
  const cells = s.ys.flatMap((yv, iy) =>
    s.xs.flatMap((xv, ix) => {
      const mean = finiteOrNull(s.mean[iy]?.[ix]);
      if (mean === null) return [];
      return [{ x: fromCube(ax, xv), y: fromCube(ay, yv), x0: fromCube(ax, ex[ix]!.lo), x1: fromCube(ax, ex[ix]!.hi), y0: fromCube(ay, ey[iy]!.lo), y1: fromCube(ay, ey[iy]!.hi), mean, std: finiteOrNull(s.std[iy]?.[ix]) }];
    }),
  );
  if (cells.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height });
  const points = (input.experiments ?? [])
    .filter((e) => finiteOrNull(e.cube[s.xFeature]) !== null && finiteOrNull(e.cube[s.yFeature]) !== null)
    .map((e) => ({ id: e.id, x: fromCube(ax, e.cube[s.xFeature]!), y: fromCube(ay, e.cube[s.yFeature]!), value: finiteOrNull(e.value), measured: finiteOrNull(e.value) !== null ? 'measured' : 'not measured' }));
  const xDomain = [Math.min(...cells.map((c) => c.x0)), Math.max(...cells.map((c) => c.x1))];
  const yDomain = [Math.min(...cells.map((c) => c.y0)), Math.max(...cells.map((c) => c.y1))];
  const xScale = { domain: xDomain, nice: false, zero: false };
  const yScale = { domain: yDomain, nice: false, zero: false };
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, subtitle: 'predicted mean; other inputs held at the best observed point' },
    width,
    height,
    config: BASE_CONFIG,
    layer: [
      {
        name: SURFACE_LAYERS.cells,
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: axisTitle(ax), scale: xScale },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', title: axisTitle(ay), scale: yScale },
          y2: { field: 'y1' },
          color: { field: 'mean', type: 'quantitative', title: `mean ${objective}`, scale: { scheme: 'viridis' } },
          tooltip: [
            { field: 'x', type: 'quantitative', title: ax.label, format: '.3~g' },
            { field: 'y', type: 'quantitative', title: ay.label, format: '.3~g' },
            { field: 'mean', type: 'quantitative', title: 'mean', format: '.4~g' },
            { field: 'std', type: 'quantitative', title: 'std', format: '.3~g' },
          ],
        },
      },
      {
        name: SURFACE_LAYERS.experiments,
        data: { values: points },
        mark: { type: 'point', size: 30, stroke: '#1f2328', strokeWidth: 1, filled: false, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale },
          y: { field: 'y', type: 'quantitative', scale: yScale },
          shape: { field: 'measured', type: 'nominal', title: 'experiments', scale: { domain: ['measured', 'not measured'], range: ['circle', 'cross'] } },
          tooltip: [
            { field: 'id', type: 'nominal', title: 'experiment' },
            { field: 'value', type: 'quantitative', title: objective, format: '.4~g' },
          ],
        },
      },
    ],
  };
}
