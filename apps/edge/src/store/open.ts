/**
 * Opening the edge database: one SQLite file (better-sqlite3), durable pragmas, migrations applied.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

/** The drizzle database of the edge, typed with its schema. */
export type EdgeDrizzle = BetterSQLite3Database<typeof schema>;

/** An open edge database: the drizzle handle, the raw better-sqlite3 handle, and `close()`. */
export interface EdgeDb {
  /** Typed drizzle handle (synchronous driver: `.run()`, `.all()`, `.get()`). */
  readonly db: EdgeDrizzle;
  /** The underlying better-sqlite3 connection (for `transaction()` and pragmas). */
  readonly sqlite: Database.Database;
  /** The path it was opened with (`':memory:'` for an in-memory database). */
  readonly path: string;
  /** Closes the connection; idempotent. */
  close(): void;
}

/** Options of {@link openEdgeDb}. */
export interface OpenEdgeDbOptions {
  /**
   * Folder of the drizzle-kit migrations. Default: `apps/edge/drizzle`, resolved from this module's
   * URL so that the agent works from any working directory.
   */
  readonly migrationsFolder?: string;
  /** How long a write waits for a lock held by another connection, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** `apps/edge/drizzle`, relative to this file (`src/store/open.ts`). */
export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Opens (creating if needed) the edge database at `path` and applies pending migrations.
 *
 * Pragmas: `journal_mode=WAL` (readers never block the single writer; a commit is one append to
 * the WAL), `synchronous=FULL` (the WAL is fsynced at every commit, so a row the link wrote
 * "before publishing" survives a power cut, not just a process crash; NORMAL could lose the last
 * commits on power loss, see https://sqlite.org/pragma.html#pragma_synchronous) and
 * `foreign_keys=ON`. An in-memory database reports journal mode `memory`; that is expected.
 *
 * @param path - a file path, or `':memory:'` for a private in-memory database (tests).
 * @example
 * ```ts
 * const edgeDb = openEdgeDb('/var/lib/sdfl/edge.db');
 * const outbox = new OutboxStore(edgeDb);
 * // ...
 * edgeDb.close();
 * ```
 */
export function openEdgeDb(path: string, options: OpenEdgeDbOptions = {}): EdgeDb {
  const sqlite = new Database(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER });
    return {
      db,
      sqlite,
      path,
      close() {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
