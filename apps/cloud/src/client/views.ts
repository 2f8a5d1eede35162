/**
 * The shapes the client reads from the API (a subset of the OpenAPI components) and how they print.
 *
 * @module
 */

/** A campaign as the API returns it. */
export interface CampaignView {
  id: string;
  name: string;
  owner: string;
  status: string;
  statusReason: string | null;
  objective: { feature: string; direction: string };
  schedule: { policy: string; count: number }[];
  targetPlatform: string | null;
  targetPool: string | null;
  platformId: string | null;
  approvalGate: boolean;
  planned: number;
  createdAt: string | null;
  finishedAt: string | null;
}

/** Progress of a campaign (`GET /campaigns/{id}`). */
export interface ProgressView {
  stage: { index: number; policy: string; count: number } | null;
  done: number;
  failed: number;
  planned: number;
  best: { value: number; experimentId: string; condition: unknown; policy: string } | null;
  current: { experimentId: string; policy: string; status: string } | null;
  platformStage: string | null;
  platformOnline: boolean;
  pendingApprovals: number;
}

/** An experiment as the API returns it. */
export interface ExperimentView {
  id: string;
  campaignId: string;
  seq: number;
  status: string;
  policy: string;
  condition: Record<string, number>;
  predictedMean: number | null;
  predictedStd: number | null;
  value: number | null;
}

/** Campaigns that will not change any more. */
export const FINAL_CAMPAIGN_STATUSES: ReadonlySet<string> = new Set(['done', 'cancelled']);

/** One line per campaign. */
export function campaignLine(c: CampaignView): string {
  const where = c.platformId ?? c.targetPlatform ?? (c.targetPool ? `pool ${c.targetPool}` : '-');
  const schedule = c.schedule.map((s) => `${s.policy} ${s.count}`).join(' -> ');
  return `${c.id}\t${c.status}\t${where}\t${c.objective.direction} ${c.objective.feature}\t${schedule}${c.approvalGate ? '\tgated' : ''}\t${c.owner}\t${c.name}`;
}

/** A condition as `temperatureC=140 cuIUlMin=12.5 ...` (3 significant decimals at most). */
export function conditionText(condition: unknown): string {
  if (!condition || typeof condition !== 'object') return '-';
  return Object.entries(condition as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toFixed(3)) : String(v)}`)
    .join(' ');
}

/** One line per experiment. */
export function experimentLine(e: ExperimentView): string {
  const predicted = e.predictedMean !== null ? ` predicted ${e.predictedMean.toPrecision(4)}±${(e.predictedStd ?? 0).toPrecision(2)}` : '';
  return `${e.id}\t#${e.seq}\t${e.status}\t${e.policy}\t${conditionText(e.condition)}${predicted}${e.value !== null ? `\tvalue ${e.value.toPrecision(5)}` : ''}`;
}

/**
 * The progress line of a campaign: a bar of done (and failed) out of planned, the stage, the best
 * value so far, the running experiment and proposals waiting for approval.
 */
export function progressLine(c: CampaignView, p: ProgressView, width = 20): string {
  const finished = p.done + p.failed;
  const filled = p.planned > 0 ? Math.min(width, Math.round((finished / p.planned) * width)) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const parts = [`${c.id} ${bar} ${finished}/${p.planned}`, c.status];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.stage) parts.push(`stage ${p.stage.index + 1} ${p.stage.policy}`);
  if (p.best) parts.push(`best ${c.objective.feature} ${p.best.value.toPrecision(5)} (${p.best.experimentId})`);
  if (p.current) parts.push(`${p.current.status} ${p.current.experimentId} (${p.current.policy})`);
  if (p.pendingApprovals) parts.push(`${p.pendingApprovals} awaiting approval`);
  if (!p.platformOnline && !FINAL_CAMPAIGN_STATUSES.has(c.status)) parts.push('platform offline');
  return parts.join(' · ');
}
