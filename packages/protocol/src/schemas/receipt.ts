/**
 * `sdfl/v1/{platform}/receipt` — cloud to edge, QoS 1: the end-to-end delivery receipt.
 *
 * A broker's PUBACK only says the broker has a message; a broker restarted without persistence, or
 * a cloud that is not subscribed at that moment, can still lose it. So the edge keeps every result
 * and event in its outbox until the cloud names its envelope id here, after the cloud has stored
 * it. Receipts are not commands: they are never acked, never persisted by the edge, and applying
 * one twice changes nothing (an id already forgotten is ignored).
 *
 * @module
 */
import { z } from 'zod';
import { uuid } from './common';

/** Most envelope ids in one receipt. */
export const MAX_RECEIPT_IDS = 1000;

/** Body of a `receipt` message. */
export const receiptBodySchema = z.object({
  /** Envelope ids of results and events the cloud has stored (may be empty with `resend`). */
  ids: z.array(uuid).max(MAX_RECEIPT_IDS),
  /**
   * The cloud (re)joined and asks the edge to re-publish, now, everything still awaiting a receipt
   * (it may have missed messages while it was not subscribed).
   */
  resend: z.boolean().optional(),
});
/** Body of a `receipt` message. */
export type ReceiptBody = z.infer<typeof receiptBodySchema>;
