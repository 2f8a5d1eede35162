/**
 * Drains the durable outbox over a live connection: strictly in `seq` order, with a bounded
 * window of messages awaiting PUBACK. On its PUBACK an ack is deleted; a result or event (a kind
 * the cloud receipts) stays, marked as waiting for the cloud's receipt, and is published again
 * until a receipt names it (see `receipt-timer.ts` for when).
 *
 * Order: MQTT 3.1.1 section 4.6 makes the broker forward the PUBLISH packets of one client on one
 * topic in the order received and PUBACK them in order; sending rows in `seq` order on one
 * connection is therefore enough. On every connection (`resume`) the whole outbox is sent from
 * the head, so rows waiting for a receipt go out again before any newer row; within a connection
 * a row is first sent in `seq` order, and re-sends of receipt-awaiting rows go ahead of rows not
 * sent yet.
 *
 * Writes are batched: rows PUBACKed within one event-loop turn are settled (deleted or marked) in
 * one transaction (one fsync instead of one per row; with `synchronous=FULL` the fsync is the
 * cost). A crash before that commit only re-sends rows that were delivered, which receivers drop by
 * envelope id.
 *
 * @module
 */
import type { Logger } from 'pino';
import { RECEIPTED_KINDS } from '@sdfl/protocol';
import type { OutboxMessage, OutboxStoreContract } from '../store/index';
import { ReceiptTimer, type ReceiptTimerOptions } from './receipt-timer';

/** Sends one row as QoS 1 and calls `done` on PUBACK (no error) or on failure. */
export type PublishRow = (message: OutboxMessage, done: (error?: Error) => void) => void;

/** Options of {@link OutboxPump}. */
export interface OutboxPumpOptions extends ReceiptTimerOptions {
  readonly outbox: OutboxStoreContract;
  readonly publish: PublishRow;
  /** Most rows awaiting PUBACK at once. Default 16. 1 = stop-and-wait. */
  readonly maxInFlight?: number;
  /** Kinds kept after their PUBACK until a receipt names them. Default the protocol's `RECEIPTED_KINDS`. */
  readonly receiptedKinds?: readonly string[];
  /** Called each time everything is PUBACKed: nothing queued, nothing in flight. */
  readonly onDrained?: () => void;
  /** Called each time the outbox becomes empty (every receipted row receipted as well). */
  readonly onEmpty?: () => void;
  /** Current time, ms since the epoch, stored as `brokerAckedAt`. Default `Date.now`. */
  readonly now?: () => number;
  readonly log?: Pick<Logger, 'warn' | 'debug' | 'info'>;
}

/**
 * The outbox sender. Paused until {@link resume}; call {@link kick} after every append and
 * {@link receipt} for every receipt from the cloud.
 *
 * @example
 * ```ts
 * const pump = new OutboxPump({ outbox, publish: (m, done) => client.publish(m.topic, m.payload, { qos: 1 }, done) });
 * client.on('connect', () => pump.resume());
 * client.on('close', () => pump.halt());
 * ```
 */
export class OutboxPump {
  readonly #outbox: OutboxStoreContract;
  readonly #publish: PublishRow;
  readonly #maxInFlight: number;
  readonly #receiptedKinds: readonly string[];
  readonly #onDrained: (() => void) | undefined;
  readonly #onEmpty: (() => void) | undefined;
  readonly #now: () => number;
  readonly #log: Pick<Logger, 'warn' | 'debug' | 'info'> | undefined;
  readonly #timer: ReceiptTimer;
  /** Bumped on every resume/halt so that callbacks of an earlier connection are ignored. */
  #generation = 0;
  #active = false;
  /** Highest seq sent on this connection; rows above it are next. */
  #cursor = 0;
  readonly #inFlight = new Set<number>();
  /** Receipt-awaiting rows (at or below the cursor) to publish again, oldest first. */
  #resend: number[] = [];
  /** A PUBACK failed while connected: finish the window, then re-send from the head. */
  #rewind = false;
  #kicking = false;
  #kickAgain = false;
  /** PUBACKed rows not yet settled in the store (see the module comment). */
  #acked: { seq: number; kind: string }[] = [];
  #flushScheduled = false;
  #settledWaiters: (() => void)[] = [];

  constructor(options: OutboxPumpOptions) {
    this.#outbox = options.outbox;
    this.#publish = options.publish;
    this.#maxInFlight = Math.max(1, Math.trunc(options.maxInFlight ?? 16));
    this.#receiptedKinds = options.receiptedKinds ?? RECEIPTED_KINDS;
    this.#onDrained = options.onDrained;
    this.#onEmpty = options.onEmpty;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#timer = new ReceiptTimer(options, (seqs) => this.#queueResend(seqs, 'no receipt in time'));
  }

  /** Rows sent on this connection and not yet PUBACKed. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Current wait for a receipt before a re-send, ms (grows while the cloud stays silent). */
  get receiptTimeoutMs(): number {
    return this.#timer.timeoutMs;
  }

  /** A connection is up: forget what was in flight and send the whole outbox from the head. */
  resume(): void {
    this.flushDeletes(); // before rewinding the cursor, or delivered acks would be re-sent
    this.#reset();
    this.#active = true;
    this.kick();
  }

  /** The connection is gone: stop sending; rows in flight stay in the outbox for the next resume. */
  halt(): void {
    this.flushDeletes();
    this.#reset();
    this.#active = false;
  }

