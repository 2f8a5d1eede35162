/** Command inbox over a real aedes broker: validation, persistence before handling, idempotency. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSender, topics, type AckBody, type BodyInput } from '@sdfl/protocol';
import { CommandStore, openEdgeDb, type EdgeDb } from '../../src/store/index';
import { UNKNOWN_COMMAND_ID, type CommandMessage, type Link } from '../../src/link/index';
import { startBroker, type TestBroker } from './broker';
import { PLATFORM, connectObserver, makeLink, sleep, waitFor, type Observer } from './fixtures';

const CMD = topics(PLATFORM).cmd;

describe('Link commands', () => {
  let broker: TestBroker;
  let db: EdgeDb;
  let link: Link;
  let cloud: Observer;
  let handled: CommandMessage[];
  const cloudSender = createSender({ session: 1 });
  const acks = () => cloud.of('ack').map((s) => s.json.body as AckBody);
  const send = async (payload: string) => {
    await cloud.client.publishAsync(CMD, payload, { qos: 1 });
  };
  const command = (body: BodyInput<'cmd'>) => cloudSender.encode('cmd', body);

  beforeEach(async () => {
    broker = await startBroker();
    db = openEdgeDb(':memory:');
    cloud = await connectObserver(broker.url, 'cloud');
    handled = [];
    link = makeLink(broker.url, db);
    link.onCommand((cmd) => {
      handled.push(cmd);
      return { commandId: cmd.id, accepted: true };
    });
    await link.start();
    await waitFor(() => link.isOnline);
  });
  afterEach(async () => {
    await link.stop();
    await cloud.close();
    await broker.close();
    db.close();
  });

  it('a valid command reaches the handler once and is acked accepted', async () => {
    const { message, payload } = command({ type: 'ping' });
    await send(payload);
    await waitFor(() => acks().length === 1, 5000, 'ack');
    expect(acks()[0]).toEqual({ commandId: message.id, accepted: true });
    expect(handled.map((c) => c.body)).toEqual([{ type: 'ping' }]);
    const ackMessage = cloud.of('ack')[0]!.json;
    expect(ackMessage).toMatchObject({ v: 1, session: 1, seq: expect.any(Number) });
    expect(new CommandStore(db).get(message.id)).toMatchObject({ type: 'ping', payload, ack: JSON.stringify(acks()[0]) });
  });

  it('malformed JSON is rejected INVALID_COMMAND with the decode detail and the nil commandId', async () => {
    await send('{"not json');
    await waitFor(() => acks().length === 1, 5000, 'ack');
    expect(acks()[0]).toMatchObject({ commandId: UNKNOWN_COMMAND_ID, accepted: false, reason: 'INVALID_COMMAND' });
    expect(acks()[0]!.detail).toMatch(/^MALFORMED_JSON: /);
    expect(handled).toEqual([]);
  });

  it('an out-of-schema command is rejected with its own id and the failing path; the handler never sees it', async () => {
    const { payload } = command({ type: 'ping' });
    const bad = JSON.parse(payload) as Record<string, unknown>;
    const wrongType = { ...bad, body: { type: 'launchRocket' } };
    const outOfRange = { ...bad, id: crypto.randomUUID(), body: { type: 'refilled', pump: 'cuI', volumeUl: -5 } };
    await send(JSON.stringify(wrongType));
    await send(JSON.stringify(outOfRange));
    await waitFor(() => acks().length === 2, 5000, 'acks');
    expect(acks()[0]).toMatchObject({ commandId: bad.id, accepted: false, reason: 'INVALID_COMMAND' });
    expect(acks()[0]!.detail).toMatch(/^INVALID_PAYLOAD: .*body/);
    expect(acks()[1]).toMatchObject({ commandId: outOfRange.id, accepted: false, reason: 'INVALID_COMMAND' });
    expect(acks()[1]!.detail).toContain('volumeUl');
    expect(handled).toEqual([]);
    // Recorded, so that a redelivery gets the same rejection.
    expect(new CommandStore(db).get(bad.id as string)).toMatchObject({ type: null });
  });

  it('a newer protocol version is rejected UNSUPPORTED_VERSION', async () => {
    const { payload } = command({ type: 'ping' });
    await send(JSON.stringify({ ...(JSON.parse(payload) as object), v: 2 }));
    await waitFor(() => acks().length === 1);
    expect(acks()[0]).toMatchObject({ accepted: false, reason: 'UNSUPPORTED_VERSION' });
  });

  it('a duplicate command id gets the same stored ack and the handler runs once', async () => {
    const { message, payload } = command({ type: 'pause', reason: 'lunch' });
    await send(payload);
    await waitFor(() => acks().length === 1);
    await send(payload);
    await send(payload);
    await waitFor(() => acks().length === 3, 5000, 'three acks');
    expect(handled).toHaveLength(1);
    expect(acks()).toEqual([acks()[0], acks()[0], acks()[0]]);
    expect(acks()[0]).toEqual({ commandId: message.id, accepted: true });
    // Each re-send is a new ack message (new envelope id) with the same body.
    expect(new Set(cloud.of('ack').map((s) => s.json.id)).size).toBe(3);
  });

  it('a duplicate arriving while the handler still runs is not handled twice', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    link.onCommand(async (cmd) => {
      handled.push(cmd);
      await gate;
      return { commandId: cmd.id, accepted: true };
    });
    const { payload } = command({ type: 'resume' });
    await send(payload);
    await send(payload);
    await sleep(100);
    release();
    await waitFor(() => acks().length === 1);
    await sleep(100);
    expect(handled).toHaveLength(1);
    expect(acks()).toHaveLength(1);
  });

  it('persists the command before the handler runs, and the ack after it decides', async () => {
    const store = new CommandStore(db);
    let rowInHandler: unknown;
    link.onCommand((cmd) => {
      rowInHandler = store.get(cmd.id);
      return { commandId: cmd.id, accepted: false, reason: 'BUSY', detail: 'running' };
    });
    const { message, payload } = command({ type: 'cancel', scope: 'all' });
    await send(payload);
    await waitFor(() => acks().length === 1);
    expect(rowInHandler).toMatchObject({ id: message.id, type: 'cancel', payload, ack: null });
    expect(JSON.parse(store.get(message.id)!.ack!)).toEqual({ commandId: message.id, accepted: false, reason: 'BUSY', detail: 'running' });
  });

  it('a handler that throws yields INTERNAL; commands are handled one at a time in arrival order', async () => {
    const order: string[] = [];
    link.onCommand(async (cmd) => {
      order.push(`start ${cmd.body.type}`);
      await sleep(20);
      order.push(`end ${cmd.body.type}`);
      if (cmd.body.type === 'abort') throw new Error('boom');
      return { commandId: 'ignored-and-overwritten', accepted: true } as unknown as AckBody;
    });
    const a = command({ type: 'abort' });
    const b = command({ type: 'ping' });
    await send(a.payload);
    await send(b.payload);
    await waitFor(() => acks().length === 2);
    expect(order).toEqual(['start abort', 'end abort', 'start ping', 'end ping']);
    expect(acks()[0]).toEqual({ commandId: a.message.id, accepted: false, reason: 'INTERNAL', detail: 'boom' });
    expect(acks()[1]).toEqual({ commandId: b.message.id, accepted: true });
  });

  it('on start, a command left unacked by a crash is handled and acked', async () => {
    await link.stop();
    const { message, payload } = command({ type: 'refilled', pump: 'oAm', volumeUl: 5000 });
    new CommandStore(db).insert({ id: message.id, type: 'refilled', payload });
    link = makeLink(broker.url, db);
    link.onCommand((cmd) => {
      handled.push(cmd);
      return { commandId: cmd.id, accepted: true };
    });
    await link.start();
    await waitFor(() => acks().length === 1, 5000, 'recovered ack');
    expect(acks()[0]).toEqual({ commandId: message.id, accepted: true });
    expect(handled.map((c) => c.id)).toEqual([message.id]);
  });

  it('a command sent while the edge is away is queued by the broker (persistent session) and handled on return', async () => {
    await link.stop(); // clean DISCONNECT; the session (clean: false) and its subscription stay at the broker
    const { message, payload } = command({ type: 'ping' });
    await send(payload);
    link = makeLink(broker.url, db);
    link.onCommand((cmd) => {
      handled.push(cmd);
      return { commandId: cmd.id, accepted: true };
    });
    await link.start();
    await waitFor(() => acks().length === 1, 5000, 'ack after return');
    expect(acks()[0]).toEqual({ commandId: message.id, accepted: true });
  });
});
