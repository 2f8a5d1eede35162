/**
 * Everything a campaign report shows, read from the database in the API's own shapes (the
 * `toCampaign` / `toExperiment` / `toProgress` of the resources schemas), so the report says
 * exactly what `GET /campaigns/{id}` and `GET /experiments` say.
 *
 * @module
 */
import { createConditionSpace, type ChemistryConfigInput, type Dimension } from '@sdfl/chemistry';
import type { Features, Spectrum } from '@sdfl/protocol';
import { and, asc, desc, eq, inArray, or } from 'drizzle-orm';
import { toCampaign, toExperiment, toProgress } from '../api/schemas/resources';
import type { CloudDrizzle } from '../db/open';
import { auditLog, campaigns, experiments, modelSnapshots, results, twinReports } from '../db/schema';
import { campaignProgress } from '../demo/progress';
import { pendingApprovals } from '../engine/approvals';

/** A campaign as the API returns it. */
export type ReportCampaign = ReturnType<typeof toCampaign>;
/** An experiment as the API returns it. */
export type ReportExperiment = ReturnType<typeof toExperiment>;

/** One stored model version. */
export interface ReportModel {
  readonly version: number;
  readonly nTrain: number | null;
  readonly createdAt: string;
  /** Whether its twin report is stored. */
  readonly twinReport: boolean;
}

/** One audited action on the campaign or one of its experiments. */
export interface ReportAudit {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly reason: string | null;
}

/** The best experiment's latest result (features and spectra as stored). */
export interface ReportBestResult {
  readonly experimentId: string;
  readonly attempt: number;
  readonly features: Features | null;
  readonly spectra: { readonly absorbance: Spectrum; readonly pl: Spectrum } | null;
}

/** What {@link loadReportData} reads. */
export interface CampaignReportData {
  readonly campaign: ReportCampaign;
  readonly progress: ReturnType<typeof toProgress>;
  /** By sequence number. */
  readonly experiments: readonly ReportExperiment[];
  /** The space's inputs in cube order (bounds and units). */
  readonly inputs: readonly Dimension[];
  /** Each experiment's condition on the space's axes (temperature, reaction time, fractions), by id. */
  readonly axes: ReadonlyMap<string, readonly number[]>;
  /** Oldest first. */
  readonly models: readonly ReportModel[];
  /** Oldest first. */
  readonly audit: readonly ReportAudit[];
  readonly best: ReportBestResult | null;
  /** How many prior observations the campaign started from (informed campaigns). */
  readonly priorObservations: number | null;
}

/** Reads a campaign's report data; null when there is no such campaign. */
export async function loadReportData(db: CloudDrizzle, campaignId: string): Promise<CampaignReportData | null> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!row) return null;
  const progress = toProgress(await campaignProgress(db, campaignId), (await pendingApprovals(db, campaignId)).length);
  const rows = await db.select().from(experiments).where(eq(experiments.campaignId, campaignId)).orderBy(asc(experiments.seq));
  const space = createConditionSpace(row.space as ChemistryConfigInput);
  const axes = new Map<string, number[]>();
  for (const e of rows) {
    try {
      axes.set(e.id, space.axes(e.condition as Parameters<typeof space.axes>[0]));
    } catch {
      // A condition the space cannot read (hand-made rows) shows its cube point only.
    }
  }
  const models = await db
    .select({ version: modelSnapshots.version, metrics: modelSnapshots.metrics, createdAt: modelSnapshots.createdAt })
    .from(modelSnapshots)
    .where(eq(modelSnapshots.campaignId, campaignId))
    .orderBy(asc(modelSnapshots.version));
  const reported = new Set((await db.select({ v: twinReports.version }).from(twinReports).where(eq(twinReports.campaignId, campaignId))).map((r) => r.v));
  const ids = rows.map((e) => e.id);
  const audit = await db
    .select()
    .from(auditLog)
    .where(ids.length > 0 ? or(eq(auditLog.target, campaignId), inArray(auditLog.target, ids)) : eq(auditLog.target, campaignId))
    .orderBy(asc(auditLog.id));
  const prior = row.prior as { observations?: unknown[] } | null;
  return {
    campaign: toCampaign(row),
    progress,
    experiments: rows.map(toExperiment),
    inputs: space.dimensions,
    axes,
    models: models.map((m) => ({ version: m.version, nTrain: (m.metrics as { nTrain?: number }).nTrain ?? null, createdAt: m.createdAt.toISOString(), twinReport: reported.has(m.version) })),
    audit: audit.map((a) => ({ at: a.at.toISOString(), actor: a.actor, action: a.action, target: a.target, reason: a.reason })),
    best: progress.best ? await bestResult(db, progress.best.experimentId) : null,
    priorObservations: Array.isArray(prior?.observations) ? prior.observations.length : null,
  };
}

async function bestResult(db: CloudDrizzle, experimentId: string): Promise<ReportBestResult | null> {
  const [r] = await db
    .select({ attempt: results.attempt, features: results.features, spectra: results.spectra })
    .from(results)
    .where(and(eq(results.experimentId, experimentId), eq(results.status, 'done')))
    .orderBy(desc(results.attempt))
    .limit(1);
  if (!r) return null;
  return { experimentId, attempt: r.attempt, features: r.features as Features | null, spectra: r.spectra as ReportBestResult['spectra'] };
}
