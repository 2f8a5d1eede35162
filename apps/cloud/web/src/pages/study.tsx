/**
 * One ask/tell study: its parameters and state, the best so far, the observations and their
 * chart, and for its owner (or an admin) the Ask button and a Tell form per open trial. No event
 * announces another client's tell, so the page also polls.
 */
import { ErrorNote } from '../components/error-note';
import { AskPanel, TellForm } from '../components/study-actions';
import { StudyFacts, useMayChange, type Study, type Trial } from '../components/study-summary';
import { BestSoFarChart, ObservationsTable } from '../components/study-trials';
import { useResource } from '../hooks';
import { Link } from '../router';

const POLL_MS = 5000;

export function StudyPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const path = `/studies/${encodeURIComponent(id)}`;
  const study = useResource<Study>(path, { pollMs: POLL_MS });
  const observations = useResource<{ trials: Trial[] }>(`${path}/observations`, { pollMs: POLL_MS });
  const s = study.data;
  const trials = observations.data?.trials;
  const mayChange = useMayChange(s);
  const reload = () => {
    study.reload();
    observations.reload();
  };
  const open = (trials ?? []).filter((t) => t.status === 'pending');
  return (
    <section class="study">
      <p class="muted">
        <Link href="/studies">Studies</Link> /
      </p>
      <h1>{s ? `Study ${s.name}` : `Study ${id}`}</h1>
      <ErrorNote error={study.error} what="could not load the study" />
      <ErrorNote error={observations.error} what="could not load its observations" />
      {s && (
        <>
          <div class="study-top">
            <StudyFacts study={s} />
            {trials && (
              <section class="panel" aria-labelledby="best-h">
                <h2 id="best-h">Best so far</h2>
                <BestSoFarChart study={s} trials={trials} />
              </section>
            )}
          </div>
          {mayChange && <AskPanel study={s} onAsked={reload} />}
          {mayChange && open.length > 0 && (
            <section aria-labelledby="open-h">
              <h2 id="open-h">Open trials: tell what you measured</h2>
              <div class="cards">
                {open.map((t) => (
                  <TellForm key={t.id} study={s} trial={t} onTold={reload} />
                ))}
              </div>
            </section>
          )}
          {trials && (
            <section class="panel" aria-labelledby="obs-h">
              <h2 id="obs-h">Observations</h2>
              <ObservationsTable study={s} trials={trials} />
            </section>
          )}
        </>
      )}
    </section>
  );
}
