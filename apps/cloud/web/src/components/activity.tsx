/** The newest live events (since sign-in): what changed in the fleet and its campaigns, as it happens. */
import { useState } from 'preact/hooks';
import { ago } from '../format';
import { useLiveEvents, useNow } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

export function Activity({ limit = 12 }: { limit?: number }) {
  const { live } = useSession();
  const [, setN] = useState(0);
  const [all, setAll] = useState(false);
  useLiveEvents(() => setN((n) => n + 1));
  const now = useNow(5000);
  const events = all ? live.recent : live.recent.slice(0, limit);
  return (
    <section class="panel activity" aria-label="activity">
      <h2>Activity</h2>
      {events.length === 0 ? (
        <p class="muted">Nothing has happened since you signed in.</p>
      ) : (
        <ol>
          {events.map((e) => (
            <li key={e.id} data-event-id={e.id} class={e.severity ? `sev-${e.severity}` : ''}>
              <span class="event-type">{e.type}</span>
              {e.platformId && <> · {e.platformId}</>}
              {e.campaignId && (
                <>
                  {' · '}
                  <Link href={`/campaigns/${encodeURIComponent(e.campaignId)}`}>{e.campaignId}</Link>
                </>
              )}
              {e.experimentId && (
                <>
                  {' · '}
                  <Link href={`/experiments/${encodeURIComponent(e.experimentId)}`}>{e.experimentId}</Link>
                </>
              )}
              <span class="muted"> · {ago(e.at, now)}</span>
            </li>
          ))}
        </ol>
      )}
      {live.recent.length > limit && (
        <button type="button" class="link" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${live.recent.length}`}
        </button>
      )}
    </section>
  );
}
