import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, campaigns, experiments, platforms } from '../../src/db/schema';
import { addPlatform } from '../../src/engine/platforms';
import { until } from '../support/cloud';
import { onlineState, type ProtocolEdge } from '../support/protocol-edge';
import { startHarness, type Harness } from './api-harness';

let h: Harness;
let edge: ProtocolEdge;
beforeAll(async () => {
  h = await startHarness();
  edge = await h.edge('rig-a', { autoRun: false });
  // A pool member that was online once (its limits are known) but is offline now: pool campaigns queue.
  await addPlatform(h.cloud.db.db, 'rig-p', { actor: 'test', pool: 'elsewhere' });
  await h.cloud.db.db.update(platforms).set({ birth: onlineState(), status: 'offline' }).where(eq(platforms.id, 'rig-p'));
}, 60_000);
afterAll(() => h.stop());

const ids: Record<string, string> = {};

describe('campaign create', () => {
  it('refuses a viewer (403) and a body with problems (400 listing every one)', async () => {
    const body = { platform: 'rig-a', schedule: 'lhs 3', seed: 1 };
    const v = await h.call('POST', '/campaigns', 'vic', body);
    expect(v.status).toBe(403);
    const bad = await h.call('POST', '/campaigns', 'sci', { platform: 'rig-a', schedule: 'lhs x -> zz 3', space: { temperatureC: { min: 20, max: 190 } } });
    expect(bad.status).toBe(400);
    expect((bad.body.error.fields['space.temperatureC'] as string[]).join(' ')).toMatch(/outside rig-a's validated 25-180/);
    expect(bad.body.error.fields.schedule.length).toBeGreaterThanOrEqual(1);
    const shape = await h.call('POST', '/campaigns', 'sci', { schedule: 7, queueDepth: -1 });
    expect(shape.status).toBe(400);
    expect(Object.keys(shape.body.error.fields as object)).toEqual(expect.arrayContaining(['schedule', 'queueDepth']));
    expect((await h.call('POST', '/campaigns', 'sci', { schedule: 'lhs 2' })).body.error.fields.platform).toEqual(['give exactly one of platform or pool']);
    expect((await h.call('POST', '/campaigns', 'sci', { platform: 'ghost', schedule: 'lhs 2' })).body.error.fields.platform[0]).toMatch(/no platform 'ghost'/);
    // An impossible space (min above max; fractions leaving no solvent) names its field; no 500.
    const space = await h.call('POST', '/campaigns', 'sci', { platform: 'rig-a', schedule: 'lhs x', space: { temperatureC: { min: 160, max: 150 }, cuIStream: { cuI: { min: 0.1, max: 0.9 } } } });
    expect(space.status).toBe(400);
    expect(space.body.error.fields['space.temperatureC']).toEqual(['min must be below max']);
    expect((space.body.error.fields['space.cuIStream'] as string[]).join(' ')).toMatch(/must leave at least 0.05 for ODE/);
    expect(space.body.error.fields.schedule.length).toBeGreaterThanOrEqual(1);
    expect(await h.cloud.db.db.$count(campaigns)).toBe(0);
  });

  it('creates campaigns owned by the caller; the first runs, the others queue', async () => {
    const a = await h.call('POST', '/campaigns', 'sci', { name: 'A', platform: 'rig-a', schedule: 'lhs 3', seed: 1, queueDepth: 1, owner: 'someone-else' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'A', owner: 'sci', status: 'queued', planned: 3, schedule: [{ policy: 'lhs', count: 3 }] });
    ids.a = a.body.id as string;
    ids.b = (await h.call('POST', '/campaigns', 'sci', { name: 'B', platform: 'rig-a', schedule: 'lhs 2', seed: 2 })).body.id as string;
    ids.c = (await h.call('POST', '/campaigns', 'sam', { name: 'C', platform: 'rig-a', schedule: [{ policy: 'lhs', count: 2 }], seed: 3 })).body.id as string;
    const byAdmin = await h.call('POST', '/campaigns', 'ada', { name: 'D', pool: 'elsewhere', schedule: 'lhs 2', owner: 'sam' });
    expect(byAdmin.body.owner).toBe('sam');
    ids.d = byAdmin.body.id as string;
    await until(async () => (await h.call('GET', `/campaigns/${ids.a}`, 'vic')).body.campaign.status === 'running', 10_000, 'A running');
  });
});

describe('campaign list and get', () => {
  it('filters by status, platform and owner, and pages', async () => {
    const q = async (query: string) => ((await h.call('GET', `/campaigns?${query}`, 'vic')).body.campaigns as { name: string }[]).map((c) => c.name).sort();
    expect(await q('status=queued')).toEqual(['B', 'C', 'D']);
    expect(await q('status=running')).toEqual(['A']);
    expect(await q('owner=sam')).toEqual(['C', 'D']);
    expect(await q('platform=rig-a')).toEqual(['A', 'B', 'C']);
    expect(await q('platform=rig-a&owner=sci&status=queued')).toEqual(['B']);
    expect((await q('limit=2')).length).toBe(2);
    expect((await h.call('GET', '/campaigns?status=bogus', 'vic')).status).toBe(400);
  });

  it('gets a campaign with progress: stage, done of planned, what is running', async () => {
    await until(() => edge.held.size >= 1, 10_000, 'an experiment accepted');
    const r = await h.call('GET', `/campaigns/${ids.a}`, 'vic');
    expect(r.status).toBe(200);
    expect(r.body.progress).toMatchObject({ stage: { index: 0, policy: 'lhs', count: 3 }, done: 0, planned: 3, best: null, platformOnline: true, pendingApprovals: 0 });
    await edge.complete([...edge.held.keys()].slice(0, 1));
    const p = await until(async () => {
      const g = await h.call('GET', `/campaigns/${ids.a}`, 'vic');
      const progress = g.body.progress as { best: { value: number; condition: object } | null };
      return progress.best ?? undefined;
    }, 10_000, 'one done');
    expect(p.value).toBeGreaterThan(0);
    expect(p.condition).toHaveProperty('temperatureC');
    expect((await h.call('GET', '/campaigns/c-none', 'vic')).status).toBe(404);
  });
});

describe('campaign steering', () => {
  it('pause and resume: only the owner or an admin; a viewer 403; wrong state 409', async () => {
    expect((await h.call('POST', `/campaigns/${ids.a}/pause`, 'sam', { reason: 'mine now' })).status).toBe(403);
    expect((await h.call('POST', `/campaigns/${ids.a}/pause`, 'vic', { reason: 'x' })).status).toBe(403);
    expect((await h.call('POST', `/campaigns/${ids.a}/pause`, 'sci', {})).status).toBe(400);
    const p = await h.call('POST', `/campaigns/${ids.a}/pause`, 'sci', { reason: 'reagent check' });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ status: 'paused', statusReason: 'reagent check' });
    expect((await h.call('POST', `/campaigns/${ids.a}/pause`, 'sci', { reason: 'again' })).status).toBe(409);
    expect((await h.call('POST', `/campaigns/${ids.a}/resume`, 'ada', { reason: 'checked' })).body.status).toBe('running');
    const audit = (await h.cloud.db.db.select().from(auditLog).where(eq(auditLog.target, ids.a!))).map((a) => `${a.actor} ${a.action} ${a.reason}`);
    expect(audit).toEqual(expect.arrayContaining(['sci campaign.pause reagent check', 'ada campaign.resume checked']));
  });

  it('continue-on-failure settings: owner or admin', async () => {
    expect((await h.call('PATCH', `/campaigns/${ids.a}`, 'sam', { reason: 'x', maxConsecutiveFailures: 9 })).status).toBe(403);
    expect((await h.call('PATCH', `/campaigns/${ids.a}`, 'sci', { reason: 'x', maxConsecutiveFailures: 0 })).status).toBe(400);
    const r = await h.call('PATCH', `/campaigns/${ids.a}`, 'sci', { reason: 'flaky pump, keep going', maxConsecutiveFailures: 5 });
    expect(r.status).toBe(200);
    expect(r.body.maxConsecutiveFailures).toBe(5);
  });

  it("reorders a platform's queued campaigns: every queued one exactly once; others' only by an admin", async () => {
    expect((await h.call('PUT', '/platforms/rig-a/campaign-order', 'sci', { reason: 'C first', order: [ids.c, ids.b] })).status).toBe(403);
    const missing = await h.call('PUT', '/platforms/rig-a/campaign-order', 'ada', { reason: 'C first', order: [ids.c] });
    expect(missing.status).toBe(409);
    expect((missing.body.error.fields.order as string[]).join(' ')).toMatch(new RegExp(`'${ids.b}' is missing`));
    expect((await h.call('PUT', '/platforms/rig-a/campaign-order', 'ada', { reason: 'x', order: [ids.c, ids.c, ids.b] })).status).toBe(409);
    expect((await h.call('PUT', '/platforms/ghost/campaign-order', 'ada', { reason: 'x', order: [] })).status).toBe(404);
    const r = await h.call('PUT', '/platforms/rig-a/campaign-order', 'ada', { reason: 'C is urgent', order: [ids.c, ids.b] });
    expect(r.status).toBe(200);
    expect((r.body.campaigns as { name: string }[]).map((c) => c.name)).toEqual(['C', 'B']);
  });

  it('cancel: another scientist 403; the owner cancels, queued work is withdrawn, the running one aborted; the next queued starts', async () => {
    expect((await h.call('POST', `/campaigns/${ids.a}/cancel`, 'sam', { reason: 'not yours', running: 'abort' })).status).toBe(403);
    const held = await until(() => (edge.held.size >= 1 ? [...edge.held.keys()] : undefined), 10_000, 'held experiment');
    // The edge says the first held experiment started.
    await edge.publishRaw('event', edge.encode('event', { type: 'stage', from: 'idle', to: 'heating', experimentId: held[0]! }).payload);
    await until(async () => (await h.cloud.db.db.select().from(experiments).where(and(eq(experiments.id, held[0]!), eq(experiments.status, 'running')))).length === 1, 10_000, 'running');
    const before = edge.commands.length;
    const r = await h.call('POST', `/campaigns/${ids.a}/cancel`, 'sci', { reason: 'wrong precursor batch', running: 'abort' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
    const cancelled = await until(() => {
      const cs = edge.commands.slice(before).filter((c) => c.body.type === 'cancel');
      return cs.some((c) => c.body.type === 'cancel' && c.body.scope === 'experiment' && c.body.experimentId === held[0]) ? cs : undefined;
    }, 10_000, 'cancel of the running experiment');
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    expect((await h.call('POST', `/campaigns/${ids.a}/cancel`, 'sci', { reason: 'again' })).status).toBe(409);
    // C was moved ahead of B.
    await until(async () => (await h.call('GET', `/campaigns/${ids.c}`, 'vic')).body.campaign.status === 'running', 10_000, 'C starts next');
    expect((await h.call('GET', `/campaigns/${ids.b}`, 'vic')).body.campaign.status).toBe('queued');
    const admin = await h.call('POST', `/campaigns/${ids.d}/cancel`, 'ada', { reason: 'pool gone' });
    expect(admin.body.status).toBe('cancelled');
  });
});
