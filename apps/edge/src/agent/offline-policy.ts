import type { Condition, ConditionSpace } from '@sdfl/chemistry';
import { type BodyInput, type ModelSnapshotBody as ModelSnapshot, modelSnapshotBodySchema as modelSnapshotSchema } from '@sdfl/protocol';
import type { Clock } from '@sdfl/hal';
import type { QueueStore } from '../runner/types';

/**
 * What a `modelSnapshot` command carries for the `local` offline policy: the cloud's current
 * surrogate, the objective, and how to pick. The schema is the protocol's (the cloud produces it);
 * these names stay for the edge's existing importers.
 */
export { modelSnapshotSchema, type ModelSnapshot };

/**
 * The `local` offline policy (docs/architecture.md §6): with the queue dry and no broker,
 * pick the next condition from the last model snapshot, never one already run here. The optimizer
 * (and tfjs) load through the dynamic import below when this first runs; outside src/sim/ nothing
 * else in the edge may import them (eslint `no-restricted-imports`). The sim mode does load them.
 */
export async function proposeOffline(snapshot: ModelSnapshot, space: ConditionSpace, alreadyRun: readonly Condition[], seed: number): Promise<Condition | null> {
  const opt = await import('@sdfl/optimizer');
  await opt.initBackend();
  const model = await opt.loadSurrogate(snapshot.model);
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

/** What {@link OfflinePolicy} needs. */
export interface OfflinePolicyDeps {
  policy: 'standby' | 'local';
  clock: Clock;
  space: ConditionSpace;
  store: QueueStore;
  /** The last stored `modelSnapshot` body, or null. */
  snapshot(): unknown;
  isOnline(): boolean;
  publishEvent(body: BodyInput<'event'>): unknown;
}

/**
 * The runner's idle hook (docs/architecture.md §6): with `local`, the queue dry and no
 * broker, queue the next condition from the last usable model snapshot; results wait in the
 * outbox like any other. `standby` never queues anything.
 */
export class OfflinePolicy {
  constructor(private readonly d: OfflinePolicyDeps) {}

  /** True when it queued an experiment. */
  async runIfOffline(): Promise<boolean> {
    const { d } = this;
    if (d.policy !== 'local' || d.isOnline()) return false;
    const parsed = modelSnapshotSchema.safeParse(d.snapshot());
    if (!parsed.success) return false;
    const now = d.clock.now();
    const condition = await proposeOffline(parsed.data, d.space, d.store.list().map((i) => i.condition), now);
    if (!condition || d.isOnline()) return false;
    const experimentId = `local-${now}`;
    d.store.enqueue([{ experimentId, attempt: 1, condition, campaignId: parsed.data.campaignId ?? null }]);
    d.publishEvent({ type: 'alarm', code: 'OFFLINE_LOCAL_POLICY', severity: 'info', message: `offline: queued ${experimentId} from model snapshot (${parsed.data.policy})` });
    return true;
  }
}
