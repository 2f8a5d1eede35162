import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConditionSpace } from '@sdfl/chemistry';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueueStore } from '../../src/runner/queue-store';
import { openEdgeDb, type EdgeDb, queue, transitions } from '../../src/store/index';

const space = createConditionSpace();
const c = (u: number) => space.quantize(space.fromCube([u, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
const item = (experimentId: string, attempt = 1, u = 0.5) => ({ experimentId, attempt, condition: c(u), campaignId: null });

describe('SqliteQueueStore (real migrations)', () => {
  const dbs: EdgeDb[] = [];
  const dirs: string[] = [];
  const open = (path = ':memory:') => {
    const db = openEdgeDb(path);
    dbs.push(db);
    return { db, store: new SqliteQueueStore(db.db, () => 1_000) };
  };
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('hands out queued attempts oldest first and skips every other status', () => {
    const { store } = open();
    store.enqueue([item('a'), item('b'), item('c')]);
    expect(store.next()?.experimentId).toBe('a');
    store.setStatus('a', 1, 'running', 'heating');
    expect(store.get('a', 1)).toMatchObject({ status: 'running', stage: 'heating' });
    expect(store.next()?.experimentId).toBe('b');
    store.setStatus('b', 1, 'cancelled');
    expect(store.next()?.experimentId).toBe('c');
    expect(store.list(['queued', 'running']).map((i) => i.experimentId)).toEqual(['a', 'c']);
  });

  it('puts a re-run at the head (`first`), before older queued entries, and keeps its condition', () => {
    const { store } = open();
    store.enqueue([item('a', 1, 0.1), item('b'), item('c')]);
    store.setStatus('a', 1, 'aborted');
    store.enqueue([item('a', 2, 0.1)], { first: true });
    expect(store.next()).toMatchObject({ experimentId: 'a', attempt: 2, condition: c(0.1), status: 'queued', stage: null });
    store.enqueue([item('d')]);
    expect(store.list(['queued']).map((i) => `${i.experimentId}#${i.attempt}`)).toEqual(['a#2', 'b#1', 'c#1', 'd#1']);
    expect(store.attempts('a').map((i) => i.status)).toEqual(['aborted', 'queued']);
  });

  it('refuses a duplicate (experiment, attempt) and keeps the first', () => {
    const { store } = open();
    store.enqueue([item('a', 1, 0.2)]);
    expect(() => store.enqueue([item('a', 1, 0.9)])).toThrow();
    expect(store.list().map((i) => i.condition)).toEqual([c(0.2)]);
  });

  it('reads stored rows through the condition schema: a corrupt row is a clear error naming it, not a cast', () => {
    const { db, store } = open();
    store.enqueue([item('a'), item('b')]);
    db.db.update(queue).set({ condition: '{"temperatureC": "hot"}' }).where(eq(queue.experimentId, 'b')).run();
    expect(store.next()?.experimentId).toBe('a');
    expect(() => store.list()).toThrow(/queue row b#1 is unreadable \(temperatureC: /);
    db.db.update(queue).set({ condition: '{oops' }).where(eq(queue.experimentId, 'b')).run();
    expect(() => store.get('b', 1)).toThrow(/b#1 is unreadable \(value: not JSON\)/);
  });

  it('survives a reopen of its database file: queue and transition log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdfl-queue-'));
    dirs.push(dir);
    const first = open(join(dir, 'edge.db'));
    first.store.enqueue([item('a'), item('b')]);
    first.store.setStatus('a', 1, 'running', 'equilibrating');
    first.store.transition({ experimentId: 'a', attempt: 1, from: 'flowing', to: 'equilibrating', atMs: 5, detail: 'x' });
    first.db.close();
    dbs.splice(dbs.indexOf(first.db), 1);
    const again = open(join(dir, 'edge.db'));
    expect(again.store.list(['running'])).toMatchObject([{ experimentId: 'a', stage: 'equilibrating' }]);
    expect(again.store.next()?.experimentId).toBe('b');
    expect(again.db.db.select().from(transitions).all()).toMatchObject([{ experimentId: 'a', fromState: 'flowing', toState: 'equilibrating', at: 5, detail: 'x' }]);
  });
});
