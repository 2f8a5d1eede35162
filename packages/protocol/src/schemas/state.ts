/**
 * `sdfl/v1/{platform}/state` — retained birth certificate, and the offline last-will.
 *
 * An edge publishes an `online` state (retained, QoS 1) after every connect and registers an
 * `offline` state as its MQTT last-will with the same `session`. As with Sparkplug's bdSeq, a
 * receiver ignores an `offline` state whose `session` differs from the last `online` one: it is
 * the stale will of an earlier connection. A will's `ts` is its connect time, not the time of death.
 *
 * @module
 */
import { z } from 'zod';
import {
  COMMAND_TYPES,
  FEATURE_NAMES,
  HEATER_KINDS,
  OFFLINE_POLICIES,
  SAFE_REASONS,
  SPECTROMETER_ROLES,
  STAGES,
} from '../constants';
import { count, finite, identifier, nonNegative, perPump, positive, pumpId, text } from './common';

/** One installed syringe pump. */
export const pumpInventorySchema = z.object({
  id: pumpId,
  /** Vendor model, e.g. `Chemyx Fusion 6000`. */
  model: text.optional(),
});

/** One installed spectrometer. */
export const spectrometerInventorySchema = z.object({
  id: identifier,
  /** Vendor model, e.g. `Ocean Insight HDX`. */
  model: text.optional(),
  serial: text.optional(),
  role: z.enum(SPECTROMETER_ROLES),
});

/** The devices an edge drives. Pump ids are unique. */
export const inventorySchema = z.object({
  pumps: z
    .array(pumpInventorySchema)
    .max(16)
    .refine((pumps) => new Set(pumps.map((p) => p.id)).size === pumps.length, 'pump ids must be unique'),
  spectrometers: z.array(spectrometerInventorySchema).max(8),
  heater: z.object({ kind: z.enum(HEATER_KINDS), model: text.optional() }),
});

/** What this edge can do, so the cloud never sends what it cannot honour. */
export const capabilitiesSchema = z.object({
  /** Offline policies the edge implements. */
  offlinePolicies: z.array(z.enum(OFFLINE_POLICIES)).max(OFFLINE_POLICIES.length),
  /** The policy configured now. */
  offlinePolicy: z.enum(OFFLINE_POLICIES).optional(),
  /** Features the edge computes for every result. */
  features: z.array(z.enum(FEATURE_NAMES)).max(FEATURE_NAMES.length),
  /** Command types the edge accepts; absent means all of this protocol version. */
  commands: z.array(z.enum(COMMAND_TYPES)).max(COMMAND_TYPES.length).optional(),
  /** Most experiments the edge queues at once. */
  queueCapacity: count.optional(),
});

/** Temperature limits, C: `minC <= maxC <= ceilingC` (ceiling = absolute over-temperature trip). */
export const temperatureLimitsSchema = z
  .object({ minC: finite, maxC: finite, ceilingC: finite })
  .refine((t) => t.minC <= t.maxC && t.maxC <= t.ceilingC, {
    message: 'expected minC <= maxC <= ceilingC',
    path: ['maxC'],
  });

/** Limits of one pump: rate range (uL/min) and syringe volume (uL). */
export const pumpLimitsSchema = z
  .object({ minRateUlMin: nonNegative, maxRateUlMin: positive, syringeVolumeUl: positive })
  .refine((p) => p.minRateUlMin <= p.maxRateUlMin, {
    message: 'expected minRateUlMin <= maxRateUlMin',
    path: ['minRateUlMin'],
  });

/** Operating limits the edge enforces; the cloud plans within them. */
export const limitsSchema = z.object({
  temperature: temperatureLimitsSchema,
  pumps: perPump(pumpLimitsSchema),
});

/** Body of an `online` state (birth). */
export const onlineStateSchema = z.object({
  status: z.literal('online'),
  /** Edge agent version (semver). */
  agentVersion: z.string().min(1).max(64),
  devices: inventorySchema,
  capabilities: capabilitiesSchema,
  limits: limitsSchema,
  stage: z.enum(STAGES),
  /** SAFE is latched: nothing pumps or heats until a `clearSafe` command. */
  safe: z.boolean(),
  /** Why SAFE is latched (present when `safe`). */
  safeReason: z.enum(SAFE_REASONS).optional(),
});

/** Body of an `offline` state (last-will, or published on a clean shutdown). */
export const offlineStateSchema = z.object({
  status: z.literal('offline'),
  /** `will` when the broker published it, `shutdown` when the agent stopped cleanly. */
  reason: z.enum(['will', 'shutdown']).optional(),
});

/** Body of a `state` message. */
export const stateBodySchema = z.discriminatedUnion('status', [onlineStateSchema, offlineStateSchema]);
/** Body of a `state` message. */
export type StateBody = z.infer<typeof stateBodySchema>;
/** Body of an `online` state. */
export type OnlineState = z.infer<typeof onlineStateSchema>;
/** Operating limits advertised in the birth. */
export type Limits = z.infer<typeof limitsSchema>;
