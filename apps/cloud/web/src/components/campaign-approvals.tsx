/**
 * The approval queue of a gated campaign: each waiting proposal with what the model predicted for
 * it, and (for the owner or an admin) approve, reject with a reason, or edit the condition and
 * approve it. The server checks an edited condition against the campaign's bounds; its messages
 * appear under the fields they are about, or above the form when they name no single field.
 */
import type { ConditionSpace } from '@sdfl/chemistry';
import { CONDITION_KEYS, type ConditionKey } from '@sdfl/protocol';
import { useState } from 'preact/hooks';
import { ApiClientError } from '../../../src/client/http';
import { num } from '../format';
import { useAction } from '../hooks';
import { useSession } from '../session';
import type { Experiment } from '../types';
import { numberOrNull } from './campaign-bounds';
import { conditionText, predictedText } from './campaign-format';
import { ErrorNote, fieldErrors } from './error-note';
import { Field } from './field';

export function CampaignApprovals({ proposals, space, mayReview, onChanged }: { proposals: readonly Experiment[]; space: ConditionSpace | null; mayReview: boolean; onChanged: () => void }) {
  return (
    <section class="panel" aria-labelledby="campaign-approvals">
      <h2 id="campaign-approvals">Waiting for review ({proposals.length})</h2>
      {proposals.length === 0 && <p class="muted">Nothing waits for review.</p>}
      {!mayReview && proposals.length > 0 && <p class="muted">Only the campaign's owner or an admin may review proposals.</p>}
      <div class="proposals">
        {proposals.map((e) => (
          <Proposal key={e.id} experiment={e} space={space} mayReview={mayReview} onChanged={onChanged} />
        ))}
      </div>
    </section>
  );
}

/** A stored value as the edit box shows it: `177.67`, not the float's `177.67000000000002`. */
const editable = (v: number | undefined): string => (v === undefined ? '' : String(Number(v.toPrecision(12))));

const unit = (k: ConditionKey): string => (k === 'temperatureC' ? '°C' : 'µL/min');

function Proposal({ experiment: e, space, mayReview, onChanged }: { experiment: Experiment; space: ConditionSpace | null; mayReview: boolean; onChanged: () => void }) {
  const { client } = useSession();
  const [mode, setMode] = useState<'view' | 'reject' | 'edit'>('view');
  const [note, setNote] = useState('');
  const [edited, setEdited] = useState<Record<ConditionKey, string>>(() => Object.fromEntries(CONDITION_KEYS.map((k) => [k, editable(e.condition?.[k])])) as Record<ConditionKey, string>);
  const path = `/experiments/${encodeURIComponent(e.id)}`;
  const review = useAction(async (action: 'approve' | 'reject' | 'edit') => {
    if (action === 'reject') await client.post(`${path}/reject`, { note: note.trim() });
    else if (action === 'edit') {
      const condition = Object.fromEntries(CONDITION_KEYS.map((k) => [k, numberOrNull(edited[k])]));
      await client.post(`${path}/approve`, { condition, ...(note.trim() ? { note: note.trim() } : {}) });
    } else await client.post(`${path}/approve`, note.trim() ? { note: note.trim() } : {});
    onChanged();
  });
  const switchTo = (m: typeof mode) => {
    review.clear();
    setMode(m);
  };
  const id = `proposal-${e.seq}`;
  const editedCondition = Object.fromEntries(CONDITION_KEYS.map((k) => [k, Number(edited[k])]));
  return (
    <article class="card proposal" data-proposal={e.id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        #{e.seq} <small class="muted">{e.id}</small> <span class="badge proposed">{e.policy}</span>
      </h3>
      <p data-field="condition">{conditionText(space, e.condition)}</p>
      <p class="muted">
        predicted {predictedText(e.predictedMean, e.predictedStd)}
        {e.acquisitionValue !== null && ` · acquisition ${num(e.acquisitionValue)}`}
      </p>
      {mayReview && (
        <form
          class="review"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            void review.run(mode === 'reject' ? 'reject' : mode === 'edit' ? 'edit' : 'approve');
          }}
        >
          {mode === 'edit' && (
            <fieldset class="edit-condition">
              <legend>Edited condition</legend>
              {bodyErrors(review.error).length > 0 && (
                <small class="field-error" role="alert" data-field="condition-errors">
                  {bodyErrors(review.error).join('; ')}
                </small>
              )}
              <div class="row">
                {CONDITION_KEYS.map((k) => (
                  <Field key={k} id={`${id}-${k}`} label={`${k} (${unit(k)})`} errors={fieldErrors(review.error, `condition.${k}`)}>
                    <input id={`${id}-${k}`} type="number" step="any" inputMode="decimal" value={edited[k]} onInput={(ev) => setEdited({ ...edited, [k]: ev.currentTarget.value })} />
                  </Field>
                ))}
              </div>
              <p class="hint">= {conditionText(space, editedCondition)}</p>
            </fieldset>
          )}
          <Field
            id={`${id}-note`}
            label={mode === 'reject' ? 'Why reject it (required)' : 'Note (optional)'}
            errors={fieldErrors(review.error, 'note')}
          >
            <input id={`${id}-note`} value={note} onInput={(ev) => setNote(ev.currentTarget.value)} />
          </Field>
          <div class="buttons">
            {mode === 'view' && (
              <>
                <button type="submit" disabled={review.busy}>
                  Approve
                </button>
                <button type="button" class="secondary" onClick={() => switchTo('edit')}>
                  Edit, then approve
                </button>
                <button type="button" class="danger" onClick={() => switchTo('reject')}>
                  Reject…
                </button>
              </>
            )}
            {mode === 'edit' && (
              <button type="submit" disabled={review.busy}>
                Approve edited
              </button>
            )}
            {mode === 'reject' && (
              <button type="submit" class="danger" disabled={review.busy || note.trim() === ''}>
                Reject
              </button>
            )}
            {mode !== 'view' && (
              <button type="button" class="link" onClick={() => switchTo('view')}>
                Back
              </button>
            )}
          </div>
          <ErrorNote error={review.error} what="not reviewed" />
        </form>
      )}
    </article>
  );
}

/** The API's messages about the edited condition as a whole (bounds, reaction time, mixing). */
function bodyErrors(error: unknown): string[] {
  if (!(error instanceof ApiClientError)) return [];
  return Object.entries(error.fields)
    .filter(([f]) => f === '(body)' || f === 'condition')
    .flatMap(([, ms]) => ms);
}
