import type { Condition, ConditionSpace } from '@sdfl/chemistry';
import { z } from 'zod';

/**
 * What a `modelSnapshot` command carries for the `local` offline policy: the cloud's current
 * surrogate (ENN JSON from packages/optimizer), the objective, and how to pick.
 */
export const modelSnapshotSchema = z.object({
  model: z.object({ format: z.string() }).passthrough(),
  objective: z.object({ feature: z.string().min(1), direction: z.enum(['maximize', 'minimize']).default('maximize') }),
  policy: z.enum(['ucb', 'ei', 'eplt']).default('ucb'),
  kappa: z.number().positive().default(2),
  /** Best objective value seen so far (EI's incumbent). */
  best: z.number().optional(),
  campaignId: z.string().min(1).max(128).optional(),
});
export type ModelSnapshot = z.infer<typeof modelSnapshotSchema>;

/**
 * The `local` offline policy (ARCHITECTURE.md "Network drops"): with the queue dry and no broker,
 * pick the next condition from the last model snapshot, never one already run here. The optimizer
 * (and tfjs) load only when this runs, so an edge that never goes offline never loads them.
 */
export async function proposeOffline(snapshot: ModelSnapshot, space: ConditionSpace, alreadyRun: readonly Condition[], seed: number): Promise<Condition | null> {
  const opt = await import('@sdfl/optimizer');
  await opt.initBackend();
  const model = opt.Enn.fromJSON(snapshot.model as unknown as Parameters<typeof opt.Enn.fromJSON>[0]);
  const quantize = (u: readonly number[]) => space.quantizeCube(u);
  const proposal = opt.proposeFromModel(snapshot.policy, { kappa: snapshot.kappa }, model, {
    dim: space.dim,
    rng: opt.createPrng(seed),
    direction: snapshot.objective.direction,
    quantize,
    exclude: new opt.PointSet(alreadyRun.map((c) => quantize(space.toCube(c)))),
    ...(snapshot.best !== undefined ? { best: snapshot.best } : {}),
  });
  return proposal ? space.quantize(space.fromCube(proposal.cube)) : null;
}
