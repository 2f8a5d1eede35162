/**
 * Provenance: from one experiment back to everything behind it — the decision that chose its
 * condition (policy, acquisition value, predicted mean and std, model version and that model's
 * metrics), the command that carried it and its ack, and every result the edge sent for it (raw
 * spectra, features, the exact pump flow plan it ran, timings, steady-state evidence).
 *
 * @module
 */
import { and, asc, eq } from 'drizzle-orm';
import type { CloudDrizzle } from '../db/open';
import { campaigns, commands, experiments, modelSnapshots, results } from '../db/schema';

/** Everything known about how an experiment came to be and what it measured. */
export interface Provenance {
  readonly experiment: typeof experiments.$inferSelect;
  readonly campaign: Pick<typeof campaigns.$inferSelect, 'id' | 'name' | 'objective' | 'schedule' | 'seed' | 'platformId'>;
  readonly decision: {
    readonly policy: string;
    readonly stage: number;
    readonly acquisitionValue: number | null;
    readonly predicted: { readonly mean: number; readonly std: number } | null;
    readonly modelVersion: number | null;
  };
  /** The model that decided (its serialized surrogate only with `includeModel`). */
  readonly model: { readonly version: number; readonly metrics: unknown; readonly createdAt: Date; readonly snapshot?: unknown } | null;
  readonly command: Pick<typeof commands.$inferSelect, 'id' | 'body' | 'sentAt' | 'sendCount' | 'ackedAt' | 'accepted' | 'ackReason'> | null;
  /** One per attempt, oldest first. */
  readonly results: (typeof results.$inferSelect)[];
}

/** Walks back from an experiment; undefined when there is no such experiment. */
export async function provenance(db: CloudDrizzle, experimentId: string, options: { includeModel?: boolean } = {}): Promise<Provenance | undefined> {
  const [e] = await db.select().from(experiments).where(eq(experiments.id, experimentId));
  if (!e) return undefined;
  const [c] = await db
    .select({ id: campaigns.id, name: campaigns.name, objective: campaigns.objective, schedule: campaigns.schedule, seed: campaigns.seed, platformId: campaigns.platformId })
    .from(campaigns)
    .where(eq(campaigns.id, e.campaignId));
  const [m] =
    e.modelVersion === null ? [] : await db.select().from(modelSnapshots).where(and(eq(modelSnapshots.campaignId, e.campaignId), eq(modelSnapshots.version, e.modelVersion)));
  const [cmd] = e.commandId ? await db.select().from(commands).where(eq(commands.id, e.commandId)) : [];
  const rs = await db.select().from(results).where(eq(results.experimentId, experimentId)).orderBy(asc(results.attempt));
  return {
    experiment: e,
    campaign: c!,
    decision: {
      policy: e.policy,
      stage: e.stage,
      acquisitionValue: e.acquisitionValue,
      predicted: e.predictedMean === null || e.predictedStd === null ? null : { mean: e.predictedMean, std: e.predictedStd },
      modelVersion: e.modelVersion,
    },
    model: m ? { version: m.version, metrics: m.metrics, createdAt: m.createdAt, ...(options.includeModel ? { snapshot: m.snapshot } : {}) } : null,
    command: cmd ? { id: cmd.id, body: cmd.body, sentAt: cmd.sentAt, sendCount: cmd.sendCount, ackedAt: cmd.ackedAt, accepted: cmd.accepted, ackReason: cmd.ackReason } : null,
    results: rs,
  };
}
