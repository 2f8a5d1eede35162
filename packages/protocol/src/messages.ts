/**
 * The one topic-kind -> schema map, and the message types derived from it.
 * A message is the envelope plus a `body`:
 *
 * ```json
 * { "v": 1, "id": "…uuid…", "ts": "2025-01-31T12:00:00.000Z", "seq": 42, "session": 3,
 *   "body": { "type": "ping" } }
 * ```
 *
 * @module
 */
import type { z } from 'zod';
import type { MessageKind } from './constants';
import { ackBodySchema } from './schemas/ack';
import { commandBodySchema } from './schemas/command';
import { envelopeSchema, type Envelope } from './schemas/common';
import { eventBodySchema } from './schemas/event';
import { receiptBodySchema } from './schemas/receipt';
import { resultBodySchema } from './schemas/result';
import { stateBodySchema } from './schemas/state';
import { telemetryBodySchema } from './schemas/telemetry';

/** Body schema of each kind. */
export const bodySchemas = {
  state: stateBodySchema,
  telemetry: telemetryBodySchema,
  cmd: commandBodySchema,
  ack: ackBodySchema,
  result: resultBodySchema,
  event: eventBodySchema,
  receipt: receiptBodySchema,
} as const satisfies Record<MessageKind, z.ZodType>;

type BodySchemas = typeof bodySchemas;

function messageSchema<K extends MessageKind>(kind: K) {
  return envelopeSchema.extend({ body: bodySchemas[kind] });
}

/** Whole-message schema (envelope + body) of each kind. */
export const messageSchemas = {
  state: messageSchema('state'),
  telemetry: messageSchema('telemetry'),
  cmd: messageSchema('cmd'),
  ack: messageSchema('ack'),
  result: messageSchema('result'),
  event: messageSchema('event'),
  receipt: messageSchema('receipt'),
} as const satisfies Record<MessageKind, z.ZodType>;

/** The body of a message of kind `K` (as received: validated and stripped of unknown keys). */
export type Body<K extends MessageKind> = z.output<BodySchemas[K]>;

/** `T` with every property and array readonly, so that callers may pass frozen data. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [P in keyof T]: DeepReadonly<T[P]> }
    : T;

/** What a sender passes as the body of kind `K` (readonly arrays and objects accepted). */
export type BodyInput<K extends MessageKind> = DeepReadonly<z.input<BodySchemas[K]>>;

/** A whole message of kind `K`. */
export type Message<K extends MessageKind> = Envelope & { readonly body: Body<K> };

/** A message of any kind. */
export type AnyMessage = { [K in MessageKind]: Message<K> }[MessageKind];
