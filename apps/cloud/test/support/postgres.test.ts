/**
 * Smoke test of the PostgreSQL test harness (test/support/postgres.ts): a real server starts,
 * answers a query, and is gone after stop().
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres, startPostgres, type TestPostgres } from './postgres';

const binDir = requirePostgres();

describe.skipIf(binDir === undefined)('test PostgreSQL harness', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres({ binDir: binDir! });
  }, 60_000);
  afterAll(async () => server?.stop());

  it('serves the created database on loopback', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const result = await client.query<{ one: number; db: string }>('select 1 as one, current_database() as db');
      expect(result.rows).toEqual([{ one: 1, db: server.database }]);
    } finally {
      await client.end();
    }
  });

  it('refuses connections after stop()', async () => {
    await server.stop();
    const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
  });
});
