/**
 * End-to-end receipts: after a result or event is stored, its envelope id goes back to the edge,
 * which only then forgets it. Ids are batched per platform within one event-loop turn.
 *
 * @module
 */
import type { Logger } from 'pino';
import { MAX_RECEIPT_IDS } from '@sdfl/protocol';
import type { CloudLink } from '../mqtt/cloud-link';

/** Batches and publishes receipts. */
export class Receipts {
  readonly #link: CloudLink;
  readonly #log: Logger;
  readonly #pending = new Map<string, Set<string>>();
  #scheduled = false;

  constructor(link: CloudLink, log: Logger) {
    this.#link = link;
    this.#log = log;
  }

  /** Queues a receipt for a stored envelope id. */
  add(platformId: string, envelopeId: string): void {
    let ids = this.#pending.get(platformId);
    if (!ids) this.#pending.set(platformId, (ids = new Set()));
    ids.add(envelopeId);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Asks a platform to re-publish everything it still holds (after we (re)subscribed). */
  async askResend(platformId: string): Promise<void> {
    await this.#send(platformId, [], true);
  }

  async flush(): Promise<void> {
    this.#scheduled = false;
    const batches = [...this.#pending];
    this.#pending.clear();
    for (const [platformId, ids] of batches) {
      const all = [...ids];
      for (let i = 0; i < all.length; i += MAX_RECEIPT_IDS) await this.#send(platformId, all.slice(i, i + MAX_RECEIPT_IDS), false);
    }
  }

  async #send(platformId: string, ids: string[], resend: boolean): Promise<void> {
    try {
      const { payload } = this.#link.encode('receipt', resend ? { ids, resend: true } : { ids });
      await this.#link.publish(platformId, 'receipt', payload);
    } catch (error) {
      // Not fatal: the edge re-sends what was not receipted, and we receipt duplicates again.
      this.#log.warn({ err: error, platformId, ids: ids.length }, 'receipt not sent');
    }
  }
}
