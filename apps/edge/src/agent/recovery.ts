import type { PumpId } from '@sdfl/chemistry';
import type { BodyInput } from '@sdfl/protocol';
import type { Clock } from '@sdfl/hal';
import type { Inventory } from '../runner/inventory';
import type { RunnerPump } from '../runner/runner';
import type { QueueItem, QueueStore } from '../runner/types';
import { resultBody } from './messages';

/** What boot recovery needs. */
export interface RecoveryDeps {
  clock: Clock;
  store: QueueStore;
  inventory: Inventory;
  pumps: Record<PumpId, Pick<RunnerPump, 'stop' | 'read'>>;
  publishResult(body: BodyInput<'result'>): unknown;
  /** Re-run an interrupted attempt as a new one once SAFE is cleared (config `runner.rerunAborted`). */
  rerunAborted: boolean;
}

/** What one pump's boot reading booked (uL) or why it could not. */
export type PumpRecovery = { pump: PumpId; owner: string; deliveredUl: number } | { pump: PumpId; owner: string; error: string };

/**
 * Finishes the reagent bookkeeping a crash interrupted, before anything can start a pump again (a
 * start from stopped resets the Chemyx counter, docs/devices.md §1). A Chemyx pump keeps running when its
 * host dies, so each pump the inventory recorded as in flight is stopped (it must not run on in
 * SAFE) and its dispensed volume, everything since its run started, is booked. A pump that cannot
 * be read is marked uncertain rather than booked as 0: its syringe counts as empty until `refilled`.
 */
export async function recoverPumpVolumes(d: Pick<RecoveryDeps, 'inventory' | 'pumps'>): Promise<PumpRecovery[]> {
  const inFlight = Object.entries(d.inventory.inFlight()) as [PumpId, string][];
  const recovered = await Promise.all(
    inFlight.map(async ([pump, owner]): Promise<PumpRecovery> => {
      try {
        await d.pumps[pump].stop().catch(() => undefined); // a failed stop shows in the read too
        const { dispensedUl } = await d.pumps[pump].read();
        if (!Number.isFinite(dispensedUl) || dispensedUl < 0) throw new Error(`implausible dispensed volume ${dispensedUl} uL`);
        return { pump, owner, deliveredUl: dispensedUl };
      } catch (error) {
        return { pump, owner, error: (error as Error).message };
      }
    }),
  );
  const delivered = Object.fromEntries(recovered.flatMap((r) => ('deliveredUl' in r ? [[r.pump, r.deliveredUl]] : [])));
  if (Object.keys(delivered).length > 0) d.inventory.consume(delivered);
  // The inventory raises the INVENTORY_UNCERTAIN alarm (agent.ts).
  for (const r of recovered) if ('error' in r) d.inventory.markUncertain(r.pump, `delivered volume of ${r.owner} unreadable after a restart: ${r.error}`);
  return recovered;
}

/**
 * A crash left attempts `running`: each is ended `aborted` (result published, the volumes booked
 * for it named in its warnings) and re-queued as a new attempt when configured. Call after
 * {@link recoverPumpVolumes}.
 */
export function abortInterrupted(d: RecoveryDeps, booked: readonly PumpRecovery[]): void {
  for (const item of d.store.list(['running'])) {
    const owner = `${item.experimentId}#${item.attempt}`;
    const mine = booked.filter((b) => b.owner === owner);
    const detail = 'agent restarted mid-experiment';
    d.store.setStatus(item.experimentId, item.attempt, 'aborted', null);
    const now = d.clock.now();
    d.store.transition({ experimentId: item.experimentId, attempt: item.attempt, from: item.stage ?? 'running', to: 'aborted', atMs: now, detail: [detail, ...describeBooked(mine)].join('; ') });
    d.publishResult(
      resultBody({
        experimentId: item.experimentId,
        attempt: item.attempt,
        campaignId: item.campaignId,
        condition: item.condition,
        status: 'aborted',
        failure: { reason: 'INTERNAL', detail },
        plan: null,
        features: null,
        spectra: null,
        timings: { startedAtMs: now, steadyAtMs: null, acquiredAtMs: null, finishedAtMs: now },
        steadyState: null,
        warnings: describeBooked(mine),
      }),
    );
    if (d.rerunAborted) requeue(d.store, item);
  }
}

/** Queues the next attempt of `item` at the head, so it re-runs before newer entries (once: a second call finds it queued). */
export function requeue(store: QueueStore, item: Pick<QueueItem, 'experimentId' | 'attempt'>): void {
  const prior = store.get(item.experimentId, item.attempt);
  if (prior && !store.get(item.experimentId, item.attempt + 1)) {
    store.enqueue([{ experimentId: prior.experimentId, attempt: prior.attempt + 1, condition: prior.condition, campaignId: prior.campaignId }], { first: true });
  }
}

function describeBooked(booked: readonly PumpRecovery[]): string[] {
  return booked.map((b) =>
    'deliveredUl' in b ? `${b.pump}: booked ${b.deliveredUl.toFixed(1)} uL delivered up to the restart` : `${b.pump}: delivered volume unreadable (${b.error}); contents uncertain`,
  );
}
