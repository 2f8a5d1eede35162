/**
 * Every campaign, newest first, with its status, where it runs, its owner, progress, best so far
 * and the proposals waiting for review; filtered by status. Rows refresh on their campaign's live
 * events (experiment status, results, stages), the list on any campaign event (started, ended).
 */
import { useState } from 'preact/hooks';
import { ErrorNote } from '../components/error-note';
import { Field } from '../components/field';
import { CAMPAIGN_STATUSES, type CampaignDetail } from '../components/campaign-types';
import { num } from '../format';
import { useResource } from '../hooks';
import { Link } from '../router';
import { useCan } from '../session';
import type { Campaign } from '../types';

/** Campaigns shown at first and added per "Show more" (each row reads its own progress). */
const PAGE = 50;

export function CampaignsPage() {
  const [status, setStatus] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const mayCreate = useCan('scientist');
  // Creating a campaign writes no event (starting one does): a slow poll shows others' new ones.
  const list = useResource<{ campaigns: Campaign[] }>(`/campaigns?limit=${limit}${status ? `&status=${status}` : ''}`, {
    refreshOn: (e) => e.campaignId !== null && e.type.startsWith('campaign'),
    pollMs: 15_000,
  });
  const campaigns = list.data?.campaigns;
  return (
    <section>
      <div class="page-head">
        <h1>Campaigns</h1>
        {mayCreate && (
          <Link href="/campaigns/new" class="button-link">
            New campaign
          </Link>
        )}
      </div>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <Field id="campaign-status-filter" label="Status">
          <select
            id="campaign-status-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setLimit(PAGE);
            }}
          >
            <option value="">all</option>
            {CAMPAIGN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <ErrorNote error={list.error} what="could not load the campaigns" />
      {campaigns && campaigns.length === 0 && <p>{status ? `No ${status} campaigns.` : `No campaigns yet.${mayCreate ? ' Start one with "New campaign".' : ''}`}</p>}
      {campaigns && campaigns.length > 0 && (
        <div class="table-wrap">
          <table class="campaign-list">
            <thead>
              <tr>
                <th scope="col">campaign</th>
                <th scope="col">status</th>
                <th scope="col">platform / pool</th>
                <th scope="col">owner</th>
                <th scope="col">progress</th>
                <th scope="col">best so far (measured)</th>
                <th scope="col">waiting for review</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <CampaignRow key={c.id} campaign={c} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {campaigns && campaigns.length === limit && (
        <button type="button" class="secondary" onClick={() => setLimit(limit + PAGE)}>
          Show {PAGE} more
        </button>
      )}
    </section>
  );
}

/** One campaign; its progress comes from `GET /campaigns/{id}` (the list carries none). */
function CampaignRow({ campaign: c }: { campaign: Campaign }) {
  const detail = useResource<CampaignDetail>(`/campaigns/${encodeURIComponent(c.id)}`, { refreshOn: (e) => e.campaignId === c.id });
  const p = detail.data?.progress;
  const status = detail.data?.campaign.status ?? c.status;
  return (
    <tr data-campaign={c.id}>
      <td>
        <Link href={`/campaigns/${encodeURIComponent(c.id)}`}>{c.name}</Link>
        <br />
        <small class="muted">{c.id}</small>
      </td>
      <td>
        <span class={`badge ${status}`} data-status={status}>
          {status}
        </span>
      </td>
      <td>{where(c)}</td>
      <td>{c.owner}</td>
      <td data-field="progress">
        {p ? (
          <>
            <progress max={p.planned} value={p.done} aria-label={`${p.done} of ${p.planned} done`} /> {p.done}/{p.planned}
            {p.failed > 0 && <small class="muted"> · {p.failed} failed</small>}
          </>
        ) : detail.error ? (
          <ErrorNote error={detail.error} what="progress" />
        ) : (
          '…'
        )}
      </td>
      <td data-field="best">{p?.best ? `${num(p.best.value)} (${p.best.policy})` : '—'}</td>
      <td data-field="pending">{p ? (p.pendingApprovals > 0 ? <strong>{p.pendingApprovals}</strong> : c.approvalGate ? '0' : 'no gate') : '…'}</td>
    </tr>
  );
}

/** "rig-1", "pool A (on rig-2)" or "pool A (waiting for a platform)". */
export function where(c: Campaign): string {
  if (c.targetPlatform) return c.targetPlatform;
  return `pool ${c.targetPool ?? '?'} (${c.platformId ? `on ${c.platformId}` : 'waiting for a platform'})`;
}
