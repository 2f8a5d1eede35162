import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_FOLDER, openEdgeDb, type EdgeDb } from '../../src/store/index';

describe('openEdgeDb', () => {
  const opened: EdgeDb[] = [];
  const dirs: string[] = [];
  const tempPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdfl-open-'));
    dirs.push(dir);
    return join(dir, 'edge.db');
  };
  const open = (path: string) => {
    const edgeDb = openEdgeDb(path);
    opened.push(edgeDb);
    return edgeDb;
  };
  afterEach(() => {
    for (const edgeDb of opened.splice(0)) edgeDb.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('sets WAL, synchronous=FULL and foreign keys on a file database', () => {
    const { sqlite } = open(tempPath());
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('creates every table from the generated migrations', () => {
    const { sqlite } = open(':memory:');
    const tables = sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual(['commands', 'meta', 'outbox', 'queue', 'transitions']);
  });

  it('is idempotent: reopening a migrated file applies nothing twice', () => {
    const path = tempPath();
    open(path).close();
    const { sqlite } = open(path);
    // One row per migration in the journal, not twice as many.
    const journal = JSON.parse(readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
  });

  it('works from another working directory (migrations resolved from the module URL)', () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(() => open(':memory:')).not.toThrow();
    } finally {
      process.chdir(cwd);
    }
  });

  it('enforces the queue status check', () => {
    const { sqlite } = open(':memory:');
    const insert = sqlite.prepare(
      `INSERT INTO queue (experiment_id, attempt, position, condition, status, updated_at) VALUES ('e', 1, 0, '{}', ?, 0)`,
    );
    expect(() => insert.run('queued')).not.toThrow();
    expect(() => insert.run('bogus')).toThrow(/CHECK/);
  });

  it('close is idempotent', () => {
    const edgeDb = open(':memory:');
    edgeDb.close();
    expect(() => edgeDb.close()).not.toThrow();
  });
});
