/** A campaign's settings at a glance, and how far each stage of its schedule has come. */
import { num, when } from '../format';
import { Link } from '../router';
import type { Campaign, Experiment } from '../types';
import { axisValue } from './campaign-format';
import { campaignSpace, type CampaignProgress } from './campaign-types';

export function CampaignSettings({ campaign: c, progress: p }: { campaign: Campaign; progress: CampaignProgress }) {
  const space = campaignSpace(c);
  return (
    <section class="panel" aria-labelledby="campaign-settings">
      <h2 id="campaign-settings">Settings</h2>
      <dl class="facts">
        <dt>objective</dt>
        <dd>
          {c.objective.direction} {c.objective.feature}
        </dd>
        <dt>schedule</dt>
        <dd data-field="schedule">{c.schedule.map((s) => `${s.policy} ${s.count}`).join(' → ')}</dd>
        <dt>runs on</dt>
        <dd>
          {c.targetPlatform ? <Link href={`/platforms/${encodeURIComponent(c.targetPlatform)}`}>{c.targetPlatform}</Link> : `pool ${c.targetPool ?? '?'}`}
          {c.targetPool && c.platformId && (
            <>
              {' '}
              (on <Link href={`/platforms/${encodeURIComponent(c.platformId)}`}>{c.platformId}</Link>)
            </>
          )}
          {c.platformId && ` · ${p.platformOnline ? 'online' : 'offline'}${p.platformStage ? `, ${p.platformStage}` : ''}`}
        </dd>
        <dt>owner</dt>
        <dd>{c.owner}</dd>
        <dt>surrogate</dt>
        <dd>{c.surrogate ?? "optimizer's default"}</dd>
        <dt>approval gate</dt>
        <dd data-field="gate">{c.approvalGate ? `on (${c.approvalAhead} kept waiting ahead)` : 'off'}</dd>
        <dt>failures</dt>
        <dd>
          pause after {c.maxConsecutiveFailures} in a row ({c.consecutiveFailures} now)
        </dd>
        {c.priorCampaigns && (
          <>
            <dt>prior campaigns</dt>
            <dd>
              {c.priorCampaigns.map((id, i) => (
                <span key={id}>
                  {i > 0 && ', '}
                  <Link href={`/campaigns/${encodeURIComponent(id)}`}>{id}</Link>
                </span>
              ))}
            </dd>
          </>
        )}
        <dt>seed</dt>
        <dd>{c.seed}</dd>
        <dt>created</dt>
        <dd>{when(c.createdAt)}</dd>
        <dt>started</dt>
        <dd>{when(c.startedAt)}</dd>
        <dt>finished</dt>
        <dd>{when(c.finishedAt)}</dd>
        <dt>best so far</dt>
        <dd data-field="best">{p.best ? `${num(p.best.value)} measured (${p.best.experimentId}, chosen by ${p.best.policy})` : '—'}</dd>
      </dl>
      {space ? (
        <details>
          <summary>Condition space</summary>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">input</th>
                  <th scope="col">min</th>
                  <th scope="col">max</th>
                </tr>
              </thead>
              <tbody>
                {space.dimensions.map((d) => (
                  <tr key={d.key}>
                    <td>{d.label}</td>
                    <td>{axisValue(d, d.min)}</td>
                    <td>{axisValue(d, d.max)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : (
        <p class="error">The stored condition space does not parse: {JSON.stringify(c.space)}</p>
      )}
    </section>
  );
}

/** Done (and failed) of planned per stage of the schedule; the current stage marked. */
export function StageProgress({ campaign: c, progress: p, experiments }: { campaign: Campaign; progress: CampaignProgress; experiments: readonly Experiment[] }) {
  return (
    <section class="panel" aria-labelledby="campaign-stages">
      <h2 id="campaign-stages">
        Progress: {p.done} of {p.planned} done{p.failed > 0 ? `, ${p.failed} failed` : ''}
      </h2>
      <ol class="stages">
        {c.schedule.map((s, i) => {
          const mine = experiments.filter((e) => e.stage === i);
          const done = mine.filter((e) => e.status === 'done').length;
          const failed = mine.filter((e) => e.status === 'failed' || e.status === 'aborted').length;
          const current = p.stage?.index === i && (c.status === 'running' || c.status === 'paused');
          return (
            <li key={i} class={current ? 'current' : ''} data-stage={i}>
              <span class="stage-name">
                {i + 1}. {s.policy} {s.count}
                {current && <strong> (now)</strong>}
              </span>
              <progress max={s.count} value={done} aria-label={`stage ${i + 1} ${s.policy}: ${done} of ${s.count} done`} />
              <span>
                {done}/{s.count} done{failed > 0 ? `, ${failed} failed` : ''}
              </span>
            </li>
          );
        })}
      </ol>
      {p.current && (
        <p class="muted">
          now: <Link href={`/experiments/${encodeURIComponent(p.current.experimentId)}`}>{p.current.experimentId}</Link> ({p.current.policy}) {p.current.status}
        </p>
      )}
    </section>
  );
}
