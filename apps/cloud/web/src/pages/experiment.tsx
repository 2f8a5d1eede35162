/**
 * One experiment, from why it was chosen to what it measured (`GET /experiments/{id}`): condition
 * and review, status timeline, decision and model, command, and every result attempt with its
 * spectra, features, flow plan, timings and steady-state evidence. Refreshed by this
 * experiment's live events.
 */
import { ConditionTable, CommandPanel, DecisionPanel, Review, Timeline, type CommandInfo, type Decision, type ModelInfo } from '../components/experiment-provenance';
import { FailureNote, ResultAttemptView, type Failure, type ResultAttempt } from '../components/experiment-result';
import { ErrorNote } from '../components/error-note';
import { num } from '../format';
import { useResource } from '../hooks';
import { Link } from '../router';
import type { Campaign, Experiment } from '../types';

/** `GET /experiments/{id}`. */
export interface ExperimentDetail {
  readonly experiment: Experiment;
  readonly decision: Decision;
  readonly model: ModelInfo | null;
  readonly command: CommandInfo | null;
  readonly results: readonly ResultAttempt[];
}

export function ExperimentPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const detail = useResource<ExperimentDetail>(`/experiments/${encodeURIComponent(id)}`, { refreshOn: (e) => e.experimentId === id });
  const d = detail.data;
  return (
    <section class="experiment">
      <h1>Experiment {id}</h1>
      <ErrorNote error={detail.error} what="could not load the experiment" />
      {detail.loading && !d && <p class="muted">Loading…</p>}
      {d && <Body detail={d} />}
    </section>
  );
}

function Body({ detail: d }: { detail: ExperimentDetail }) {
  const e = d.experiment;
  const campaign = useResource<{ campaign: Campaign }>(`/campaigns/${encodeURIComponent(e.campaignId)}`);
  const objective = campaign.data?.campaign.objective.feature ?? 'the objective';
  // Newest attempt first: that is the one the campaign's study was told.
  const attempts = [...d.results].sort((a, b) => b.attempt - a.attempt);
  return (
    <>
      <p class="experiment-head">
        <span class={`badge ${e.status}`} data-status={e.status}>
          {e.status}
        </span>{' '}
        #{e.seq} of campaign <Link href={`/campaigns/${encodeURIComponent(e.campaignId)}`}>{campaign.data?.campaign.name ?? e.campaignId}</Link>
        {e.platformId && (
          <>
            {' '}
            on <Link href={`/platforms/${encodeURIComponent(e.platformId)}`}>{e.platformId}</Link>
          </>
        )}
        {e.attempt > 1 && <> · attempt {e.attempt}</>}
        {e.value !== null && (
          <>
            {' '}
            · measured {objective} <strong data-field="measured">{num(e.value, 5)}</strong>
          </>
        )}
      </p>
      <ErrorNote error={campaign.error} what="could not load its campaign" />
      {e.failure !== null && e.failure !== undefined && d.results.every((r) => !r.failure) && <FailureNote failure={e.failure as Failure} />}
      <div class="experiment-top">
        <section class="panel" aria-labelledby="condition-h">
          <h2 id="condition-h">Condition</h2>
          <Review experiment={e} />
          <ConditionTable condition={e.condition} before={e.proposedCondition} caption={e.proposedCondition ? 'as run (after the reviewer’s edit)' : 'as proposed and run'} />
        </section>
        <section class="panel" aria-labelledby="timeline-h">
          <h2 id="timeline-h">Status</h2>
          <Timeline experiment={e} />
        </section>
      </div>
      <div class="experiment-top">
        <DecisionPanel decision={d.decision} model={d.model} value={e.value} objective={objective} />
        <CommandPanel command={d.command} />
      </div>
      {attempts.length === 0 ? <p class="muted">No result yet{e.status === 'running' ? ': it is running' : ''}.</p> : attempts.map((r) => <ResultAttemptView key={r.id} result={r} condition={e.condition} />)}
    </>
  );
}
