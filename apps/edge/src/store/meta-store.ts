/**
 * Key/value state of the edge (`meta` table): counters that must survive restarts.
 *
 * @module
 */
import { eq, sql } from 'drizzle-orm';
import type { EdgeDb } from './open';
import { meta } from './schema';

/** Keys the link uses. */
export const META_KEYS = {
  /** Highest session number ever put in a CONNECT (birth and will carry it). */
  session: 'link.session',
  /** Sender seq numbers below this value may have been used; the next process starts here. */
  seqReserved: 'link.seqReserved',
} as const;

/**
 * Typed access to the `meta` table. Values are stored as text; integers are validated on read.
 *
 * @example
 * ```ts
 * const meta = new MetaStore(edgeDb);
 * const session = meta.increment('link.session'); // 1 on a fresh database
 * ```
 */
export class MetaStore {
  readonly #edgeDb: EdgeDb;
  readonly #get;
  readonly #set;

  constructor(edgeDb: EdgeDb) {
    this.#edgeDb = edgeDb;
    const { db } = edgeDb;
    this.#get = db
      .select({ value: meta.value })
      .from(meta)
      .where(eq(meta.key, sql.placeholder('key')))
      .prepare();
    this.#set = db
      .insert(meta)
      .values({ key: sql.placeholder('key'), value: sql.placeholder('value') })
      .onConflictDoUpdate({ target: meta.key, set: { value: sql`excluded.value` } })
      .prepare();
  }

  /** The value of `key`, or `undefined`. */
  get(key: string): string | undefined {
    return this.#get.get({ key })?.value;
  }

  /** Sets `key` durably (upsert). */
  set(key: string, value: string): void {
    this.#set.run({ key, value });
  }

  /**
   * The integer value of `key`, or `fallback` when absent.
   *
   * @throws {Error} when the stored value is not a non-negative safe integer (a corrupt counter
   *   must stop the agent rather than silently restart numbering at 0).
   */
  getInt(key: string, fallback = 0): number {
    const raw = this.get(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new Error(`meta ${JSON.stringify(key)} holds ${JSON.stringify(raw)}, not a non-negative integer`);
    }
    return value;
  }

  /** Sets `key` to a non-negative safe integer. */
  setInt(key: string, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`meta ${key}: ${value} is not a non-negative integer`);
    this.set(key, String(value));
  }

  /** Atomically adds `by` (default 1) to the integer at `key` (absent = 0) and returns the new value. */
  increment(key: string, by = 1): number {
    return this.#edgeDb.sqlite.transaction(() => {
      const next = this.getInt(key) + by;
      this.setInt(key, next);
      return next;
    }).immediate();
  }
}
