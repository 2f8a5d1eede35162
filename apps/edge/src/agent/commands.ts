import { planFlows, type ConditionSpace } from '@sdfl/chemistry';
import type { AckReason, CommandBody } from '@sdfl/protocol';
import type { Inventory } from '../runner/inventory';
import type { Runner } from '../runner/runner';
import { modelSnapshotSchema } from './offline-policy';
import type { QueueStore } from '../runner/types';

/** The decision on one command, before the link wraps it into an ack. */
export type Decision = { accepted: true; detail?: string } | { accepted: false; reason: AckReason; detail: string };

export interface CommandContext {
  space: ConditionSpace;
  store: QueueStore;
  runner: Runner;
  inventory: Inventory;
  syringeVolumeUl: (pump: keyof ReturnType<Inventory['snapshot']>) => number;
  /** Whether SAFE is latched now (a clearSafe outside SAFE is refused with NOT_SAFE). */
  isSafe(): boolean;
  /** Clears SAFE on behalf of the clearSafe command being decided (its id goes into the faultCleared event). */
  clearSafe(operator: string, reason: string): Promise<{ cleared: boolean; active: string[] }>;
  /** Puts everything in SAFE now (abort command). */
  abortToSafe(reason: string): Promise<void>;
  saveModelSnapshot(version: string, snapshot: unknown): void;
  offlinePolicy: 'standby' | 'local';
}

const reject = (reason: AckReason, detail: string): Decision => ({ accepted: false, reason, detail });

// Violations of validated limits (temperature window, pump rates) versus chemistry rules.
const LIMIT_CODES = new Set(['TEMPERATURE_RANGE', 'PUMP_MAX_RATE', 'PUMP_MIN_RATE', 'SYRINGE_TOO_SMALL']);

/**
 * Decides a validated command. Nothing reaches a device from here: enqueue only persists after
 * every experiment passed the condition space and the flow planner (docs/conventions.md §7: translate at the
 * boundary, here the MQTT ack).
 */
export async function decide(cmd: CommandBody, ctx: CommandContext): Promise<Decision> {
  switch (cmd.type) {
    case 'enqueue': {
      for (const e of cmd.experiments) {
        const attempt = e.attempt ?? 1;
        if (ctx.store.get(e.experimentId, attempt)) return reject('DUPLICATE', `experiment ${e.experimentId} attempt ${attempt} is already queued or run`);
        const plan = planFlows(e.condition, ctx.space);
        if (!plan.ok) {
          const limit = plan.violations.some((v) => LIMIT_CODES.has(v.code));
          return reject(limit ? 'OUT_OF_LIMITS' : 'INFEASIBLE_CONDITION', `${e.experimentId}: ${plan.violations.map((v) => v.message).join('; ')}`);
        }
      }
      ctx.store.enqueue(
        cmd.experiments.map((e) => ({ experimentId: e.experimentId, attempt: e.attempt ?? 1, condition: e.condition, campaignId: e.campaignId ?? null })),
      );
      ctx.runner.poke();
      // Accepted (a refill may come first), but say now what the runner will refuse.
      const unknown = Object.keys(ctx.inventory.uncertain());
      const caveat = unknown.length > 0 ? `; syringe contents unknown for ${unknown.join(', ')}: experiments using them fail INSUFFICIENT_REAGENT until refilled` : '';
      return { accepted: true, detail: `${cmd.experiments.length} queued${caveat}` };
    }
    case 'cancel': {
      if (cmd.scope === 'all') {
        for (const q of ctx.store.list(['queued'])) ctx.store.setStatus(q.experimentId, q.attempt, 'cancelled');
        ctx.runner.abortCurrent({ reason: 'CANCELLED', detail: 'cancel all' });
        return { accepted: true };
      }
      const attempts = ctx.store.attempts(cmd.experimentId);
      if (attempts.length === 0) return reject('UNKNOWN_EXPERIMENT', `no experiment ${cmd.experimentId}`);
      for (const q of attempts.filter((a) => a.status === 'queued')) ctx.store.setStatus(q.experimentId, q.attempt, 'cancelled');
      ctx.runner.abortCurrent({ reason: 'CANCELLED', detail: `cancel ${cmd.experimentId}` }, cmd.experimentId);
      return { accepted: true };
    }
    case 'pause':
      ctx.runner.pause();
      return { accepted: true };
    case 'resume':
      ctx.runner.resume();
      return { accepted: true };
    case 'abort':
      await ctx.abortToSafe(cmd.reason ?? 'abort command');
      return { accepted: true, detail: 'SAFE latched; clear it to continue' };
    case 'clearSafe': {
      // Clearing outside SAFE would reset the stage to idle under a running experiment.
      if (!ctx.isSafe()) return reject('NOT_SAFE', 'SAFE is not latched: nothing to clear');
      const r = await ctx.clearSafe(cmd.operator, cmd.reason);
      return r.cleared ? { accepted: true } : reject('SAFE_LATCHED', `still active: ${r.active.join('; ')}`);
    }
    case 'modelSnapshot': {
      // The local offline policy will run on it: refuse one it could not use, now, not when offline.
      const usable = modelSnapshotSchema.safeParse(cmd.snapshot);
      if (ctx.offlinePolicy === 'local' && !usable.success) {
        return reject('INVALID_COMMAND', `snapshot unusable by the local offline policy: ${usable.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      ctx.saveModelSnapshot(cmd.version, cmd.snapshot);
      return { accepted: true, detail: ctx.offlinePolicy === 'local' ? 'stored; the local offline policy uses it' : 'stored (offline policy: standby)' };
    }
    case 'refilled': {
      const max = ctx.syringeVolumeUl(cmd.pump);
      if (cmd.volumeUl > max) return reject('OUT_OF_LIMITS', `${cmd.pump} syringe holds at most ${max} uL`);
      ctx.inventory.refilled(cmd.pump, cmd.volumeUl);
      return { accepted: true };
    }
    case 'ping':
      return { accepted: true, detail: 'pong' };
  }
}
