/**
 * Every chart builder's spec renders to SVG on the server, the number of items of its data layers
 * equals the number of data points given, an empty input renders "no data yet" (never throws),
 * and no SVG references anything outside itself.
 */
import { describe, expect, it } from 'vitest';
import {
  BEST_SO_FAR_LAYERS,
  bestSoFar,
  countMarks,
  holdoutParity,
  kfoldParity,
  NO_DATA_LAYER,
  NO_DATA_TEXT,
  PARALLEL_LAYERS,
  parallelCoordinates,
  parity,
  PARITY_LAYERS,
  SHAP_LAYERS,
  shapInput,
  shapSummary,
  slices,
  SLICES_LAYERS,
  surface,
  SURFACE_LAYERS,
  TEMPERATURE_LAYERS,
  temperatureTrace,
  UNCERTAINTY_LAYERS,
  uncertaintyVsSize,
  type ChartSpec,
} from '../../src/charts';
import { renderSvg } from '../../src/charts/svg';
import { experiments, INPUTS, twinReport } from './fixtures';
import { externalUrls } from './svg-checks';

async function render(spec: ChartSpec): Promise<string> {
  const svg = await renderSvg(spec);
  expect(svg.startsWith('<svg')).toBe(true);
  expect(externalUrls(svg)).toEqual([]);
  return svg;
}

async function expectEmpty(spec: ChartSpec, name: string): Promise<void> {
  expect(spec.name).toBe(name);
  const svg = await render(spec);
  expect(svg).toContain(NO_DATA_TEXT);
  expect(countMarks(svg, NO_DATA_LAYER)).toBe(1);
}

const exps = experiments(20);
const done = exps.filter((e) => e.status === 'done');
const report = twinReport(15);

describe('temperatureTrace', () => {
  it('draws one dot per sample with a pv, the pv line and the setpoint line', async () => {
    const t0 = Date.parse('2025-01-01T10:00:00Z');
    const samples = Array.from({ length: 30 }, (_, i) => ({ at: new Date(t0 + i * 1000).toISOString(), pvC: i === 7 ? null : 120 + Math.sin(i / 3), spC: i < 15 ? 120 : 140 }));
    const spec = temperatureTrace({ samples });
    expect(spec.name).toBe('temperatureTrace');
    expect(spec.description).toMatch(/temperature/i);
    const svg = await render(spec);
    expect(countMarks(svg, TEMPERATURE_LAYERS.pv)).toBe(29);
    expect(countMarks(svg, TEMPERATURE_LAYERS.pvLine)).toBe(1);
    expect(countMarks(svg, TEMPERATURE_LAYERS.sp)).toBe(1);
    expect(svg).toContain('(set 140.0 C)');
  });
  it('is honest with no samples, or none with a reading', async () => {
    await expectEmpty(temperatureTrace({ samples: [] }), 'temperatureTrace');
    await expectEmpty(temperatureTrace({ samples: [{ at: 0, pvC: null, spC: 120 }] }), 'temperatureTrace');
  });
});

describe('bestSoFar', () => {
  it('draws one point per done experiment and one step line; the best follows the direction', async () => {
    const max = bestSoFar({ experiments: exps, direction: 'maximize', objective: 'plIntensity' });
    const svg = await render(max);
    expect(countMarks(svg, BEST_SO_FAR_LAYERS.points)).toBe(done.length);
    expect(countMarks(svg, BEST_SO_FAR_LAYERS.step)).toBe(1);
    const values = done.map((e) => e.value!);
    const bestOf = (spec: ChartSpec) => ((spec.data as { values: { best: number }[] }).values.at(-1)!.best);
    expect(bestOf(max)).toBe(Math.max(...values));
    expect(bestOf(bestSoFar({ experiments: exps, direction: 'minimize' }))).toBe(Math.min(...values));
    // Colour by policy: a legend entry per policy.
    expect(svg).toContain('lhs');
    expect(svg).toContain('ei');
  });
  it('is honest before any experiment is done', async () => {
    await expectEmpty(bestSoFar({ experiments: [], direction: 'maximize' }), 'bestSoFar');
    await expectEmpty(bestSoFar({ experiments: exps.map((e) => ({ ...e, status: 'running', value: null })), direction: 'maximize' }), 'bestSoFar');
  });
});

