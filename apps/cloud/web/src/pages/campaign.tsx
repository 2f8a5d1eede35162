/**
 * One campaign: its settings and progress per stage, steering for its owner or an admin, the
 * approval queue of a gated campaign, every experiment, the measured charts and the latest twin
 * report's charts, and the downloads. Everything refetches on this campaign's live events
 * (experiment status, results, model versions, stages); a gated campaign's queue is also polled,
 * since a new proposal is stored without an event of its own.
 */
import { useMemo } from 'preact/hooks';
import { CampaignApprovals } from '../components/campaign-approvals';
import { ExperimentCharts, TwinCharts } from '../components/campaign-charts';
import { useCampaignExperiments, useTwinReport } from '../components/campaign-data';
import { CampaignDownloads } from '../components/campaign-downloads';
import { CampaignExperiments } from '../components/campaign-experiments';
import { CampaignSettings, StageProgress } from '../components/campaign-settings';
import { CampaignSteer } from '../components/campaign-steer';
import { campaignSpace, maySteer, type CampaignDetail } from '../components/campaign-types';
import { ErrorNote } from '../components/error-note';
import { useResource } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';
import type { Experiment } from '../types';

export function CampaignPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const { me } = useSession();
  const path = `/campaigns/${encodeURIComponent(id)}`;
  const mine = (e: { campaignId: string | null }) => e.campaignId === id;
  const detail = useResource<CampaignDetail>(path, { refreshOn: mine });
  const c = detail.data?.campaign;
  // Every change (a new proposal included) comes as one of this campaign's events.
  const approvals = useResource<{ experiments: Experiment[] }>(c?.approvalGate ? `${path}/approvals` : null, { refreshOn: mine });
  const experiments = useCampaignExperiments(id);
  const twin = useTwinReport(id);
  // A campaign's space never changes after creation.
  const space = useMemo(() => (c ? campaignSpace(c) : null), [c?.id]);
  const reload = () => {
    detail.reload();
    approvals.reload();
    experiments.reload();
  };

  if (!detail.data) {
    return (
      <section>
        <h1>Campaign {id}</h1>
        <ErrorNote error={detail.error} what="could not load the campaign" />
        {!detail.error && <p class="muted">Loading…</p>}
        <p>
          <Link href="/campaigns">All campaigns</Link>
        </p>
      </section>
    );
  }
  const { campaign, progress } = detail.data;
  const rows = experiments.data ?? [];
  const steer = maySteer(me, campaign);
  return (
    <section class="campaign-page" data-campaign={campaign.id}>
      <div class="page-head">
        <h1>
          {campaign.name}{' '}
          <span class={`badge ${campaign.status}`} data-status={campaign.status}>
            {campaign.status}
          </span>
        </h1>
        <Link href="/campaigns">All campaigns</Link>
      </div>
      <p class="muted">
        {campaign.id}
        {campaign.statusReason ? ` · ${campaign.statusReason}` : ''}
      </p>
      <ErrorNote error={detail.error} what="could not refresh the campaign" />
      <div class="campaign-top">
        <StageProgress campaign={campaign} progress={progress} experiments={rows} />
        <CampaignSettings campaign={campaign} progress={progress} />
      </div>
      {steer && <CampaignSteer campaign={campaign} onChanged={reload} />}
      {campaign.approvalGate && (
        <>
          <ErrorNote error={approvals.error} what="could not load the approval queue" />
          {approvals.data && <CampaignApprovals proposals={approvals.data.experiments} space={space} mayReview={steer} onChanged={reload} />}
        </>
      )}
      <ErrorNote error={experiments.error} what="could not load the experiments" />
      <CampaignExperiments experiments={rows} space={space} objective={campaign.objective.feature} />
      <ExperimentCharts campaign={campaign} experiments={rows} space={space} />
      <TwinCharts campaign={campaign} experiments={rows} space={space} twin={twin} />
      <CampaignDownloads campaignId={campaign.id} />
    </section>
  );
}
