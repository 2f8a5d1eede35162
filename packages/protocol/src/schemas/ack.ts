/**
 * `sdfl/v1/{platform}/ack` — edge to cloud, QoS 1: a command was accepted or rejected.
 *
 * @module
 */
import { z } from 'zod';
import { ACK_REASONS } from '../constants';
import { text, uuid } from './common';

/** Command accepted (for `enqueue`: persisted in the edge's queue). */
export const acceptedAckSchema = z.object({
  /** Envelope `id` of the command. */
  commandId: uuid,
  accepted: z.literal(true),
  detail: text.optional(),
});

/** Command rejected; `reason` is machine-readable, `detail` is for people. */
export const rejectedAckSchema = z.object({
  /** Envelope `id` of the command. */
  commandId: uuid,
  accepted: z.literal(false),
  reason: z.enum(ACK_REASONS),
  detail: text.optional(),
});

/** Body of an `ack` message. A rejection always carries a `reason`. */
export const ackBodySchema = z.discriminatedUnion('accepted', [acceptedAckSchema, rejectedAckSchema]);
/** Body of an `ack` message. */
export type AckBody = z.infer<typeof ackBodySchema>;
