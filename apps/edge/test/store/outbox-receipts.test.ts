/** The outbox's receipt columns: settle, deleteReceipted, and the upgrade of a pre-receipt database. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_FOLDER, OutboxStore, openEdgeDb } from '../../src/store/index';

describe('outbox receipts (SQLite)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('settle deletes and marks in one call; deleteReceipted matches envelope id and kind only', () => {
    const db = openEdgeDb(':memory:');
    const outbox = new OutboxStore(db, { now: () => 1234 });
    const r = outbox.append('t/result', 'result', '{}', 'id-r');
    const a = outbox.append('t/ack', 'ack', '{}', 'id-a');
    const e = outbox.append('t/event', 'event', '{}', 'id-e');
    outbox.settle([a], [r, e, 999], 5678); // 999 does not exist: skipped
    expect(outbox.peek(10).map((m) => [m.seq, m.brokerAckedAt])).toEqual([
      [r, 5678],
      [e, 5678],
    ]);
    expect(outbox.countAwaitingReceipt()).toBe(2);
    const ack2 = outbox.append('t/ack', 'ack', '{}', 'id-a2');
    expect(outbox.deleteReceipted(['id-a2', 'id-r', 'nope'], ['result', 'event'])).toEqual([r]);
    expect(outbox.get(ack2)?.envelopeId).toBe('id-a2');
    expect(outbox.deleteReceipted([], ['result'])).toEqual([]);
    expect(outbox.count()).toBe(2);
    db.close();
  });

  it('upgrading a database queued by the pre-receipt schema backfills envelope ids from the payloads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdfl-upgrade-'));
    dirs.push(dir);
    // The migrations as they were before receipts: the first journal entry only.
    const oldFolder = join(dir, 'drizzle-0000');
    cpSync(DEFAULT_MIGRATIONS_FOLDER, oldFolder, { recursive: true });
    const journalPath = join(oldFolder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const path = join(dir, 'edge.db');
    const old = openEdgeDb(path, { migrationsFolder: oldFolder });
    const insert = old.sqlite.prepare('INSERT INTO outbox (topic, kind, payload, created_at) VALUES (?, ?, ?, 0)');
    insert.run('sdfl/v1/rig-1/result', 'result', JSON.stringify({ v: 1, id: '0b7d8c4e-0000-4000-8000-000000000001', body: {} }));
    insert.run('sdfl/v1/rig-1/event', 'event', 'not json');
    old.close();

    const upgraded = openEdgeDb(path);
    const outbox = new OutboxStore(upgraded);
    expect(outbox.peek(10).map((m) => [m.kind, m.envelopeId, m.brokerAckedAt])).toEqual([
      ['result', '0b7d8c4e-0000-4000-8000-000000000001', null],
      ['event', null, null],
    ]);
    expect(outbox.deleteReceipted(['0b7d8c4e-0000-4000-8000-000000000001'], ['result'])).toHaveLength(1);
    upgraded.close();
  });
});
