/**
 * Opening the cloud database: PGlite in a data folder (embedded default, nothing to install) or a
 * PostgreSQL server through `pg` when a `postgres://` URL is given. Migrations are applied at open.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { yieldingPglite } from './pglite-yield';
import * as schema from './schema';

/** The drizzle handle both drivers give, typed with the schema. */
export type CloudDrizzle = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open cloud database. */
export interface CloudDb {
  readonly db: CloudDrizzle;
  /** `pglite` (embedded, one connection) or `postgres` (a server, a pool). */
  readonly kind: 'pglite' | 'postgres';
  /** Where it lives, for people: a folder or a URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** `postgres://...` (a server) or a folder for PGlite; `memory://` keeps PGlite in memory (tests). */
  readonly url: string;
  /** Folder of the drizzle-kit migrations. Default `apps/cloud/drizzle`. */
  readonly migrationsFolder?: string;
  /** Pool size for a server. Default 10. */
  readonly poolSize?: number;
}

/** `apps/cloud/drizzle`, relative to this file. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** True for URLs that name a PostgreSQL server. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** Hides the password of a URL for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Opens (and migrates) the database.
 *
 * @example
 * const { db, close } = await openDatabase({ url: '.data/cloud/db' });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<CloudDb> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  if (isPostgresUrl(options.url)) {
    const [{ default: pg }, { drizzle }, { migrate }] = await Promise.all([
      import('pg'),
      import('drizzle-orm/node-postgres'),
      import('drizzle-orm/node-postgres/migrator'),
    ]);
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    const db = drizzle(pool, { schema });
    try {
      await migrate(db, { migrationsFolder });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return { db: db as unknown as CloudDrizzle, kind: 'postgres', location: redactUrl(options.url), close: () => pool.end() };
  }
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const memory = options.url === 'memory://';
  if (!memory) mkdirSync(options.url, { recursive: true });
  const client = yieldingPglite(await PGlite.create(memory ? undefined : options.url));
  const db = drizzle(client, { schema });
  try {
    await migrate(db, { migrationsFolder });
  } catch (error) {
    await client.close();
    throw error;
  }
  return { db: db as unknown as CloudDrizzle, kind: 'pglite', location: memory ? 'memory' : options.url, close: () => client.close() };
}
