/**
 * How an experiment came to be: its condition (and the one proposed before a reviewer edited it),
 * its status timeline, the decision that chose it (the twin's prediction, labelled as one), the
 * model behind that decision and the command that carried it to the edge.
 */
import { num, when } from '../format';
import type { Experiment } from '../types';

/** `GET /experiments/{id}`'s `decision`. */
export interface Decision {
  readonly policy: string;
  readonly stage: number;
  readonly acquisitionValue: number | null;
  readonly predicted: { readonly mean: number; readonly std: number } | null;
  readonly modelVersion: number | null;
}

/** `GET /experiments/{id}`'s `model`: the snapshot that decided, with the metrics the stepper stored. */
export interface ModelInfo {
  readonly version: number;
  readonly metrics: unknown;
  readonly createdAt: string | null;
}

/** `GET /experiments/{id}`'s `command`: the enqueue that carried the condition, and the edge's ack. */
export interface CommandInfo {
  readonly id: string;
  readonly body: unknown;
  readonly sentAt: string | null;
  readonly sendCount: number;
  readonly ackedAt: string | null;
  readonly accepted: boolean | null;
  readonly ackReason: string | null;
}

/** Policies that place points without a model (space-filling designs). */
const DESIGN_POLICIES = ['lhs', 'sobol', 'random'];

/** The condition as a table; with `before`, the values a reviewer changed are marked. */
export function ConditionTable({ condition, before, caption }: { condition: Record<string, number> | null; before?: Record<string, number> | null; caption: string }) {
  if (!condition) return <p class="muted">No condition.</p>;
  const keys = [...new Set([...Object.keys(condition), ...Object.keys(before ?? {})])];
  return (
    <div class="table-wrap">
      <table class="condition" data-condition={caption}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">input</th>
            <th scope="col">value</th>
            {before && <th scope="col">proposed</th>}
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => {
            const changed = before && before[k] !== condition[k];
            return (
              <tr key={k} class={changed ? 'changed' : ''}>
                <th scope="row">{k}</th>
                <td data-key={k}>
                  {num(condition[k], 5)}
                  {changed ? ' (edited)' : ''}
                </td>
                {before && <td>{num(before[k], 5)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The review of a gated proposal: who, when, the note, and whether the condition was edited. */
export function Review({ experiment: e }: { experiment: Experiment }) {
  if (!e.reviewedBy) return null;
  return (
    <p class="notice" data-review>
      {e.status === 'rejected' ? 'Rejected' : 'Approved'} by <strong>{e.reviewedBy}</strong> at {when(e.reviewedAt)}
      {e.proposedCondition ? ', with an edited condition' : ', as proposed'}
      {e.reviewNote ? <>: “{e.reviewNote}”</> : ''}
    </p>
  );
}

const STEPS = [
  { key: 'createdAt', label: 'created', clock: 'cloud' },
  { key: 'dispatchedAt', label: 'dispatched', clock: 'cloud' },
  { key: 'acceptedAt', label: 'accepted', clock: 'cloud' },
  { key: 'startedAt', label: 'started', clock: 'edge' },
  { key: 'finishedAt', label: 'finished', clock: 'edge' },
] as const;

/** Created → dispatched → accepted → started → finished, each with its time (or not reached). */
export function Timeline({ experiment: e }: { experiment: Experiment }) {
  return (
    <ol class="timeline" aria-label="status timeline">
      {STEPS.map((s) => {
        const at = e[s.key];
        return (
          <li key={s.key} class={at ? 'reached' : 'pending'} data-step={s.label}>
            <span class="step">{s.label}</span>
            <span class="at">{at ? when(at) : '—'}</span>
            {at && s.clock === 'edge' && <small class="muted"> (edge clock)</small>}
          </li>
        );
      })}
    </ol>
  );
}

/** Why this condition: the policy and stage, and for a model policy the twin's prediction and the model. */
export function DecisionPanel({ decision: d, model, value, objective }: { decision: Decision; model: ModelInfo | null; value: number | null; objective: string }) {
  const design = DESIGN_POLICIES.includes(d.policy);
  return (
    <section class="panel" aria-labelledby="decision-h">
      <h2 id="decision-h">The decision that chose it</h2>
      <dl class="facts" data-decision>
        <dt>policy</dt>
        <dd data-field="policy">
          {d.policy} (stage {d.stage + 1})
          {design ? ' — a space-filling design: no model was involved' : d.modelVersion === null ? ' — no model yet (too few results), so the optimizer placed it space-filling' : ''}
        </dd>
        <dt>acquisition value</dt>
        <dd data-field="acquisition">{d.acquisitionValue === null ? (design || d.modelVersion === null ? 'none (no model)' : 'not recorded') : num(d.acquisitionValue, 4)}</dd>
        <dt>twin's prediction</dt>
        <dd data-field="predicted">
          {d.predicted ? (
            <>
              {num(d.predicted.mean, 4)} ± {num(d.predicted.std, 3)} <small class="muted">(predicted mean ± std of {objective}: a model value, not a measurement)</small>
            </>
          ) : (
            'none (no model had been fitted when this was chosen)'
          )}
        </dd>
        <dt>measured</dt>
        <dd data-field="value">{value === null ? 'not yet' : `${num(value, 5)} (${objective}, measured)`}</dd>
        <dt>model</dt>
        <dd data-field="model">
          {d.modelVersion === null ? 'none' : model ? <ModelFacts model={model} /> : `version ${d.modelVersion} (its snapshot is not stored)`}
        </dd>
      </dl>
    </section>
  );
}

function ModelFacts({ model }: { model: ModelInfo }) {
  const metrics = model.metrics && typeof model.metrics === 'object' ? Object.entries(model.metrics as Record<string, unknown>) : [];
  return (
    <>
      version {model.version}, fitted {when(model.createdAt)}
      {metrics.length > 0 && (
        <ul class="metrics" aria-label="model metrics">
          {metrics.map(([k, v]) => (
            <li key={k}>
              {k}: {typeof v === 'number' ? num(v, 4) : JSON.stringify(v)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The command that carried the condition: its id, how often it was sent, and the edge's answer. */
export function CommandPanel({ command: c }: { command: CommandInfo | null }) {
  return (
    <section class="panel" aria-labelledby="command-h">
      <h2 id="command-h">Command</h2>
      {c ? (
        <dl class="facts" data-command>
          <dt>id</dt>
          <dd>
            <code data-field="command-id">{c.id}</code>
          </dd>
          <dt>sent</dt>
          <dd data-field="sends">
            {c.sendCount} time{c.sendCount === 1 ? '' : 's'}, last at {when(c.sentAt)}
          </dd>
          <dt>ack</dt>
          <dd data-field="ack">
            {c.accepted === null ? 'no answer yet' : c.accepted ? `accepted at ${when(c.ackedAt)}` : `refused at ${when(c.ackedAt)}: ${c.ackReason ?? 'no reason given'}`}
          </dd>
        </dl>
      ) : (
        <p class="muted">Not sent to a platform yet.</p>
      )}
    </section>
  );
}
