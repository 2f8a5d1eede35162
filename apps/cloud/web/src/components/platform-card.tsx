/** One platform on the fleet page: status, stage, temperature trace, run countdown, reagents, alarms, SAFE. */
import { useState } from 'preact/hooks';
import { temperatureTrace } from '../../../src/charts';
import { ago, countdown, num } from '../format';
import { useAction, useNow } from '../hooks';
import { Link } from '../router';
import { useCan, useSession } from '../session';
import { describeAck, type CommandOutcome, type Platform } from '../types';
import { Chart } from './chart';
import { ErrorNote, fieldErrors } from './error-note';
import { Field, fieldId } from './field';

export interface TracePoint {
  readonly at: number;
  readonly pvC: number;
  readonly spC: number | null;
}

/** A syringe below this share of its volume gets a warning. */
const LOW_SHARE = 0.2;

export function PlatformCard({ platform: p, trace, onChanged }: { platform: Platform; trace: readonly TracePoint[]; onChanged: () => void }) {
  const now = useNow();
  return (
    <article class={`card platform status-${p.status}${p.safe ? ' is-safe' : ''}`} data-platform={p.id} aria-labelledby={`pl-${p.id}`}>
      <header>
        <h2 id={`pl-${p.id}`}>
          <Link href={`/platforms/${encodeURIComponent(p.id)}`}>{p.id}</Link>
        </h2>
        <span class={`badge ${p.status}`} data-status={p.status}>
          {p.revoked ? 'revoked' : p.status}
        </span>
      </header>
      <p class="muted">
        last seen {ago(p.lastSeenAt, now)}
        {p.pool ? ` · pool ${p.pool}` : ''}
      </p>
      <dl class="facts">
        <dt>stage</dt>
        <dd data-field="stage">{p.stage ?? '—'}</dd>
        <dt>plate</dt>
        <dd data-field="temperature">
          {p.temperature ? `${num(p.temperature.pvC)} °C (set ${num(p.temperature.spC)} °C)` : '—'}
        </dd>
        <dt>queue</dt>
        <dd data-field="queue">{p.queueDepth}</dd>
        <dt>running</dt>
        <dd data-field="current">
          {p.current ? (
            <>
              <Link href={`/experiments/${encodeURIComponent(p.current.experimentId)}`}>{p.current.experimentId}</Link>
              <Countdowns current={p.current} />
            </>
          ) : (
            'nothing'
          )}
        </dd>
      </dl>
      {trace.length > 1 && <Chart label={`temperature ${p.id}`} spec={temperatureTrace({ samples: trace, title: 'Plate temperature (since this page opened)' })} />}
      <Reagents platform={p} />
      {p.activeAlarms.length > 0 && (
        <ul class="alarms" aria-label="active alarms">
          {p.activeAlarms.map((a) => (
            <li key={a.id} class={`sev-${a.severity}`}>
              {a.type} ({a.severity}) {ago(a.at, now)}
            </li>
          ))}
        </ul>
      )}
      {p.safe && <SafeState platform={p} onChanged={onChanged} />}
    </article>
  );
}

/**
 * Time to steady state (what the edge waits for, while equilibrating) and to the estimated end,
 * in the edge's seconds as of its last telemetry: the cloud cannot tell a simulated clock's speed.
 */
function Countdowns({ current }: { current: NonNullable<Platform['current']> }) {
  return (
    <>
      {current.steadyInS !== null && (
        <span class="countdown" data-field="steady-in">
          {' '}
          · steady state in {countdown(current.steadyInS * 1000)}
        </span>
      )}
      {current.endInS !== null && (
        <span class="countdown" data-field="end-in">
          {' '}
          · done in {countdown(current.endInS * 1000)} (estimated)
        </span>
      )}
      {(current.steadyInS !== null || current.endInS !== null) && <small class="muted"> (edge clock)</small>}
    </>
  );
}

function Reagents({ platform: p }: { platform: Platform }) {
  if (!p.reagentsUl) return null;
  const entries = Object.entries(p.reagentsUl);
  return (
    <div class="reagents" aria-label="reagents">
      {entries.map(([pump, ul]) => {
        const volume = p.limits?.pumps?.[pump]?.syringeVolumeUl;
        const share = volume ? ul / volume : null;
        const low = share !== null && share < LOW_SHARE;
        return (
          <div key={pump} class={`reagent${low ? ' low' : ''}`} data-pump={pump}>
            <span>{pump}</span>
            <meter min={0} max={volume ?? Math.max(ul, 1)} low={(volume ?? 0) * LOW_SHARE} optimum={volume ?? ul} value={ul} aria-label={`${pump} ${num(ul)} uL`} />
            <span>{num(ul)} µL{low ? ' — low, refill soon' : ''}</span>
          </div>
        );
      })}
    </div>
  );
}

function SafeState({ platform: p, onChanged }: { platform: Platform; onChanged: () => void }) {
  const { client } = useSession();
  const may = useCan('scientist');
  const [reason, setReason] = useState('');
  const [id] = useState(() => fieldId(`clear-${p.id}`));
  const [outcome, setOutcome] = useState<string | null>(null);
  const clear = useAction(async () => {
    const r = await client.post<CommandOutcome>(`/platforms/${encodeURIComponent(p.id)}/clear-safe`, { reason: reason.trim(), waitMs: 10_000 });
    setOutcome(describeAck(r));
    setReason('');
    onChanged();
  });
  return (
    <div class="safe" role="status">
      <strong>SAFE</strong>: {p.safeReason ?? 'latched'}
      {may && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void clear.run();
          }}
        >
          <Field id={id} label="Why it is safe to clear (checked the rig)" errors={fieldErrors(clear.error, 'reason')}>
            <input id={id} name="reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </Field>
          <button type="submit" disabled={clear.busy || reason.trim() === ''}>
            Clear SAFE
          </button>
        </form>
      )}
      {outcome && <p class="notice">{outcome}</p>}
      <ErrorNote error={clear.error} what="clear SAFE failed" />
    </div>
  );
}