  /** Settles the rows PUBACKed so far (normally done on the next event-loop turn). */
  flushDeletes(): void {
    if (this.#acked.length === 0) return;
    const acked = this.#acked;
    this.#acked = [];
    const deletes: number[] = [];
    const awaiting: number[] = [];
    for (const { seq, kind } of acked) (this.#receiptedKinds.includes(kind) ? awaiting : deletes).push(seq);
    this.#outbox.settle(deletes, awaiting, this.#now());
    if (this.#active) this.#timer.track(awaiting);
    this.#maybeDrained();
    if (deletes.length > 0) this.#maybeEmpty();
  }

  /**
   * Applies a receipt from the cloud: deletes the named rows (results and events only; unknown
   * ids are ignored) and, with `resend`, publishes every row still waiting for a receipt now.
   *
   * @returns how many rows it deleted.
   */
  receipt(envelopeIds: readonly string[], resend = false): number {
    this.flushDeletes(); // a row PUBACKed this turn must not be marked after its receipt deleted it
    const gone = this.#outbox.deleteReceipted(envelopeIds, this.#receiptedKinds);
    if (gone.length > 0) {
      const set = new Set(gone);
      this.#resend = this.#resend.filter((seq) => !set.has(seq));
      this.#timer.forget(gone);
    }
    // The cloud is there: go back to the short timeout.
    if (gone.length > 0 || resend) this.#timer.cloudHeard();
    if (resend) this.#queueResend(this.#timer.tracked(), 'the cloud asked for a resend');
    if (gone.length > 0) this.#maybeEmpty();
    this.#maybeDrained();
    return gone.length;
  }

  /**
   * Stops sending new rows but keeps accepting PUBACKs of those in flight; resolves when none is
   * left or after `timeoutMs` (ms). For a clean shutdown, so that a delivered row is not re-sent.
   */
  async quiesce(timeoutMs: number): Promise<void> {
    this.#active = false;
    this.#timer.stop();
    if (this.#inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#settledWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.flushDeletes();
  }

  /** Sends whatever the window allows. Cheap when there is nothing to do; safe to call any time. */
  kick(): void {
    if (this.#kicking) {
      this.#kickAgain = true;
      return;
    }
    this.#kicking = true;
    try {
      do {
        this.#kickAgain = false;
        this.#fill();
      } while (this.#kickAgain);
    } finally {
      this.#kicking = false;
    }
  }

  #fill(): void {
    if (!this.#active) return;
    if (this.#rewind) {
      if (this.#inFlight.size > 0) return;
      this.flushDeletes();
      this.#rewind = false;
      this.#cursor = 0;
      this.#resend = [];
      this.#timer.clear();
    }
    while (this.#inFlight.size < this.#maxInFlight && this.#resend.length > 0) {
      const seq = this.#resend.shift()!;
      const row = this.#outbox.get(seq);
      if (row !== undefined) this.#send(row);
      if (!this.#active) return;
    }
    while (this.#inFlight.size < this.#maxInFlight) {
      const rows = this.#outbox.peek(this.#maxInFlight - this.#inFlight.size, this.#cursor);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!this.#active) return;
        this.#cursor = row.seq;
        this.#send(row);
      }
    }
    this.#maybeDrained();
  }

  #send(row: OutboxMessage): void {
    this.#inFlight.add(row.seq);
    const generation = this.#generation;
    this.#publish(row, (error) => this.#settle(generation, row.seq, row.kind, error));
  }

  /** Queues receipt-awaiting rows for a re-send on this connection (skips rows already in flight). */
  #queueResend(seqs: readonly number[], why: string): void {
    if (!this.#active) return; // the next resume sends everything anyway
    const queued = new Set(this.#resend);
    const fresh = seqs.filter((seq) => seq <= this.#cursor && !this.#inFlight.has(seq) && !queued.has(seq));
    if (fresh.length === 0) return;
    this.#timer.forget(fresh);
    this.#resend = [...this.#resend, ...fresh].sort((a, b) => a - b);
    this.#log?.info({ rows: fresh.length, why, nextTimeoutMs: this.#timer.timeoutMs }, 're-publishing rows that wait for a receipt');
    this.kick();
  }

  #maybeDrained(): void {
    if (!this.#active || this.#inFlight.size > 0 || this.#acked.length > 0 || this.#resend.length > 0) return;
    if (this.#outbox.peek(1, this.#cursor).length === 0) this.#onDrained?.();
  }

  #maybeEmpty(): void {
    if (this.#onEmpty !== undefined && this.#outbox.count() === 0) this.#onEmpty();
  }

  #settle(generation: number, seq: number, kind: string, error: Error | undefined): void {
    if (generation !== this.#generation || !this.#inFlight.delete(seq)) return;
    if (error === undefined) {
      this.#acked.push({ seq, kind });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          try {
            this.flushDeletes();
          } catch (flushError) {
            // Not fatal: the rows stay and are re-sent (at-least-once); never crash from a timer.
            this.#log?.warn({ err: flushError }, 'could not settle PUBACKed outbox rows');
          }
        });
      }
    } else {
      // Not expected with MQTT 3.1.1 while connected (a lost connection halts first); keep the row
      // and re-send from the head once the window is empty, so nothing is skipped.
      this.#log?.warn({ seq, err: error }, 'outbox publish failed; will re-send');
      this.#rewind = true;
    }
    if (this.#inFlight.size === 0) this.#notifySettled();
    this.kick();
  }

  #reset(): void {
    this.#generation += 1;
    this.#inFlight.clear();
    this.#cursor = 0;
    this.#rewind = false;
    this.#resend = [];
    this.#timer.clear();
    this.#notifySettled();
  }

  #notifySettled(): void {
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
