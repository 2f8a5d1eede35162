/**
 * End-to-end receipts over a real aedes broker and the real SQLite outbox: a result leaves the
 * edge only when the cloud names it, so a broker that forgets everything, or a cloud that was not
 * subscribed, loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '@sdfl/protocol';
import type { Link } from '../../src/link/index';
import { openEdgeDb, type EdgeDb } from '../../src/store/index';
import { startBroker, type TestBroker } from './broker';
import { connectObserver, makeLink, PLATFORM, resultBody, sleep, waitFor, type Observer } from './fixtures';

describe('Link receipts', () => {
  let broker: TestBroker;
  let dir: string;
  let dbs: EdgeDb[];
  let links: Link[];
  let clouds: Observer[];
  beforeEach(async () => {
    broker = await startBroker();
    dir = mkdtempSync(join(tmpdir(), 'sdfl-receipts-'));
    dbs = [];
    links = [];
    clouds = [];
  });
  afterEach(async () => {
    for (const l of links) await l.stop();
    for (const c of clouds) await c.close();
    await broker.close();
    for (const d of dbs) d.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (path = join(dir, 'edge.db')) => {
    const d = openEdgeDb(path);
    dbs.push(d);
    return d;
  };
  // A long receipt timeout unless a test says otherwise: re-sends must come from the rule under test.
  const link = (db: EdgeDb, overrides = {}) => {
    const l = makeLink(broker.url, db, { receiptTimeoutMs: 60_000, ...overrides });
    links.push(l);
    return l;
  };
  const cloud = async (receipts: boolean, clientId = `cloud-${clouds.length}`) => {
    const c = await connectObserver(broker.url, clientId, { receipts });
    clouds.push(c);
    return c;
  };
  const resultIds = (c: Observer) => c.of('result').map((s) => s.json.id);

  it('a broker restarted without persistence while no cloud is subscribed loses no result', async () => {
    const l = link(open());
    await l.start();
    await waitFor(() => l.isOnline);
    // No subscriber: the broker PUBACKs and drops these.
    const early = [0, 1, 2, 3, 4].map((i) => l.publishResult(resultBody(i)).id);
    await l.whenDrained();
    expect(l.pendingCount).toBe(0);
    expect(l.awaitingReceiptCount).toBe(5);

    await broker.restartWithoutPersistence();
    await waitFor(() => !l.isOnline || l.session > 1, 5000, 'the outage seen');
    const late = [5, 6, 7].map((i) => l.publishResult(resultBody(i)).id);
    await waitFor(() => l.isOnline && l.session > 1, 5000, 'reconnected');
    await l.whenDrained(); // re-sent on reconnect, and dropped again: still nobody subscribed
    expect(l.awaitingReceiptCount).toBe(8);

    // The cloud (re)joins with a fresh session and asks for everything still unreceipted.
    const c = await cloud(true);
    await sleep(200);
    expect(resultIds(c)).toEqual([]); // nothing retained or queued for it
    await c.receipt([], true);
    await waitFor(() => new Set(resultIds(c)).size === 8, 5000, 'all 8 results');
    expect(new Set(resultIds(c))).toEqual(new Set([...early, ...late]));
    // First arrival keeps seq order.
    expect([...new Set(resultIds(c))]).toEqual([...early, ...late]);
    await l.whenEmpty();
    expect(l.outboxCount).toBe(0);
  });

  it('a receipt for unknown ids, or an invalid one, changes nothing and is never acked or stored', async () => {
    const db = open();
    const l = link(db);
    const c = await cloud(false);
    await l.start();
    await waitFor(() => l.isOnline);
    const ids = [0, 1].map((i) => l.publishResult(resultBody(i)).id);
    await l.whenDrained();
    await waitFor(() => resultIds(c).length === 2);

    await c.receipt([randomUUID(), randomUUID()]);
    const receiptTopic = topics(PLATFORM).receipt;
    await c.client.publishAsync(receiptTopic, 'not json', { qos: 1 });
    await c.client.publishAsync(receiptTopic, JSON.stringify({ v: 1, id: randomUUID(), ts: new Date().toISOString(), seq: 1, session: 1, body: { ids: ['x'] } }), { qos: 1 });
    await sleep(300);
    expect(l.isOnline).toBe(true);
    expect(l.outboxCount).toBe(2);
    expect(c.of('ack')).toEqual([]);
    expect(db.sqlite.prepare('SELECT count(*) FROM commands').pluck().get()).toBe(0);
    expect(resultIds(c)).toEqual(ids); // and nothing was re-sent

    await c.receipt(ids);
    await l.whenEmpty();
    await c.receipt(ids); // applied twice: nothing changes
    await sleep(100);
    expect(l.outboxCount).toBe(0);
  });

  it('an edge restart (a new Link over the same database) re-publishes the unreceipted rows', async () => {
    const path = join(dir, 'restart.db');
    const c = await cloud(false);
    const db1 = open(path);
    const first = link(db1);
    await first.start();
    await waitFor(() => first.isOnline);
    const ids = [0, 1, 2].map((i) => first.publishResult(resultBody(i)).id);
    const eventId = first.publishEvent({ type: 'stage', from: 'idle', to: 'heating' }).id;
    await first.whenDrained();
    await waitFor(() => resultIds(c).length === 3);
    await c.receipt([ids[0]!]); // the cloud stored only the first before the edge restarted
    await waitFor(() => first.outboxCount === 3);
    await first.stop();
    links.splice(links.indexOf(first), 1);
    db1.close();

    const second = link(open(path));
    await second.start();
    await waitFor(() => resultIds(c).length === 5, 5000, 'the two unreceipted results again');
    expect(resultIds(c).slice(3)).toEqual(ids.slice(1));
    expect(c.of('event').map((s) => s.json.id)).toEqual([eventId, eventId]);
    await c.receipt([...ids.slice(1), eventId]);
    await second.whenEmpty();
  });

  it('re-publishes after receiptTimeoutMs without a receipt, then stops once receipted', async () => {
    const c = await cloud(false);
    const l = link(open(), { receiptTimeoutMs: 150, maxReceiptTimeoutMs: 150 });
    await l.start();
    await waitFor(() => l.isOnline);
    const id = l.publishResult(resultBody(0)).id;
    await waitFor(() => resultIds(c).length >= 3, 3000, 'two re-sends');
    expect(new Set(resultIds(c))).toEqual(new Set([id]));
    await c.receipt([id]);
    await l.whenEmpty();
    const seen = resultIds(c).length;
    await sleep(400);
    expect(resultIds(c).length).toBeLessThanOrEqual(seen + 1); // at most one already on the wire
  });
});
