/** A study's observations: every trial in order of asking with its outcome, and the best-so-far chart over the told ones. */
import { useMemo } from 'preact/hooks';
import { bestSoFar } from '../../../src/charts/best-so-far';
import { num, when } from '../format';
import { Chart } from './chart';
import type { Study, Trial } from './study-summary';

/** The chart's history: a told trial is a done experiment with its value; the rest are not plotted. */
const history = (trials: readonly Trial[]) => trials.map((t) => ({ id: t.id, seq: t.seq, policy: t.policy, value: t.value, status: t.status === 'told' ? 'done' : t.status }));

export function BestSoFarChart({ study, trials }: { study: Study; trials: readonly Trial[] }) {
  const spec = useMemo(() => bestSoFar({ experiments: history(trials), direction: study.objective.direction, objective: study.objective.name }), [trials, study.objective.direction, study.objective.name]);
  return <Chart label="best so far" spec={spec} />;
}

export function ObservationsTable({ study, trials }: { study: Study; trials: readonly Trial[] }) {
  if (trials.length === 0) return <p class="muted">No trials yet: ask for suggestions.</p>;
  const names = study.parameters.map((p) => p.name);
  return (
    <div class="table-wrap">
      <table class="observations" aria-label="observations">
        <caption>Observations (every trial, in order of asking)</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            {names.map((n) => (
              <th key={n} scope="col">
                {n}
              </th>
            ))}
            <th scope="col">status</th>
            <th scope="col">{study.objective.name}</th>
            <th scope="col">policy</th>
            <th scope="col">model's prediction</th>
            <th scope="col">told</th>
          </tr>
        </thead>
        <tbody>
          {trials.map((t) => (
            <tr key={t.id} data-trial={t.id} data-status={t.status}>
              <th scope="row">{t.seq}</th>
              {names.map((n) => (
                <td key={n}>{num(t.params[n], 5)}</td>
              ))}
              <td>
                <span class={`badge ${t.status}`}>{t.status}</span>
                {t.reason ? <small class="muted"> {t.reason}</small> : null}
              </td>
              <td data-value={t.value === null ? '' : String(t.value)}>{t.value === null ? '—' : num(t.value, 5)}</td>
              <td>
                {t.policy} (stage {t.stage + 1})
              </td>
              <td>{t.predicted ? `${num(t.predicted.mean, 4)} ± ${num(t.predicted.std, 3)}${t.modelVersion !== null ? ` (v${t.modelVersion})` : ''}` : '—'}</td>
              <td>{when(t.toldAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
