/**
 * A campaign's charts, from the shared builders in src/charts (the HTML report draws the same):
 * from its experiments the best-so-far history, parallel coordinates and slices; from the latest
 * model's twin report the parity plot, uncertainty vs data size, the SHAP summary and the surface
 * of the two most influential inputs with the experiments overlaid.
 */
import type { ConditionSpace } from '@sdfl/chemistry';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { bestSoFar } from '../../../src/charts/best-so-far';
import { parallelCoordinates } from '../../../src/charts/parallel-coordinates';
import { holdoutParity, parity } from '../../../src/charts/parity';
import { shapInput, shapSummary } from '../../../src/charts/shap-summary';
import { slices } from '../../../src/charts/slices';
import { surface } from '../../../src/charts/surface';
import { uncertaintyVsSize } from '../../../src/charts/uncertainty';
import { num } from '../format';
import type { Campaign, Experiment } from '../types';
import type { TwinState } from './campaign-data';
import type { TwinReportResponse } from './campaign-types';
import { Chart } from './chart';
import { ErrorNote } from './error-note';

/** Experiments that are or were real (not waiting for review, rejected or withdrawn): the ones plotted by input. */
export const plottedExperiments = (experiments: readonly Experiment[]): Experiment[] =>
  experiments.filter((e) => e.cube.length > 0 && e.status !== 'proposed' && e.status !== 'rejected' && e.status !== 'withdrawn');

const NARROW = '(max-width: 600px)';

/** A phone-width screen (the slice panels go two to a row there). */
function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const q = matchMedia(NARROW);
    const update = () => setNarrow(q.matches);
    q.addEventListener('change', update);
    return () => q.removeEventListener('change', update);
  }, []);
  return narrow;
}

export function ExperimentCharts({ campaign: c, experiments, space }: { campaign: Campaign; experiments: readonly Experiment[]; space: ConditionSpace | null }) {
  const objective = c.objective.feature;
  const narrow = useNarrow();
  const specs = useMemo(() => {
    const plotted = plottedExperiments(experiments);
    const inputs = space?.dimensions ?? [];
    return {
      best: bestSoFar({ experiments, direction: c.objective.direction, objective }),
      parallel: parallelCoordinates({ inputs, experiments: plotted, objective, direction: c.objective.direction }),
      slices: slices({ inputs, experiments: plotted, objective, columns: narrow ? 2 : 4 }),
    };
  }, [experiments, space, c.objective.direction, objective, narrow]);
  return (
    <section class="panel" aria-labelledby="campaign-charts">
      <h2 id="campaign-charts">Measured</h2>
      <div class="charts">
        <Chart label="best so far" spec={specs.best} />
        <Chart label="parallel coordinates" spec={specs.parallel} />
      </div>
      <Chart label="slices" spec={specs.slices} />
    </section>
  );
}

export function TwinCharts({ campaign: c, experiments, space, twin }: { campaign: Campaign; experiments: readonly Experiment[]; space: ConditionSpace | null; twin: TwinState }) {
  const shown = twin.shown;
  return (
    <section class="panel" aria-labelledby="campaign-twin" data-twin-version={shown?.version ?? ''}>
      <h2 id="campaign-twin">Digital twin{shown ? ` (model v${shown.version}, ${shown.report.n} observations)` : ''}</h2>
      <ErrorNote error={twin.modelsError} what="could not list the model versions" />
      {twin.latest === undefined && twin.models && <p class="muted">No model yet: the first comes when a model-based stage starts (after the space-filling stage).</p>}
      {twin.computing !== null && (
        <p class="notice" role="status" data-field="twin-computing">
          {shown ? `Showing model v${shown.version}; computing the twin report of v${twin.computing}…` : 'computing the twin report…'} (the first time takes a while: the twin is refitted for the hold-out, k-fold and size studies)
        </p>
      )}
      {twin.failure && (
        <div>
          <ErrorNote error={twin.failure.error} what={`no twin report for model v${twin.failure.version}`} />
          <button type="button" class="secondary" onClick={twin.retry}>
            Try again
          </button>
        </div>
      )}
      {shown && <TwinReportCharts campaign={c} experiments={experiments} space={space} shown={shown} />}
    </section>
  );
}

function TwinReportCharts({ campaign: c, experiments, space, shown }: { campaign: Campaign; experiments: readonly Experiment[]; space: ConditionSpace | null; shown: TwinReportResponse }) {
  const objective = c.objective.feature;
  const r = shown.report;
  const specs = useMemo(
    () => ({
      parity: parity({ ...holdoutParity(r), objective, title: 'Parity (80/20 hold-out)' }),
      uncertainty: uncertaintyVsSize({ rows: r.uncertainty, calibration: r.calibration, objective }),
      shap: shapSummary({ ...shapInput(r), objective }),
      surface: surface({ surface: r.surface, inputs: space?.dimensions ?? [], experiments: plottedExperiments(experiments), objective }),
    }),
    [r, experiments, space, objective],
  );
  return (
    <>
      <p class="muted">
        Test R² {num(r.holdout.testR2, 2)} (hold-out of {r.holdout.nTest}), {r.kfold.k}-fold R² {num(r.kfold.r2, 2)}; computed in {(shown.computeMs / 1000).toFixed(1)} s. Predicted values are the twin's, not measurements.
      </p>
      <div class="charts">
        <Chart label="parity" spec={specs.parity} />
        <Chart label="uncertainty vs data size" spec={specs.uncertainty} />
        <Chart label="SHAP summary" spec={specs.shap} />
        <Chart label="twin surface" spec={specs.surface} />
      </div>
    </>
  );
}
