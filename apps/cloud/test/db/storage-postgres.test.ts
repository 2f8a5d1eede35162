import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase } from '../../src/db/open';
import { requirePostgres, startPostgres, type TestPostgres } from '../support/postgres';
import { describeStorage } from './storage-suite';

// A real PostgreSQL (Debian's postgresql, initdb + pg_ctl on a spare loopback port). Missing
// binaries fail under CI=true and skip elsewhere, saying what to install.
const binDir = requirePostgres();
let pg: TestPostgres | undefined;

describe.skipIf(binDir === undefined)('PostgreSQL server', () => {
  beforeAll(async () => {
    pg = await startPostgres({ binDir: binDir! });
  }, 60_000);
  afterAll(async () => pg?.stop());
  describeStorage('PostgreSQL', () => (pg ? { open: () => openDatabase({ url: pg!.url, poolSize: 4 }), concurrent: true } : undefined));
});
