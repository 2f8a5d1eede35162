/** An ask/tell study's resources (see apps/cloud/src/api/schemas/studies.ts) and its summary facts. */
import { num, when } from '../format';
import { useSession } from '../session';

export interface StudyParameter {
  readonly name: string;
  readonly type: 'continuous' | 'integer';
  readonly min: number;
  readonly max: number;
}

export interface Trial {
  readonly id: string;
  readonly seq: number;
  readonly params: Record<string, number>;
  readonly status: 'pending' | 'told' | 'failed' | 'abandoned';
  readonly value: number | null;
  readonly reason: string | null;
  readonly policy: string;
  readonly stage: number;
  readonly predicted: { readonly mean: number; readonly std: number } | null;
  readonly modelVersion: number | null;
  readonly askedAt: string;
  readonly toldAt: string | null;
}

export interface Study {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly status: 'active' | 'done';
  readonly parameters: readonly StudyParameter[];
  readonly objective: { readonly name: string; readonly direction: 'maximize' | 'minimize' };
  readonly schedule: string;
  readonly surrogate: string | null;
  readonly seed: number;
  readonly version: number;
  readonly progress: { readonly stage: number | null; readonly issued: number; readonly total: number; readonly pending: number; readonly observations: number; readonly failed: number };
  readonly best: Trial | null;
  readonly createdAt: string;
}

/** Whether the signed-in user may ask and tell in `study` (its owner or an admin; the API checks again). */
export function useMayChange(study: Study | undefined): boolean {
  const { me } = useSession();
  return study !== undefined && (me.role === 'admin' || (me.role === 'scientist' && me.name === study.owner));
}

/** A trial's parameters in the study's order (the stored object's key order is not kept). */
export const orderedParams = (study: Study, params: Record<string, number>): [string, number | undefined][] => study.parameters.map((p) => [p.name, params[p.name]]);

export const paramsText = (study: Study, params: Record<string, number>): string =>
  orderedParams(study, params)
    .map(([k, v]) => `${k} ${num(v, 4)}`)
    .join(' · ');

export function StudyFacts({ study: s }: { study: Study }) {
  return (
    <section class="panel study-facts" aria-labelledby="study-facts-h">
      <h2 id="study-facts-h">State</h2>
      <dl class="facts">
        <dt>status</dt>
        <dd>
          <span class={`badge ${s.status}`} data-status={s.status}>
            {s.status}
          </span>
        </dd>
        <dt>owner</dt>
        <dd>{s.owner}</dd>
        <dt>objective</dt>
        <dd>
          {s.objective.direction} {s.objective.name}
        </dd>
        <dt>schedule</dt>
        <dd>
          <code>{s.schedule}</code> · {s.progress.stage === null ? 'used up' : `stage ${s.progress.stage + 1}`}
        </dd>
        <dt>progress</dt>
        <dd data-field="progress">
          {s.progress.issued} of {s.progress.total} asked · {s.progress.pending} open · {s.progress.observations} observed ({s.progress.failed} failed)
        </dd>
        <dt>best</dt>
        <dd data-field="best">{s.best ? `${num(s.best.value, 5)} at ${paramsText(s, s.best.params)} (trial #${s.best.seq})` : 'no value told yet'}</dd>
        <dt>created</dt>
        <dd>{when(s.createdAt)}</dd>
      </dl>
      <div class="table-wrap">
        <table aria-label="parameters">
          <caption>Parameters</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">type</th>
              <th scope="col">range</th>
            </tr>
          </thead>
          <tbody>
            {s.parameters.map((p) => (
              <tr key={p.name}>
                <th scope="row">{p.name}</th>
                <td>{p.type}</td>
                <td>
                  {num(p.min, 6)} to {num(p.max, 6)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
