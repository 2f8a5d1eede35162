/** One platform: its live status (as on the fleet page), its limits, and the controls a person may use. */
import { useState } from 'preact/hooks';
import { ErrorNote, fieldErrors } from '../components/error-note';
import { Field } from '../components/field';
import { PlatformCard } from '../components/platform-card';
import { num } from '../format';
import { useAction, useResource } from '../hooks';
import { useCan, useSession } from '../session';
import { describeAck, type CommandOutcome, type Credentials, type Platform } from '../types';

export function PlatformPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const platform = useResource<Platform>(`/platforms/${encodeURIComponent(id)}`, { pollMs: 2000, refreshOn: (e) => e.platformId === id });
  const p = platform.data;
  return (
    <section>
      <h1>Platform {id}</h1>
      <ErrorNote error={platform.error} what="could not load the platform" />
      {p && (
        <>
          <PlatformCard platform={p} trace={[]} onChanged={platform.reload} />
          <Controls platform={p} />
          <Limits platform={p} />
        </>
      )}
    </section>
  );
}

function Limits({ platform: p }: { platform: Platform }) {
  if (!p.limits) return <p class="muted">No limits yet: they arrive with the platform's first birth message.</p>;
  return (
    <section class="panel">
      <h2>Validated limits (from the edge)</h2>
      {p.limits.temperature && (
        <p>
          Temperature {num(p.limits.temperature.minC)}–{num(p.limits.temperature.maxC)} °C, over-temperature trip at {num(p.limits.temperature.ceilingC)} °C
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">pump</th>
            <th scope="col">rate, µL/min</th>
            <th scope="col">syringe, µL</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(p.limits.pumps ?? {}).map(([pump, l]) => (
            <tr key={pump}>
              <td>{pump}</td>
              <td>
                {num(l.minRateUlMin)}–{num(l.maxRateUlMin)}
              </td>
              <td>{num(l.syringeVolumeUl)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Control = 'pause' | 'resume' | 'abort' | 'credentials' | 'revoke';
const LABELS: Record<Control, string> = { pause: 'Pause', resume: 'Resume', abort: 'Abort the running experiment', credentials: 'Issue new credentials', revoke: 'Revoke credentials' };

function Controls({ platform: p }: { platform: Platform }) {
  const { client } = useSession();
  const scientist = useCan('scientist');
  const admin = useCan('admin');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [issued, setIssued] = useState<Credentials | null>(null);
  const act = useAction(async (control: Control) => {
    const path = `/platforms/${encodeURIComponent(p.id)}/${control}`;
    if (control === 'credentials') {
      setIssued(await client.post<Credentials>(path, { reason: reason.trim() }));
      setOutcome('new credentials issued; the old password no longer works');
    } else if (control === 'revoke') {
      const r = await client.post<{ disconnected: number }>(path, { reason: reason.trim() });
      setOutcome(`revoked; ${r.disconnected} connection(s) closed`);
    } else setOutcome(describeAck(await client.post<CommandOutcome>(path, { reason: reason.trim() || control, waitMs: 10_000 })));
    setReason('');
  });
  if (!scientist) return null;
  const controls: Control[] = ['pause', 'resume', 'abort', ...(admin ? (['credentials', 'revoke'] as const) : [])];
  return (
    <section class="panel">
      <h2>Controls</h2>
      <p class="muted">Every action is audited with your name and the reason.</p>
      <Field id="control-reason" label="Reason" errors={fieldErrors(act.error, 'reason')}>
        <input id="control-reason" name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <div class="buttons">
        {controls.map((c) => (
          <button key={c} type="button" class={c === 'abort' || c === 'revoke' ? 'danger' : ''} disabled={act.busy || ((c === 'credentials' || c === 'revoke') && reason.trim() === '')} onClick={() => void act.run(c)}>
            {LABELS[c]}
          </button>
        ))}
      </div>
      {outcome && <p class="notice">{outcome}</p>}
      {issued && (
        <p class="credentials">
          password (shown once): <code data-credential="password">{issued.password}</code>
        </p>
      )}
      <ErrorNote error={act.error} what="the action failed" />
    </section>
  );
}
