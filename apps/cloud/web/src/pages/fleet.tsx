/**
 * The fleet: every platform with whether it is up, what it is doing and what needs a person
 * (SAFE, alarms, a syringe running low). Refreshed by live events and, for the plate temperature
 * (telemetry is not an event), by polling every 2 s; the trace covers the time this page is open.
 */
import { useRef, useState } from 'preact/hooks';
import { Activity } from '../components/activity';
import { ErrorNote, fieldErrors } from '../components/error-note';
import { Field } from '../components/field';
import { PlatformCard, type TracePoint } from '../components/platform-card';
import { useAction, useResource } from '../hooks';
import { useCan, useSession } from '../session';
import type { Credentials, Platform } from '../types';

const TRACE_MS = 10 * 60_000;

export function FleetPage() {
  const traces = useRef(new Map<string, TracePoint[]>());
  const platforms = useResource<{ platforms: Platform[] }>('/platforms', {
    pollMs: 2000,
    refreshOn: (e) => e.platformId !== null && ['platformOnline', 'platformOffline', 'experimentStatus', 'alarm', 'interlock', 'faultCleared', 'stage'].includes(e.type),
  });
  const list = platforms.data?.platforms;
  for (const p of list ?? []) record(traces.current, p);
  const isAdmin = useCan('admin');
  return (
    <section>
      <h1>Fleet</h1>
      <ErrorNote error={platforms.error} what="could not load the platforms" />
      {isAdmin && <RegisterPlatform onAdded={platforms.reload} />}
      {list && list.length === 0 && <p>No platforms yet. {isAdmin ? 'Register one above' : 'An admin registers them'}, then start its edge agent with the credentials.</p>}
      <div class="cards">
        {(list ?? []).map((p) => (
          <PlatformCard key={p.id} platform={p} trace={traces.current.get(p.id) ?? []} onChanged={platforms.reload} />
        ))}
      </div>
      <Activity />
    </section>
  );
}

/** Appends the platform's latest telemetry once per new sample (its lastSeenAt), keeping 10 min. */
function record(traces: Map<string, TracePoint[]>, p: Platform): void {
  if (!p.temperature || p.temperature.pvC === null || !p.lastSeenAt) return;
  const trace = traces.get(p.id) ?? [];
  const at = Date.parse(p.lastSeenAt);
  if (trace.length > 0 && trace[trace.length - 1]!.at >= at) return;
  trace.push({ at, pvC: p.temperature.pvC, spC: p.temperature.spC });
  while (trace.length > 0 && trace[0]!.at < at - TRACE_MS) trace.shift();
  traces.set(p.id, trace);
}

function RegisterPlatform({ onAdded }: { onAdded: () => void }) {
  const { client } = useSession();
  const [id, setId] = useState('');
  const [pool, setPool] = useState('');
  const [issued, setIssued] = useState<Credentials | null>(null);
  const add = useAction(async () => {
    const c = await client.post<Credentials>('/platforms', { id: id.trim(), ...(pool.trim() ? { pool: pool.trim() } : {}) });
    setIssued(c);
    setId('');
    setPool('');
    onAdded();
  });
  return (
    <details class="panel" open={issued !== null}>
      <summary>Register a platform</summary>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <Field id="platform-id" label="Platform id" hint="letters, digits, '-' and '_'" errors={fieldErrors(add.error, 'id')}>
          <input id="platform-id" name="id" required value={id} onInput={(e) => setId(e.currentTarget.value)} />
        </Field>
        <Field id="platform-pool" label="Pool (optional)" errors={fieldErrors(add.error, 'pool')}>
          <input id="platform-pool" name="pool" value={pool} onInput={(e) => setPool(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={add.busy}>
          Register
        </button>
      </form>
      <ErrorNote error={add.error} what="not registered" />
      {issued && (
        <div class="credentials" role="status">
          <p>
            <strong>{issued.platformId}</strong> registered. Its MQTT password is shown only now: put it on the edge.
          </p>
          <dl>
            <dt>username</dt>
            <dd>
              <code data-credential="username">{issued.username}</code>
            </dd>
            <dt>password</dt>
            <dd>
              <code data-credential="password">{issued.password}</code>
            </dd>
          </dl>
          <p>
            On the edge: <code>SDFL_MQTT_PASSWORD=… sdfl-edge --broker mqtt://&lt;this host&gt;:1883 --platform-id {issued.platformId} --username {issued.username}</code>
          </p>
          <button type="button" class="link" onClick={() => setIssued(null)}>
            I have stored it
          </button>
        </div>
      )}
    </details>
  );
}
