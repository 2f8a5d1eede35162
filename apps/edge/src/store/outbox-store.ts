/**
 * The durable outbox: QoS 1 messages waiting for their PUBACK. See `schema.ts` `outbox`.
 *
 * @module
 */
import { asc, count as sqlCount, eq, gt, sql } from 'drizzle-orm';
import type { EdgeDb } from './open.js';
import { outbox } from './schema.js';

/** One queued message. */
export interface OutboxMessage {
  /** Delivery order, strictly increasing, never reused. */
  readonly seq: number;
  readonly topic: string;
  readonly kind: string;
  /** The exact encoded payload (JSON text). */
  readonly payload: string;
  /** When it was appended, ms since the epoch. */
  readonly createdAt: number;
}

/**
 * The contract every outbox implementation honours; checked by the shared conformance suite
 * `describeOutboxStore` (apps/edge/test/store).
 */
export interface OutboxStoreContract {
  /**
   * Appends a message durably (the call returns only after the commit) and returns its `seq`,
   * greater than every `seq` returned before by this store.
   */
  append(topic: string, kind: string, payload: string): number;
  /**
   * Up to `limit` oldest messages with `seq > afterSeq`, in `seq` order.
   *
   * @param limit - most rows returned, >= 0.
   * @param afterSeq - exclusive lower bound; default 0 (from the head).
   */
  peek(limit: number, afterSeq?: number): OutboxMessage[];
  /** Deletes the message `seq`; returns whether it existed. Idempotent. */
  delete(seq: number): boolean;
  /** Deletes several messages in one durable commit; returns how many existed. Idempotent. */
  deleteMany(seqs: readonly number[]): number;
  /** How many messages are queued. */
  count(): number;
}

/** Options of {@link OutboxStore}. */
export interface OutboxStoreOptions {
  /** Current time, ms since the epoch; default `Date.now`. Inject the shared clock. */
  readonly now?: () => number;
}

/**
 * SQLite outbox over an {@link EdgeDb}. Every method is synchronous: better-sqlite3 commits (and,
 * with `synchronous=FULL`, fsyncs) before `append` returns, which is what "written before anything
 * is published" needs.
 *
 * @example
 * ```ts
 * const outbox = new OutboxStore(openEdgeDb(':memory:'));
 * const seq = outbox.append('sdfl/v1/rig-1/result', 'result', payload);
 * // ... after the PUBACK:
 * outbox.delete(seq);
 * ```
 */
export class OutboxStore implements OutboxStoreContract {
  readonly #now: () => number;
  readonly #deleteMany: (seqs: readonly number[]) => number;
  readonly #insert;
  readonly #peek;
  readonly #delete;
  readonly #count;

  constructor(edgeDb: EdgeDb, options: OutboxStoreOptions = {}) {
    const { db } = edgeDb;
    this.#now = options.now ?? Date.now;
    this.#insert = db
      .insert(outbox)
      .values({
        topic: sql.placeholder('topic'),
        kind: sql.placeholder('kind'),
        payload: sql.placeholder('payload'),
        createdAt: sql.placeholder('createdAt'),
      })
      .returning({ seq: outbox.seq })
      .prepare();
    this.#peek = db
      .select()
      .from(outbox)
      .where(gt(outbox.seq, sql.placeholder('after')))
      .orderBy(asc(outbox.seq))
      .limit(sql.placeholder('limit'))
      .prepare();
    this.#delete = db.delete(outbox).where(eq(outbox.seq, sql.placeholder('seq'))).prepare();
    this.#count = db.select({ n: sqlCount() }).from(outbox).prepare();
    // One transaction = one fsync for the whole batch, instead of one per row.
    this.#deleteMany = edgeDb.sqlite.transaction((seqs: readonly number[]) => {
      let n = 0;
      for (const seq of seqs) n += this.#delete.run({ seq }).changes;
      return n;
    });
  }

  append(topic: string, kind: string, payload: string): number {
    const row = this.#insert.get({ topic, kind, payload, createdAt: this.#now() });
    if (row === undefined) throw new Error('outbox insert returned no row');
    return row.seq;
  }

  peek(limit: number, afterSeq = 0): OutboxMessage[] {
    if (!(limit > 0)) return [];
    return this.#peek.all({ after: afterSeq, limit: Math.floor(limit) });
  }

  delete(seq: number): boolean {
    return this.#delete.run({ seq }).changes > 0;
  }

  deleteMany(seqs: readonly number[]): number {
    return seqs.length === 0 ? 0 : this.#deleteMany(seqs);
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }
}
