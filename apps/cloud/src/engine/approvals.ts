/**
 * The approval gate: on a gated campaign every proposal waits (`proposed`) until a person approves
 * it (then it is dispatched), edits and approves it (the edited condition must lie inside the
 * campaign's space; the study learns the result at the edited point), or rejects it (the study
 * abandons it: its slot is refilled by a new proposal and the point is never proposed again).
 * Enforced here, on the server: nothing `proposed` is ever dispatched.
 *
 * @module
 */
import { and, asc, eq } from 'drizzle-orm';
import { type Condition, createConditionSpace, CUBE_TOLERANCE } from '@sdfl/chemistry';
import type { CloudDrizzle } from '../db/open';
import { auditLog, campaigns, experiments } from '../db/schema';
import { CampaignError } from './campaigns';

export type ExperimentRow = typeof experiments.$inferSelect;

/** A reviewer's decision on one proposal. */
export type Review = { readonly action: 'approve'; readonly condition?: Condition } | { readonly action: 'reject' };

/** Proposals of a campaign waiting for review, oldest first. */
export async function pendingApprovals(db: CloudDrizzle, campaignId: string): Promise<ExperimentRow[]> {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.campaignId, campaignId), eq(experiments.status, 'proposed')))
    .orderBy(asc(experiments.seq));
}

/**
 * Applies a review. Throws CampaignError NOT_FOUND (no such experiment), CONFLICT (not waiting for
 * review) or INVALID (an edited condition outside the campaign's space, every problem listed).
 */
export async function reviewExperiment(db: CloudDrizzle, experimentId: string, review: Review, actor: string, note?: string): Promise<ExperimentRow> {
  return db.transaction(async (tx) => {
    const [e] = await tx.select().from(experiments).where(eq(experiments.id, experimentId)).for('update');
    if (!e) throw new CampaignError('NOT_FOUND', [`no experiment '${experimentId}'`]);
    if (e.status !== 'proposed') throw new CampaignError('CONFLICT', [`experiment ${experimentId} is ${e.status}, not waiting for review`]);
    const now = new Date();
    const reviewed = { reviewedBy: actor, reviewedAt: now, reviewNote: note ?? null };
    let updated: ExperimentRow[];
    if (review.action === 'reject') {
      updated = await tx.update(experiments).set({ ...reviewed, status: 'rejected', finishedAt: now }).where(eq(experiments.id, e.id)).returning();
    } else if (review.condition) {
      const [c] = await tx.select({ space: campaigns.space }).from(campaigns).where(eq(campaigns.id, e.campaignId));
      const space = createConditionSpace(c!.space as never);
      // Each problem names its field (`condition.temperatureC: ...`) so a form can show it there.
      const problems = space.validate(review.condition).map((v) => `condition.${v.field}: ${v.message}`);
      const cube = problems.length === 0 ? space.toCube(review.condition) : [];
      cube.forEach((x, i) => {
        const d = space.dimensions[i]!;
        // A derived input (reaction time, a fraction) belongs to the condition as a whole.
        const field = d.key in review.condition! ? `condition.${d.key}` : 'condition';
        if (x < -CUBE_TOLERANCE || x > 1 + CUBE_TOLERANCE) problems.push(`${field}: ${d.label} is outside the campaign's bounds ${d.min}-${d.max} ${d.unit}`);
      });
      if (problems.length > 0) throw new CampaignError('INVALID', problems);
      const clamped = cube.map((x) => Math.min(1, Math.max(0, x)));
      updated = await tx
        .update(experiments)
        .set({ ...reviewed, status: 'queued', cube: clamped, condition: space.quantize(space.fromCube(clamped)), proposedCondition: e.condition })
        .where(eq(experiments.id, e.id))
        .returning();
    } else {
      updated = await tx.update(experiments).set({ ...reviewed, status: 'queued' }).where(eq(experiments.id, e.id)).returning();
    }
    await tx.insert(auditLog).values({
      actor,
      action: review.action === 'reject' ? 'experiment.reject' : review.condition ? 'experiment.editApprove' : 'experiment.approve',
      target: experimentId,
      reason: note ?? null,
      detail: review.action === 'approve' && review.condition ? { from: e.condition, to: updated[0]!.condition } : {},
    });
    return updated[0]!;
  });
}
