import { asc, gt, max } from 'drizzle-orm';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../src/api/app';
import { addUser, createToken } from '../../src/api/identity';
import { eventRoutes } from '../../src/api/routes/events';
import type { RunningCloud } from '../../src/cloud';
import { events } from '../../src/db/schema';
import { addPlatform } from '../../src/engine/platforms';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';

let cloud: RunningCloud;
let token: string;
const edges: ProtocolEdge[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  await addUser(cloud.db.db, 'vic', 'viewer', 'test');
  token = (await createToken(cloud.db.db, 'vic', { actor: 'test' })).token;
}, 60_000);
afterAll(async () => {
  for (const e of edges) await e.stop().catch(() => undefined);
  await cloud.stop();
});

type Received = { id: number; event: string; data: { id: number; type: string; platformId: string | null; experimentId: string | null; body: Record<string, unknown> } };

/** A minimal SSE client over fetch: collects events until `stop` says so or the stream is aborted. */
function listen(path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const received: Received[] = [];
  const comments: string[] = [];
  const done = (async () => {
    const r = await fetch(`${cloud.api!.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
          if (block.startsWith(':')) comments.push(block);
          if (fields.id) received.push({ id: Number(fields.id), event: fields.event!, data: JSON.parse(fields.data!) as Received['data'] });
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return { received, comments, close: () => (controller.abort(), done.catch(() => undefined)), done };
}

const allAfter = async (id: number) => (await cloud.db.db.select({ id: events.id, type: events.type }).from(events).where(gt(events.id, id)).orderBy(asc(events.id)));
const newestId = async () => (await cloud.db.db.select({ m: max(events.id) }).from(events))[0]!.m ?? 0;

describe('GET /events (SSE over real HTTP)', () => {
  it('refuses a missing token (401) and a malformed Last-Event-ID (400)', async () => {
    expect((await fetch(`${cloud.api!.url}/events`)).status).toBe(401);
    const r = await fetch(`${cloud.api!.url}/events`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': 'abc' } });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: { fields: { 'Last-Event-ID': [expect.stringMatching(/integer/)] } } });
  });

  it('streams fleet and campaign changes; a client reconnecting with Last-Event-ID gets exactly what it missed', async () => {
    const first = listen('/events');
    const creds = await addPlatform(cloud.db.db, 'rig-1', { actor: 'test' });
    const edge = new ProtocolEdge({ platformId: 'rig-1', url: cloud.mqttUrl, password: creds.password, runMs: 30 });
    edges.push(edge);
    await edge.start();
    const online = await until(() => first.received.find((e) => e.event === 'platformOnline'), 10_000, 'platformOnline event');
    expect(online.data.platformId).toBe('rig-1');
    const c = await cloud.engine.createCampaign({ platform: 'rig-1', schedule: 'lhs 4 -> ei 2', seed: 5 }, 'test');
    // Drop the first client part way through the campaign.
    await until(() => first.received.some((e) => e.event === 'result'), 60_000, 'a result event');
    await first.close();
    const lastSeen = first.received.at(-1)!.id;
    expect(first.received.map((e) => e.id)).toEqual((await allAfter(online.id - 1)).filter((e) => e.id <= lastSeen).map((e) => e.id));
    await campaignStatus(cloud, c.id, 'done', 120_000);

    // Reconnect: everything after the last id seen, once each, in order.
    const second = listen('/events', { 'last-event-id': String(lastSeen) });
    const target = await newestId();
    await until(() => second.received.at(-1)?.id === target, 10_000, 'catch-up');
    const missed = await allAfter(lastSeen);
    expect(second.received.map((e) => e.id).slice(0, missed.length)).toEqual(missed.map((e) => e.id));
    const types = new Set([...first.received, ...second.received].map((e) => e.event));
    for (const t of ['platformOnline', 'experimentStatus', 'result', 'modelVersion', 'campaignStage', 'campaignDone']) expect(types, t).toContain(t);
    const statuses = new Set([...first.received, ...second.received].filter((e) => e.event === 'experimentStatus').map((e) => e.data.body.status));
    for (const s of ['queued', 'dispatched', 'accepted', 'done']) expect(statuses, s).toContain(s);

    // Live: the platform drops off the network; the broker's will reaches the stream within seconds.
    const dropped = Date.now();
    edge.client.stream.destroy();
    const offline = await until(() => second.received.find((e) => e.event === 'platformOffline'), 10_000, 'platformOffline event');
    console.log(`platformOffline reached the SSE client ${Date.now() - dropped} ms after the connection dropped`);
    expect(offline.data.platformId).toBe('rig-1');
    await second.close();
  }, 180_000);

  it('sends heartbeat comments while nothing happens, and filters by type', async () => {
    const app = new OpenAPIHono<ApiEnv>();
    app.use('*', async (c, next) => {
      c.set('principal', { userId: 'u', name: 'vic', role: 'viewer', tokenId: 't' });
      await next();
    });
    app.route('/', eventRoutes({ db: cloud.db.db, engine: cloud.engine, log: cloud.log, brokerUp: () => true }, { heartbeatMs: 100, pollMs: 50 }));
    const controller = new AbortController();
    const r = await app.request('/events?after=0&types=platformOnline', { signal: controller.signal });
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += (await reader.read()).value ?? '';
    controller.abort();
    await reader.cancel();
    const ids = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set(['platformOnline']));
  });
});
