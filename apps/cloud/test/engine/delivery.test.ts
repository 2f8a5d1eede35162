import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { campaigns, events, experiments, results } from '../../src/db/schema';
import { addPlatform } from '../../src/engine/platforms';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { ProtocolEdge, type ProtocolEdgeOptions } from '../support/protocol-edge';

let cloud: RunningCloud | undefined;
const edges: ProtocolEdge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop();
  await cloud?.stop();
  cloud = undefined;
});

async function platform(id: string, options: Partial<ProtocolEdgeOptions> = {}): Promise<ProtocolEdge> {
  const creds = await addPlatform(cloud!.db.db, id, { actor: 'test' });
  const edge = new ProtocolEdge({ platformId: id, url: cloud!.mqttUrl, password: creds.password, runMs: 10, ...options });
  edges.push(edge);
  await edge.start();
  await until(async () => (await cloud!.db.db.query.platforms.findFirst({ where: (p, { eq }) => eq(p.id, id) }))?.status === 'online', 10_000, `${id} online`);
  return edge;
}

const rowsOf = (id: string) => cloud!.db.db.select().from(experiments).where(eq(experiments.campaignId, id)).orderBy(asc(experiments.seq));

describe('delivery faults', () => {
  it('stores a result delivered three times once, and receipts every copy', async () => {
    cloud = await startTestCloud();
    const edge = await platform('rig-d', { resultCopies: 3 });
    const c = await cloud.engine.createCampaign({ platform: 'rig-d', schedule: 'lhs 4', seed: 3 }, 'test');
    await campaignStatus(cloud, c.id, 'done');
    expect(await cloud.db.db.select().from(results)).toHaveLength(4);
    expect((await rowsOf(c.id)).map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    await until(() => edge.unreceipted.size === 0, 5000, 'receipts');
  });

  it('tells results that arrive out of order in arrival order, and finishes', async () => {
    cloud = await startTestCloud();
    const edge = await platform('rig-o', { autoRun: false });
    const c = await cloud.engine.createCampaign({ platform: 'rig-o', schedule: 'lhs 3 -> random 2', seed: 5, queueDepth: 2 }, 'test');
    await until(() => edge.held.size === 3, 10_000, 'three experiments accepted');
    const first = [...edge.held.keys()];
    await edge.complete([...first].reverse());
    await until(() => edge.held.size === 2, 10_000, 'two more dispatched');
    await edge.complete([...edge.held.keys()]);
    await campaignStatus(cloud, c.id, 'done');
    const rows = await rowsOf(c.id);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.status === 'done' && r.toldAt !== null)).toBe(true);
    const [state] = await cloud.db.db.query.studyStates.findMany({ where: (s, { eq }) => eq(s.campaignId, c.id), orderBy: (s, { desc }) => desc(s.version), limit: 1 });
    const told = (state!.state as { observations: { id: string }[] }).observations.map((o) => o.id);
    // Told as they arrived (exp-3 first): the order is stored, so a restart repeats it.
    expect(told.slice(0, 3)).toEqual(rows.slice(0, 3).map((r) => r.suggestionId).reverse());
  });

  it('re-sends a dispatch lost on the wire with the same command id; the experiment runs once', async () => {
    cloud = await startTestCloud({ ackTimeoutMs: 300 });
    let dropped = 0;
    const edge = await platform('rig-l', {
      // Lose the first copy of the first enqueue: no ack, nothing run.
      dropCommand: (cmd, seen) => cmd.body.type === 'enqueue' && !seen && dropped++ === 0,
    });
    const c = await cloud.engine.createCampaign({ platform: 'rig-l', schedule: 'lhs 3', seed: 9 }, 'test');
    await campaignStatus(cloud, c.id, 'done');
    const enqueues = edge.commands.filter((m) => m.body.type === 'enqueue');
    const ids = enqueues.map((m) => m.id);
    const repeated = ids.filter((id, k) => ids.indexOf(id) !== k);
    expect(repeated.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ids).size).toBe(3);
    expect(edge.results).toHaveLength(3);
    expect(await cloud.db.db.select().from(results)).toHaveLength(3);
  });
});

