/**
 * `sdfl/v1/{platform}/event` — edge to cloud, QoS 1: stage changes, alarms, interlock trips and
 * fault clearing. A discriminated union on `type`. Events raised offline are queued in the edge's
 * outbox and drain in order, so `ts` (creation) may be well before arrival.
 *
 * @module
 */
import { z } from 'zod';
import { ALARM_SEVERITIES, INTERLOCK_NAMES, STAGES } from '../constants';
import { identifier, nonNegative, pumpId, requiredText, text, uuid } from './common';

/** The runner moved from one stage to another. */
export const stageEventSchema = z.object({
  type: z.literal('stage'),
  from: z.enum(STAGES),
  to: z.enum(STAGES),
  experimentId: identifier.optional(),
});

/** Something a person should see that did not (yet) trip an interlock. */
export const alarmEventSchema = z.object({
  type: z.literal('alarm'),
  /** Machine-readable code, UPPER_SNAKE_CASE, e.g. `SYRINGE_LOW_WARNING`. */
  code: z
    .string()
    .max(64)
    .regex(/^[A-Z][A-Z0-9_]*$/),
  severity: z.enum(ALARM_SEVERITIES),
  message: requiredText,
});

/** An interlock tripped and the platform entered SAFE. */
export const interlockEventSchema = z.object({
  type: z.literal('interlock'),
  interlock: z.enum(INTERLOCK_NAMES),
  detail: text,
  /** Time from detecting the condition to SAFE outputs applied, ms. */
  latencyMs: nonNegative,
  /** The pump involved, for pump interlocks. */
  pump: pumpId.optional(),
  experimentId: identifier.optional(),
});

/** A latched SAFE was cleared. */
export const faultClearedEventSchema = z.object({
  type: z.literal('faultCleared'),
  /** Operator who cleared it. */
  by: z.string().min(1).max(128),
  reason: requiredText,
  /** The `clearSafe` command that cleared it, when it came over MQTT. */
  commandId: uuid.optional(),
});

/** Body of an `event` message. */
export const eventBodySchema = z.discriminatedUnion('type', [
  stageEventSchema,
  alarmEventSchema,
  interlockEventSchema,
  faultClearedEventSchema,
]);
/** Body of an `event` message. */
export type EventBody = z.infer<typeof eventBodySchema>;
/** An event's `type`. */
export type EventType = EventBody['type'];
