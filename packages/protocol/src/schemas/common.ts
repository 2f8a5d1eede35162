/**
 * Building blocks shared by the message schemas: primitives with units, the envelope and the
 * physical condition. Objects are zod's default (non-strict) objects: unknown keys are stripped,
 * which keeps receivers forward compatible with newer senders of the same major version.
 *
 * @module
 */
import { z } from 'zod';
import { PROTOCOL_VERSION, PUMP_IDS } from '../constants';

/** A finite number (zod 4 numbers already reject `NaN` and `Infinity`). */
export const finite = z.number();
/** A finite number >= 0. */
export const nonNegative = z.number().nonnegative();
/** A finite number > 0. */
export const positive = z.number().positive();
/** A non-negative safe integer. */
export const count = z.int().nonnegative();
/** A fraction in [0, 1]. */
export const fraction = z.number().min(0).max(1);

/**
 * A timestamp: an ISO-8601 date-time string with a `Z` or `+hh:mm` offset, e.g.
 * `2025-01-31T12:00:00.000Z`. Senders write `Date#toISOString()` (UTC, milliseconds).
 */
export const isoTimestamp = z.iso.datetime({ offset: true });

/** An RFC 9562 UUID string (any version), e.g. from `crypto.randomUUID()`. */
export const uuid = z.uuid();

/** An opaque identifier chosen by the cloud (experiment, campaign, device): 1..128 characters. */
export const identifier = z.string().min(1).max(128);

/** Free text for humans: at most 1000 characters. */
export const text = z.string().max(1000);

/** Non-empty free text for humans: 1..1000 characters. */
export const requiredText = z.string().min(1).max(1000);

/** A pump id, one of `PUMP_IDS`. */
export const pumpId = z.enum(PUMP_IDS);

/**
 * A map keyed by pump id in which any pump may be missing (a platform need not have all eight).
 * An unknown pump id key is a schema violation: the pump set is hardware, not an extension point.
 */
export function perPump<T extends z.ZodType>(value: T) {
  return z.partialRecord(pumpId, value);
}

/**
 * The envelope fields every message carries next to its `body`.
 *
 * - `v`: schema major version, {@link PROTOCOL_VERSION}.
 * - `id`: unique message id (uuid); receivers deduplicate on it, acks reference it.
 * - `ts`: when the sender created the message (ISO-8601, see {@link isoTimestamp}).
 * - `seq`: sender-monotonic counter. `createSender` counts +1 per message; a sender that persists
 *   its counter may skip ahead after a crash (the edge reserves blocks), so receivers must order
 *   by it but never assume it has no gaps.
 * - `session`: sender session number, +1 per connection / process start (like Sparkplug `bdSeq`);
 *   order messages of one sender by `(session, seq)`.
 */
export const envelopeSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: uuid,
  ts: isoTimestamp,
  seq: count,
  session: count,
});
/** The envelope fields of a message. */
export type Envelope = z.infer<typeof envelopeSchema>;

/**
 * A reaction condition: plate temperature (C) and six reagent flows (uL/min, each >= 0).
 * Owned by packages/chemistry; this is its wire shape only.
 */
export const conditionSchema = z.object({
  /** Reaction temperature, C. */
  temperatureC: finite,
  /** CuI precursor flow, uL/min. */
  cuIUlMin: nonNegative,
  /** Cs-oleate precursor flow, uL/min. */
  csOleateUlMin: nonNegative,
  /** Oleic acid flow on the Cs line, uL/min. */
  oaCsUlMin: nonNegative,
  /** Oleic acid flow on the CuI line, uL/min. */
  oaCuIUlMin: nonNegative,
  /** Oleylamine flow, uL/min. */
  oAmUlMin: nonNegative,
  /** Octadecene flow on the CuI line, uL/min. */
  odeCuIUlMin: nonNegative,
});
/** A reaction condition (temperature C, flows uL/min). */
export type Condition = z.infer<typeof conditionSchema>;
