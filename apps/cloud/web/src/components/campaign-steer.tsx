/** Pause, resume or cancel a campaign (its owner or an admin), with the reason the audit log keeps. */
import { useState } from 'preact/hooks';
import { useAction } from '../hooks';
import { useSession } from '../session';
import type { Campaign } from '../types';
import { ErrorNote, fieldErrors } from './error-note';
import { Field } from './field';

type Steer = 'pause' | 'resume' | 'cancel';

export function CampaignSteer({ campaign: c, onChanged }: { campaign: Campaign; onChanged: () => void }) {
  const { client } = useSession();
  const [reason, setReason] = useState('');
  const [running, setRunning] = useState<'finish' | 'abort'>('finish');
  const [outcome, setOutcome] = useState<string | null>(null);
  const steer = useAction(async (action: Steer) => {
    const body = action === 'cancel' ? { reason: reason.trim(), running } : { reason: reason.trim() };
    const after = await client.post<Campaign>(`/campaigns/${encodeURIComponent(c.id)}/${action}`, body);
    setOutcome(`${action}: the campaign is ${after.status}`);
    setReason('');
    onChanged();
  });
  const open = c.status !== 'done' && c.status !== 'cancelled';
  if (!open) return null;
  return (
    <section class="panel" aria-labelledby="campaign-steer">
      <h2 id="campaign-steer">Steer</h2>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Field id="steer-reason" label="Reason (kept in the audit log)" errors={fieldErrors(steer.error, 'reason')}>
          <input id="steer-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <Field id="steer-running" label="On cancel, the running experiment" errors={fieldErrors(steer.error, 'running')}>
          <select id="steer-running" value={running} onChange={(e) => setRunning(e.currentTarget.value === 'abort' ? 'abort' : 'finish')}>
            <option value="finish">finishes and is stored</option>
            <option value="abort">is aborted on the platform</option>
          </select>
        </Field>
        <div class="buttons">
          {(c.status === 'running' || c.status === 'queued') && (
            <button type="button" disabled={steer.busy || reason.trim() === ''} onClick={() => void steer.run('pause')}>
              Pause
            </button>
          )}
          {c.status === 'paused' && (
            <button type="button" disabled={steer.busy || reason.trim() === ''} onClick={() => void steer.run('resume')}>
              Resume
            </button>
          )}
          <button type="button" class="danger" disabled={steer.busy || reason.trim() === ''} onClick={() => void steer.run('cancel')}>
            Cancel campaign
          </button>
        </div>
      </form>
      {c.statusReason && (
        <p class="muted">
          last change: {c.status} — {c.statusReason}
        </p>
      )}
      {outcome && <p class="notice">{outcome}</p>}
      <ErrorNote error={steer.error} what="not changed" />
    </section>
  );
}