describe('parity', () => {
  it('hold-out: a point and an error bar per prediction, the y = x line, R^2 in the title', async () => {
    const spec = parity({ ...holdoutParity(report), objective: 'PL_I' });
    const svg = await render(spec);
    const n = report.holdout.parity.train.length + report.holdout.parity.test.length;
    expect(countMarks(svg, PARITY_LAYERS.points)).toBe(n);
    expect(countMarks(svg, PARITY_LAYERS.std)).toBe(n);
    expect(countMarks(svg, PARITY_LAYERS.identity)).toBe(1);
    expect(svg).toContain('test R² = 0.81');
  });
  it('k-fold, points without std: no error bars; NaN R^2 reads n/a', async () => {
    const spec = parity({ sets: [{ label: 'k-fold', points: report.kfold.parity.map((p) => ({ actual: p.actual, predicted: p.predicted })) }], r2: [{ label: 'k-fold', value: Number.NaN }] });
    const svg = await render(spec);
    expect(countMarks(svg, PARITY_LAYERS.points)).toBe(report.kfold.parity.length);
    expect(countMarks(svg, PARITY_LAYERS.std)).toBe(0);
    expect(svg).toContain('R² = n/a');
    expect(countMarks(await render(parity({ ...kfoldParity(report) })), PARITY_LAYERS.points)).toBe(report.n);
  });
  it('is honest with no points', async () => {
    await expectEmpty(parity({ sets: [] }), 'parity');
    await expectEmpty(parity({ sets: [{ label: 'test', points: [] }] }), 'parity');
  });
});

describe('uncertaintyVsSize', () => {
  it('a point and a spread rule per size; calibration in the subtitle', async () => {
    const svg = await render(uncertaintyVsSize({ rows: report.uncertainty, calibration: report.calibration }));
    expect(countMarks(svg, UNCERTAINTY_LAYERS.points)).toBe(report.uncertainty.length);
    expect(countMarks(svg, UNCERTAINTY_LAYERS.spread)).toBe(report.uncertainty.length);
    expect(svg).toContain('±1 std covers 60 % (Gaussian 68 %)');
  });
  it('is honest with no rows', async () => {
    await expectEmpty(uncertaintyVsSize({ rows: [] }), 'uncertaintyVsSize');
  });
});

describe('shapSummary', () => {
  it('a dot per (point, input), a spread rule per dot, a bar and a member-spread rule per input', async () => {
    const svg = await render(shapSummary(shapInput(report)));
    const cells = report.shapley.values.length * report.shapley.ranking.length;
    expect(countMarks(svg, SHAP_LAYERS.points)).toBe(cells);
    expect(countMarks(svg, SHAP_LAYERS.spread)).toBe(report.shapley.spread.flat().filter((s) => s > 0).length);
    expect(countMarks(svg, SHAP_LAYERS.importance)).toBe(3);
    expect(countMarks(svg, SHAP_LAYERS.memberSpread)).toBe(3);
    // Ranked: the most important input is listed (drawn) first on the y axis.
    expect(svg.indexOf('>Temperature<')).toBeLessThan(svg.indexOf('>CuI stock<'));
  });
  it('is honest with nothing explained', async () => {
    await expectEmpty(shapSummary({ ranking: [], points: [], values: [] }), 'shapSummary');
    await expectEmpty(shapSummary({ ...shapInput(report), values: [], points: [] }), 'shapSummary');
  });
});

describe('surface', () => {
  it('a cell per grid point and a point per experiment, in physical units', async () => {
    const svg = await render(surface({ surface: report.surface, inputs: INPUTS, experiments: exps, objective: 'PL_I' }));
    expect(countMarks(svg, SURFACE_LAYERS.cells)).toBe(report.surface.xs.length * report.surface.ys.length);
    expect(countMarks(svg, SURFACE_LAYERS.experiments)).toBe(exps.length);
    expect(svg).toContain('Temperature (C)');
  });
  it('without inputs the axes are in cube units; an empty grid is honest', async () => {
    const svg = await render(surface({ surface: report.surface }));
    expect(countMarks(svg, SURFACE_LAYERS.experiments)).toBe(0);
    expect(svg).toContain('Temperature (cube)');
    await expectEmpty(surface({ surface: { ...report.surface, xs: [], ys: [], mean: [], std: [] } }), 'surface');
  });
});

describe('parallelCoordinates', () => {
  it('one line per experiment: coloured when measured, grey otherwise', async () => {
    const svg = await render(parallelCoordinates({ inputs: INPUTS, experiments: exps, objective: 'PL_I', direction: 'maximize' }));
    expect(countMarks(svg, PARALLEL_LAYERS.lines)).toBe(done.length);
    expect(countMarks(svg, PARALLEL_LAYERS.unmeasured)).toBe(exps.length - done.length);
  });
  it('is honest with no experiments', async () => {
    await expectEmpty(parallelCoordinates({ inputs: INPUTS, experiments: [] }), 'parallelCoordinates');
  });
});

describe('slices', () => {
  it('one point per (measured experiment, input) across the panels', async () => {
    const svg = await render(slices({ inputs: INPUTS, experiments: exps, objective: 'PL_I' }));
    expect(countMarks(svg, SLICES_LAYERS.points)).toBe(done.length * INPUTS.length);
    for (const title of ['Temperature (C)', 'Reaction time (s)', 'CuI stock']) expect(svg).toContain(title);
  });
  it('is honest with no measured experiment', async () => {
    await expectEmpty(slices({ inputs: INPUTS, experiments: exps.filter((e) => e.status !== 'done') }), 'slices');
  });
});
