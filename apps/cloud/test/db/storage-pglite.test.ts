import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDatabase } from '../../src/db/open';
import { describeStorage } from './storage-suite';

// PGlite in a data folder, as `npm start` uses it (one connection per process).
const dir = mkdtempSync(join(tmpdir(), 'sdfl-pglite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorage('PGlite', () => ({ open: () => openDatabase({ url: join(dir, 'db') }), concurrent: false }));
