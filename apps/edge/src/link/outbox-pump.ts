/**
 * Drains the durable outbox over a live connection: strictly in `seq` order, with a bounded
 * window of messages awaiting PUBACK, deleting each row only once its PUBACK arrived.
 *
 * Order: MQTT 3.1.1 section 4.6 makes the broker forward the PUBLISH packets of one client on one
 * topic in the order received and PUBACK them in order; sending rows in `seq` order on one
 * connection is therefore enough. After a connection loss every un-PUBACKed row is re-sent from
 * the head on the next connection (`resume`), before any newer row.
 *
 * Deletes are batched: rows PUBACKed within one event-loop turn are deleted in one transaction
 * (one fsync instead of one per row; with `synchronous=FULL` the fsync is the cost). A crash before
 * that commit only re-sends rows that were delivered, which receivers drop by envelope id.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { OutboxMessage, OutboxStoreContract } from '../store/index.js';

/** Sends one row as QoS 1 and calls `done` on PUBACK (no error) or on failure. */
export type PublishRow = (message: OutboxMessage, done: (error?: Error) => void) => void;

/** Options of {@link OutboxPump}. */
export interface OutboxPumpOptions {
  readonly outbox: OutboxStoreContract;
  readonly publish: PublishRow;
  /** Most rows awaiting PUBACK at once. Default 16. 1 = stop-and-wait. */
  readonly maxInFlight?: number;
  /** Called each time the outbox becomes empty with nothing in flight. */
  readonly onDrained?: () => void;
  readonly log?: Pick<Logger, 'warn' | 'debug'>;
}

/**
 * The outbox sender. Paused until {@link resume}; call {@link kick} after every append.
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
  readonly #onDrained: (() => void) | undefined;
  readonly #log: Pick<Logger, 'warn' | 'debug'> | undefined;
  /** Bumped on every resume/halt so that callbacks of an earlier connection are ignored. */
  #generation = 0;
  #active = false;
  /** Highest seq sent on this connection; rows above it are next. */
  #cursor = 0;
  readonly #inFlight = new Set<number>();
  /** A PUBACK failed while connected: finish the window, then re-send from the head. */
  #rewind = false;
  #kicking = false;
  #kickAgain = false;
  /** PUBACKed rows not yet deleted (see the module comment). */
  #acked: number[] = [];
  #flushScheduled = false;
  #settledWaiters: (() => void)[] = [];

  constructor(options: OutboxPumpOptions) {
    this.#outbox = options.outbox;
    this.#publish = options.publish;
    this.#maxInFlight = Math.max(1, Math.trunc(options.maxInFlight ?? 16));
    this.#onDrained = options.onDrained;
    this.#log = options.log;
  }

  /** Rows sent on this connection and not yet PUBACKed. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** A connection is up: forget what was in flight and send from the head of the outbox. */
  resume(): void {
    this.flushDeletes(); // before rewinding the cursor, or delivered rows would be re-sent
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

  /** Deletes the rows PUBACKed so far (normally done on the next event-loop turn). */
  flushDeletes(): void {
    if (this.#acked.length === 0) return;
    const seqs = this.#acked;
    this.#acked = [];
    this.#outbox.deleteMany(seqs);
    this.#maybeDrained();
  }

  /**
   * Stops sending new rows but keeps accepting PUBACKs of those in flight; resolves when none is
   * left or after `timeoutMs` (ms). For a clean shutdown, so that a delivered row is not re-sent.
   */
  async quiesce(timeoutMs: number): Promise<void> {
    this.#active = false;
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
    }
    while (this.#inFlight.size < this.#maxInFlight) {
      const rows = this.#outbox.peek(this.#maxInFlight - this.#inFlight.size, this.#cursor);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!this.#active) return;
        this.#cursor = row.seq;
        this.#inFlight.add(row.seq);
        const generation = this.#generation;
        this.#publish(row, (error) => this.#settle(generation, row.seq, error));
      }
    }
    this.#maybeDrained();
  }

  #maybeDrained(): void {
    if (!this.#active || this.#inFlight.size > 0 || this.#acked.length > 0) return;
    if (this.#outbox.peek(1, this.#cursor).length === 0) this.#onDrained?.();
  }

  #settle(generation: number, seq: number, error: Error | undefined): void {
    if (generation !== this.#generation || !this.#inFlight.delete(seq)) return;
    if (error === undefined) {
      this.#acked.push(seq);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          try {
            this.flushDeletes();
          } catch (flushError) {
            // Not fatal: the rows stay and are re-sent (at-least-once); never crash from a timer.
            this.#log?.warn({ err: flushError }, 'could not delete PUBACKed outbox rows');
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
    this.#notifySettled();
  }

  #notifySettled(): void {
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
