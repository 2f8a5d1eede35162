/** Birth certificate, last will, sessions, telemetry and clean stop, against a real aedes broker. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEdgeDb, type EdgeDb } from '../../src/store/index';
import type { Link } from '../../src/link/index';
import { startBroker, type TestBroker } from './broker';
import { CLIENT_ID, birthState, connectObserver, makeLink, sleep, waitFor, type Observer } from './fixtures';

describe('Link birth, will and sessions', () => {
  let broker: TestBroker;
  let db: EdgeDb;
  let link: Link | undefined;
  let observers: Observer[];
  beforeEach(async () => {
    broker = await startBroker();
    db = openEdgeDb(':memory:');
    observers = [];
  });
  afterEach(async () => {
    await link?.stop();
    link = undefined;
    for (const o of observers) await o.close();
    await broker.close();
    db.close();
  });
  const observe = async (id?: string) => {
    const o = await connectObserver(broker.url, id);
    observers.push(o);
    return o;
  };

  it('publishes a retained online birth with the session and subscribes to its cmd topic', async () => {
    link = makeLink(broker.url, db);
    const online = new Promise<number>((resolve) => link!.once('online', resolve));
    await link.start();
    expect(await online).toBe(1);
    expect(link.isOnline).toBe(true);

    // A client that connects later still gets the birth: it is retained (MQTT 3.1.1 section 3.3.1.3).
    const late = await observe('late');
    await waitFor(() => late.of('state').length > 0, 5000, 'retained birth');
    const birth = late.of('state')[0]!;
    expect(birth.retain).toBe(true);
    expect(birth.json).toMatchObject({
      v: 1,
      session: 1,
      body: { status: 'online', agentVersion: '0.1.0-test', stage: 'safe', safe: true },
    });
    expect(typeof birth.json.id).toBe('string');
  });

  it('an abrupt disconnect makes the broker publish the retained offline will of that session', async () => {
    const cloud = await observe();
    link = makeLink(broker.url, db, { reconnectPeriodMs: 300 });
    await link.start();
    await waitFor(() => link!.isOnline, 5000, 'online');
    await waitFor(() => cloud.of('state').length === 1);

    const offline = new Promise<void>((resolve) => link!.once('offline', resolve));
    broker.dropClient(CLIENT_ID);
    await offline;
    await waitFor(() => cloud.of('state').some((s) => s.json.body.status === 'offline'), 5000, 'will');
    const will = cloud.of('state').find((s) => s.json.body.status === 'offline')!;
    expect(will.json).toMatchObject({ session: 1, body: { status: 'offline', reason: 'will' } });

    // It reconnects with a new session; the new birth replaces the retained will.
    await waitFor(() => cloud.of('state').some((s) => s.json.body.status === 'online' && s.json.session === 2), 5000, 'rebirth');
    expect(link.session).toBe(2);
    const late = await observe('late');
    await waitFor(() => late.of('state').length > 0);
    expect(late.of('state')[0]!.json).toMatchObject({ session: 2, body: { status: 'online' } });
  });

  it('increments the persisted session on every reconnect and on every restart', async () => {
    const cloud = await observe();
    link = makeLink(broker.url, db);
    await link.start();
    const onlineSessions = () => cloud.of('state').filter((s) => s.json.body.status === 'online').map((s) => s.json.session);
    for (const expected of [1, 2, 3]) {
      await waitFor(() => link!.isOnline && link!.session === expected, 5000, `session ${expected}`);
      // Let the birth reach the broker first: a birth cut off with its connection is not re-sent
      // (the next connection sends its own).
      await waitFor(() => onlineSessions().includes(expected), 5000, `birth ${expected}`);
      if (expected < 3) {
        broker.dropClient(CLIENT_ID);
        await waitFor(() => !link!.isOnline || link!.session > expected);
      }
    }
    await link.stop();
    link = makeLink(broker.url, db);
    await link.start();
    await waitFor(() => link!.isOnline, 5000, 'online after restart');
    expect(link.session).toBe(4);
    await waitFor(() => onlineSessions().length === 4, 5000, 'four births');
    expect(onlineSessions()).toEqual([1, 2, 3, 4]);
  });

  it('a failed connect attempt does not burn a session', async () => {
    await broker.stop();
    link = makeLink(broker.url, db, { reconnectPeriodMs: 50 });
    await link.start();
    await sleep(400); // several refused attempts
    await broker.restart();
    await waitFor(() => link!.isOnline, 5000, 'online');
    expect(link.session).toBe(1);
  });

  it('updateState republishes the retained birth with the provider state', async () => {
    let stage: 'safe' | 'idle' = 'safe';
    const cloud = await observe();
    link = makeLink(broker.url, db, { stateProvider: () => birthState({ stage, safe: stage === 'safe' }) });
    expect(() => link!.updateState()).not.toThrow(); // before start: offline, nothing to do
    await link.start();
    await waitFor(() => cloud.of('state').length === 1);
    stage = 'idle';
    expect(link.updateState()).toBe(true);
    await waitFor(() => cloud.of('state').length === 2);
    expect(cloud.of('state')[1]!.json.body).toMatchObject({ status: 'online', stage: 'idle', safe: false });
  });

  it('telemetry goes out QoS 0 while online and is dropped (never queued) while offline', async () => {
    const cloud = await observe();
    link = makeLink(broker.url, db, { reconnectPeriodMs: 60_000 });
    await link.start();
    await waitFor(() => link!.isOnline);
    const telemetry = {
      temperatures: { pvC: 25, spC: null },
      heaterOutput: 0,
      pumps: {},
      stage: 'idle',
      safe: false,
      loopJitter: { p50Ms: 0.1, p99Ms: 0.5, maxMs: 1 },
      syringeContentsUl: {},
    } as const;
    expect(link.publishTelemetry(telemetry)).toBe(true);
    await waitFor(() => cloud.of('telemetry').length === 1, 5000, 'telemetry');

    broker.dropClient(CLIENT_ID);
    await waitFor(() => !link!.isOnline);
    expect(link.publishTelemetry(telemetry)).toBe(false);
    expect(link.pendingCount).toBe(0);
  });

  it('stop publishes a retained offline state (shutdown) and disconnects cleanly: no will', async () => {
    const cloud = await observe();
    link = makeLink(broker.url, db);
    await link.start();
    await waitFor(() => link!.isOnline);
    await link.stop();
    link = undefined;
    await waitFor(() => cloud.of('state').length === 2, 5000, 'offline state');
    await sleep(200);
    const states = cloud.of('state').map((s) => s.json.body);
    expect(states).toEqual([expect.objectContaining({ status: 'online' }), { status: 'offline', reason: 'shutdown' }]);
  });
});
