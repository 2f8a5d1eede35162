/**
 * Received commands and the acks decided for them (`commands` table): the edge's idempotency
 * record. A command id seen twice gets the stored ack, and the handler runs once.
 *
 * @module
 */
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { EdgeDb } from './open';
import { commands, type CommandRow } from './schema';

/** A command to record. */
export interface NewCommand {
  /** Envelope `id` (uuid). */
  readonly id: string;
  /** Command `type`, or `null` when it failed to decode. */
  readonly type: string | null;
  /** The payload as received (text). */
  readonly payload: string;
}

/** Options of {@link CommandStore}. */
export interface CommandStoreOptions {
  /** Current time, ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Repository of received commands.
 *
 * @example
 * ```ts
 * const commands = new CommandStore(edgeDb);
 * if (commands.insert({ id, type: 'ping', payload })) {
 *   // first time: run the handler, then commands.setAck(id, JSON.stringify(ack))
 * } else {
 *   const stored = commands.get(id)?.ack; // duplicate: re-send this
 * }
 * ```
 */
export class CommandStore {
  readonly #now: () => number;
  readonly #insert;
  readonly #get;
  readonly #setAck;
  readonly #pending;
  readonly #prune;

  constructor(edgeDb: EdgeDb, options: CommandStoreOptions = {}) {
    const { db } = edgeDb;
    this.#now = options.now ?? Date.now;
    this.#insert = db
      .insert(commands)
      .values({
        id: sql.placeholder('id'),
        receivedAt: sql.placeholder('receivedAt'),
        type: sql.placeholder('type'),
        payload: sql.placeholder('payload'),
      })
      .onConflictDoNothing()
      .prepare();
    this.#get = db.select().from(commands).where(eq(commands.id, sql.placeholder('id'))).prepare();
    this.#setAck = db
      .update(commands)
      .set({ ack: sql`${sql.placeholder('ack')}` })
      .where(eq(commands.id, sql.placeholder('id')))
      .prepare();
    this.#pending = db
      .select()
      .from(commands)
      .where(isNull(commands.ack))
      .orderBy(asc(commands.receivedAt), asc(sql`rowid`))
      .prepare();
    this.#prune = db
      .delete(commands)
      .where(and(lt(commands.receivedAt, sql.placeholder('before')), sql`${commands.ack} IS NOT NULL`))
      .prepare();
  }

  /**
   * Records a command durably unless its id is already known.
   *
   * @returns `true` when it was new, `false` for a duplicate id (nothing is changed then).
   */
  insert(command: NewCommand): boolean {
    return this.#insert.run({ ...command, receivedAt: this.#now() }).changes > 0;
  }

  /** The stored command `id`, or `undefined`. */
  get(id: string): CommandRow | undefined {
    return this.#get.get({ id });
  }

  /** Stores the decided ack (JSON text of the ack body). Returns whether the command existed. */
  setAck(id: string, ackJson: string): boolean {
    return this.#setAck.run({ id, ack: ackJson }).changes > 0;
  }

  /** Commands received but not yet acked (a crash hit while the handler ran), oldest first. */
  pending(): CommandRow[] {
    return this.#pending.all();
  }

  /**
   * Deletes acked commands received before `beforeMs` (ms since the epoch); returns how many.
   * Keep well beyond the broker's redelivery horizon, or a late duplicate would run twice.
   */
  prune(beforeMs: number): number {
    return this.#prune.run({ before: beforeMs }).changes;
  }
}
