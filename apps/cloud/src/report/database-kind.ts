/**
 * Where a drizzle handle's data lives, in words for a report's provenance (never a path or a URL:
 * a report may leave the building). Read from the driver client drizzle keeps as `$client`.
 *
 * @module
 */
import type { CloudDrizzle } from '../db/open';

/** `embedded PGlite (in memory)`, `embedded PGlite (data folder)`, `PostgreSQL server` or `unknown`. */
export function databaseKind(db: CloudDrizzle): string {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (typeof client !== 'object' || client === null) return 'unknown';
  // PGlite keeps its folder in `dataDir` (undefined in memory); node-postgres' Pool counts its clients.
  if ('waitReady' in client) return (client as { dataDir?: string }).dataDir ? 'embedded PGlite (data folder)' : 'embedded PGlite (in memory)';
  if ('totalCount' in client) return 'PostgreSQL server';
  return 'unknown';
}