describe('platform offline', () => {
  it('keeps what the platform accepted while it is offline and continues with the results it forwards later', async () => {
    cloud = await startTestCloud();
    const edge = await platform('rig-w', { autoRun: false });
    const c = await cloud.engine.createCampaign({ platform: 'rig-w', schedule: 'lhs 5', seed: 8, queueDepth: 2 }, 'test');
    await until(() => edge.held.size === 3, 10_000, 'three accepted');
    // The connection dies without a DISCONNECT: the broker publishes the platform's will.
    edge.client.end(true);
    const status = async () => (await cloud!.db.db.query.platforms.findFirst({ where: (p, { eq }) => eq(p.id, 'rig-w') }))?.status;
    await until(async () => (await status()) === 'offline', 10_000, 'offline from the will');
    await edge.complete([...edge.held.keys()]); // runs on; the results wait in its outbox
    await new Promise((r) => setTimeout(r, 500));
    expect((await rowsOf(c.id)).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    edge.client.reconnect();
    await until(async () => (await status()) === 'online', 10_000, 'back online');
    await until(() => edge.held.size === 2, 20_000, 'the rest dispatched after the forwarded results');
    await edge.complete([...edge.held.keys()]);
    await campaignStatus(cloud, c.id, 'done');
    expect((await rowsOf(c.id)).map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });
});

describe('failures', () => {
  it('tells failed experiments as failures and continues; N in a row pause the campaign', async () => {
    cloud = await startTestCloud();
    let n = 0;
    // The 2nd experiment fails, then everything from the 5th on.
    await platform('rig-f', { measure: () => (++n === 2 || n >= 5 ? null : 100 * n) });
    const c = await cloud.engine.createCampaign({ platform: 'rig-f', schedule: 'lhs 10', seed: 2, maxConsecutiveFailures: 3, queueDepth: 0 }, 'test');
    const paused = await campaignStatus(cloud, c.id, 'paused');
    expect(paused.statusReason).toMatch(/3 failed experiments in a row/);
    const rows = await rowsOf(c.id);
    expect(rows.slice(0, 7).map((r) => r.status)).toEqual(['done', 'failed', 'done', 'done', 'failed', 'failed', 'failed']);
    // A paused campaign asks for nothing more.
    expect(rows).toHaveLength(7);
    const [state] = await cloud.db.db.query.studyStates.findMany({ where: (s, { eq }) => eq(s.campaignId, c.id), orderBy: (s, { desc }) => desc(s.version), limit: 1 });
    const obs = (state!.state as { observations: { failed?: unknown }[] }).observations;
    expect(obs.filter((o) => o.failed)).toHaveLength(4);
    expect((await cloud.db.db.select().from(events).where(eq(events.type, 'campaignPaused'))).length).toBe(1);
    // Resume clears the failure count; the next proposal goes out.
    await cloud.engine.steer(c.id, 'resume', 'test', 'line cleaned');
    await until(async () => (await rowsOf(c.id)).length === 8, 10_000, 'a new proposal after resume');
  });
});

describe('bad input', () => {
  it('rejects malformed payloads, unknown experiments and results for another platform: nothing stored', async () => {
    cloud = await startTestCloud();
    const rejected: string[] = [];
    cloud.engine.on('rejected', (_topic, reason) => rejected.push(reason));
    const a = await platform('rig-a', { autoRun: false });
    const b = await platform('rig-b');
    const c = await cloud.engine.createCampaign({ platform: 'rig-a', schedule: 'lhs 2', seed: 1 }, 'test');
    await until(() => a.held.size === 2, 10_000, 'dispatch');
    const [target] = [...a.held.keys()];
    await a.publishRaw('result', '{not json');
    await a.publishRaw('result', Buffer.from([0xff, 0xfe, 0x00]));
    await a.publishRaw('result', JSON.stringify({ v: 1, id: crypto.randomUUID(), ts: new Date().toISOString(), seq: 1, session: 1, body: { status: 'done' } }));
    const cond = a.held.get(target!)!.condition;
    const done = (experimentId: string) => ({
      experimentId,
      attempt: 1,
      condition: cond,
      status: 'done' as const,
      flowPlan: { ratesUlMin: {}, residenceTimeS: 1, reactionTimeS: 1, equilibrationS: 1 },
      features: { abs300: 1, plPeakNm: 450, plIntensity: 5, plArea: 5, fwhmNm: 40, sidePeak380: 0, sidePeak600: 0, flags: [] },
      spectra: { absorbance: { wavelengthNm: [], values: [] }, pl: { wavelengthNm: [], values: [] } },
      timings: { startedAt: new Date().toISOString(), steadyAt: new Date().toISOString(), acquiredAt: new Date().toISOString(), finishedAt: new Date().toISOString(), durations: { heatingS: 0, equilibrationS: 0, acquisitionS: 0, totalS: 0 } },
      warnings: [],
    });
    await a.publishRaw('result', a.encode('result', done('no-such-experiment')).payload);
    // Platform B names A's experiment on its own topic (the broker ACL stops it on A's).
    await b.publishRaw('result', b.encode('result', done(target!)).payload);
    await until(() => rejected.length >= 5, 5000, 'five rejections');
    await cloud.engine.idle();
    expect(await cloud.db.db.select().from(results)).toHaveLength(0);
    expect(rejected.filter((r) => r.startsWith('MALFORMED_JSON'))).toHaveLength(2);
    expect(rejected.filter((r) => r.startsWith('INVALID_PAYLOAD'))).toHaveLength(1);
    // The real results still go through afterwards.
    await a.complete([...a.held.keys()]);
    await campaignStatus(cloud, c.id, 'done');
    expect(await cloud.db.db.select().from(results)).toHaveLength(2);
    expect((await cloud.db.db.select().from(campaigns))[0]!.status).toBe('done');
  });
});
