/**
 * The durable outbox: QoS 1 messages waiting for their PUBACK, and results and events waiting for
 * the cloud's receipt after it. See `schema.ts` `outbox`.
 *
 * @module
 */
import { and, asc, count as sqlCount, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import type { EdgeDb } from './open';
import { outbox } from './schema';

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
  /** Envelope id (what a receipt names), or `null` for a payload without one. */
  readonly envelopeId: string | null;
  /** Last PUBACK, ms since the epoch; non-null = waiting for the cloud's receipt. */
  readonly brokerAckedAt: number | null;
}

/**
 * The contract every outbox implementation honours; checked by the shared conformance suite
 * `describeOutboxStore` (apps/edge/test/store).
 */
export interface OutboxStoreContract {
  /**
   * Appends a message durably (the call returns only after the commit) and returns its `seq`,
   * greater than every `seq` returned before by this store.
   *
   * @param envelopeId - the payload's envelope id, which a later receipt names; default `null`.
   */
  append(topic: string, kind: string, payload: string, envelopeId?: string): number;
  /**
   * Up to `limit` oldest messages with `seq > afterSeq`, in `seq` order.
   *
   * @param limit - most rows returned, >= 0.
   * @param afterSeq - exclusive lower bound; default 0 (from the head).
   */
  peek(limit: number, afterSeq?: number): OutboxMessage[];
  /** The message `seq`, or `undefined` when it is gone. */
  get(seq: number): OutboxMessage | undefined;
  /**
   * In one durable commit: deletes `deleteSeqs` and marks `awaitReceiptSeqs` as PUBACKed at
   * `atMs` (ms since the epoch), waiting for a receipt. Missing rows are skipped. Idempotent.
   */
  settle(deleteSeqs: readonly number[], awaitReceiptSeqs: readonly number[], atMs: number): void;
  /**
   * Deletes the rows whose envelope id is in `envelopeIds` and whose kind is in `kinds`, in one
   * commit; returns their seqs. Unknown ids are ignored (a receipt applied twice changes nothing).
   */
  deleteReceipted(envelopeIds: readonly string[], kinds: readonly string[]): number[];
  /** Deletes the message `seq`; returns whether it existed. Idempotent. */
  delete(seq: number): boolean;
  /** Deletes several messages in one durable commit; returns how many existed. Idempotent. */
  deleteMany(seqs: readonly number[]): number;
  /** How many messages are in the outbox (queued, in flight, or waiting for a receipt). */
  count(): number;
  /** How many have been PUBACKed and wait for the cloud's receipt. */
  countAwaitingReceipt(): number;
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
  readonly #settle: (deleteSeqs: readonly number[], awaitSeqs: readonly number[], atMs: number) => void;
  readonly #deleteReceipted: (ids: readonly string[], kinds: readonly string[]) => number[];
  readonly #insert;
  readonly #peek;
  readonly #get;
  readonly #delete;
  readonly #markAwaiting;
  readonly #count;
  readonly #countAwaiting;

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
        envelopeId: sql.placeholder('envelopeId'),
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
    this.#get = db.select().from(outbox).where(eq(outbox.seq, sql.placeholder('seq'))).prepare();
    this.#delete = db.delete(outbox).where(eq(outbox.seq, sql.placeholder('seq'))).prepare();
    this.#markAwaiting = db
      .update(outbox)
      .set({ brokerAckedAt: sql`${sql.placeholder('at')}` })
      .where(eq(outbox.seq, sql.placeholder('seq')))
      .prepare();
    this.#count = db.select({ n: sqlCount() }).from(outbox).prepare();
    this.#countAwaiting = db.select({ n: sqlCount() }).from(outbox).where(isNotNull(outbox.brokerAckedAt)).prepare();
    // One transaction = one fsync for the whole batch, instead of one per row.
    this.#deleteMany = edgeDb.sqlite.transaction((seqs: readonly number[]) => {
      let n = 0;
      for (const seq of seqs) n += this.#delete.run({ seq }).changes;
      return n;
    });
    this.#settle = edgeDb.sqlite.transaction((deleteSeqs: readonly number[], awaitSeqs: readonly number[], atMs: number) => {
      for (const seq of deleteSeqs) this.#delete.run({ seq });
      for (const seq of awaitSeqs) this.#markAwaiting.run({ seq, at: atMs });
    });
    this.#deleteReceipted = edgeDb.sqlite.transaction((ids: readonly string[], kinds: readonly string[]) =>
      db
        .delete(outbox)
        .where(and(inArray(outbox.envelopeId, [...ids]), inArray(outbox.kind, [...kinds])))
        .returning({ seq: outbox.seq })
        .all()
        .map((r) => r.seq),
    );
  }

  append(topic: string, kind: string, payload: string, envelopeId?: string): number {
    const row = this.#insert.get({ topic, kind, payload, createdAt: this.#now(), envelopeId: envelopeId ?? null });
    if (row === undefined) throw new Error('outbox insert returned no row');
    return row.seq;
  }

  peek(limit: number, afterSeq = 0): OutboxMessage[] {
    if (!(limit > 0)) return [];
    return this.#peek.all({ after: afterSeq, limit: Math.floor(limit) });
  }

  get(seq: number): OutboxMessage | undefined {
    return this.#get.get({ seq });
  }

  settle(deleteSeqs: readonly number[], awaitReceiptSeqs: readonly number[], atMs: number): void {
    if (deleteSeqs.length + awaitReceiptSeqs.length > 0) this.#settle(deleteSeqs, awaitReceiptSeqs, atMs);
  }

  deleteReceipted(envelopeIds: readonly string[], kinds: readonly string[]): number[] {
    return envelopeIds.length === 0 || kinds.length === 0 ? [] : this.#deleteReceipted(envelopeIds, kinds);
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

  countAwaitingReceipt(): number {
    return this.#countAwaiting.get()?.n ?? 0;
  }
}
