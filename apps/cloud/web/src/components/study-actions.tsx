/**
 * What a study's owner (or an admin) does: ask for n suggestions, and tell each open trial its
 * outcome — a measured value, a failure (the optimizer learns the region) or an abandonment
 * (forgotten, its slot returned). Viewers never see these; the API refuses them anyway.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { num } from '../format';
import { useAction } from '../hooks';
import { useSession } from '../session';
import { ErrorNote, fieldErrors } from './error-note';
import { Field } from './field';
import { orderedParams, type Study, type Trial } from './study-summary';

export function AskPanel({ study, onAsked }: { study: Study; onAsked: () => void }) {
  const { client } = useSession();
  const [n, setN] = useState('1');
  const [note, setNote] = useState<string | null>(null);
  const ask = useAction(async () => {
    const r = await client.post<{ suggestions: Trial[]; done: boolean }>(`/studies/${encodeURIComponent(study.id)}/ask`, undefined, { n: n.trim() });
    setNote(
      r.suggestions.length === 0
        ? 'No suggestion: the schedule is used up.'
        : `Got ${r.suggestions.length} suggestion${r.suggestions.length === 1 ? '' : 's'}: #${r.suggestions.map((t) => t.seq).join(', #')}${r.done ? ' (the last of the schedule)' : ''}.`,
    );
    onAsked();
  });
  return (
    <section class="panel" aria-labelledby="ask-h">
      <h2 id="ask-h">Ask</h2>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void ask.run();
        }}
      >
        <Field id="ask-n" label="Suggestions" hint="1 to 100; each stays open until told" errors={fieldErrors(ask.error, 'n')}>
          <input id="ask-n" name="n" type="number" min={1} max={100} step={1} required value={n} onInput={(e) => setN(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={ask.busy || study.status === 'done'}>
          {ask.busy ? 'Asking…' : 'Ask'}
        </button>
      </form>
      {study.status === 'done' && <p class="muted">The schedule is used up: nothing more to ask.</p>}
      {note && (
        <p class="notice" role="status">
          {note}
        </p>
      )}
      <ErrorNote error={ask.error} what="ask failed" />
    </section>
  );
}

type Outcome = { value: number } | { failed: true } | { abandoned: true };

/** The tell form of one open trial. */
export function TellForm({ study, trial: t, onTold }: { study: Study; trial: Trial; onTold: () => void }) {
  const { client } = useSession();
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const tell = useAction(async (outcome: Outcome) => {
    await client.post(`/studies/${encodeURIComponent(study.id)}/tell`, { trialId: t.id, ...outcome, ...(reason.trim() ? { reason: reason.trim() } : {}) });
    onTold();
  });
  const valueId = `tell-${t.id}-value`;
  const reasonId = `tell-${t.id}-reason`;
  return (
    <article class="card tell" data-trial={t.id} aria-labelledby={`tell-${t.id}-h`}>
      <h3 id={`tell-${t.id}-h`}>Trial #{t.seq}</h3>
      <dl class="facts">
        {orderedParams(study, t.params).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd data-param={k}>{num(v, 6)}</dd>
          </Fragment>
        ))}
        <dt>chosen by</dt>
        <dd>
          {t.policy}
          {t.predicted ? ` · model's prediction ${num(t.predicted.mean, 4)} ± ${num(t.predicted.std, 3)} (not a measurement)` : ''}
        </dd>
      </dl>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void tell.run({ value: Number(value) });
        }}
      >
        <Field id={valueId} label={`${study.objective.name} of trial #${t.seq}`} errors={fieldErrors(tell.error, 'value')}>
          <input id={valueId} type="number" step="any" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={tell.busy}>
          Tell
        </button>
        <Field id={reasonId} label="Reason (optional)" errors={fieldErrors(tell.error, 'reason')}>
          <input id={reasonId} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <button type="button" class="secondary" disabled={tell.busy} onClick={() => void tell.run({ failed: true })}>
          Failed
        </button>
        <button type="button" class="secondary" disabled={tell.busy} onClick={() => void tell.run({ abandoned: true })}>
          Abandoned
        </button>
      </form>
      <ErrorNote error={tell.error} what={`tell #${t.seq} failed`} />
    </article>
  );
}
