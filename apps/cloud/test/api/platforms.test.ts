import { desc, eq } from 'drizzle-orm';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSender, topics } from '@sdfl/protocol';
import { auditLog, commands, platforms } from '../../src/db/schema';
import { until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';
import { startHarness, type Harness } from './api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h.stop());

const sender = createSender({ session: 7 });
const tryConnect = (url: string, id: string, password: string) =>
  mqtt.connectAsync(url, { protocolVersion: 4, clientId: `sdfl-edge-${id}`, username: id, password, reconnectPeriod: 0, connectTimeout: 3000 }).then(
    async (c) => (await c.endAsync(true), 'connected'),
    (e: Error) => `refused: ${e.message}`,
  );

describe('platform register', () => {
  it('registers a platform (admin only), returns its credentials once, and refuses a duplicate or a bad id', async () => {
    expect((await h.call('POST', '/platforms', 'sci', { id: 'rig-x' })).status).toBe(403);
    const r = await h.call('POST', '/platforms', 'ada', { id: 'rig-x', pool: 'north' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ platformId: 'rig-x', username: 'rig-x' });
    expect(typeof r.body.password).toBe('string');
    expect(await tryConnect(h.cloud.mqttUrl, 'rig-x', r.body.password as string)).toBe('connected');
    expect((await h.call('POST', '/platforms', 'ada', { id: 'rig-x' })).status).toBe(409);
    expect((await h.call('POST', '/platforms', 'ada', { id: 'has space' })).status).toBe(400);
    const got = await h.call('GET', '/platforms/rig-x', 'vic');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: 'rig-x', pool: 'north', revoked: false, queueDepth: 0, activeAlarms: [] });
    expect(JSON.stringify(got.body)).not.toContain(r.body.password as string);
    expect((await h.call('GET', '/platforms/nope', 'vic')).status).toBe(404);
  });

  it('shows live status: online, stage, plate temperature and setpoint, reagents, active alarms, limits', async () => {
    const edge = await h.edge('rig-live');
    const telemetry = sender.encode('telemetry', {
      temperatures: { pvC: 141.5, spC: 140 },
      heaterOutput: 0.4,
      pumps: {},
      stage: 'heating',
      safe: false,
      loopJitter: { p50Ms: 1, p99Ms: 2, maxMs: 3 },
      syringeContentsUl: { cuI: 800, csOleate: 12.5 },
    });
    await edge.client.publishAsync(topics('rig-live').telemetry, telemetry.payload, { qos: 0 });
    await edge.publishRaw('event', edge.encode('event', { type: 'alarm', code: 'SYRINGE_LOW_WARNING', severity: 'warning', message: 'csOleate below 20 uL' }).payload);
    const p = await until(async () => {
      const r = await h.call('GET', '/platforms/rig-live', 'vic');
      const body = r.body as { temperature: unknown; activeAlarms: { type: string }[]; lastSeenAt: string | null };
      return body.temperature && body.activeAlarms.length === 1 ? body : undefined;
    }, 10_000, 'telemetry and alarm');
    expect(p).toMatchObject({ status: 'online', temperature: { pvC: 141.5, spC: 140 }, reagentsUl: { cuI: 800, csOleate: 12.5 }, limits: { temperature: { minC: 25, maxC: 180 } } });
    expect(p.activeAlarms[0]).toMatchObject({ type: 'alarm', severity: 'warning', body: { code: 'SYRINGE_LOW_WARNING' } });
    expect(p.lastSeenAt).not.toBeNull();
    const all = await h.call('GET', '/platforms', 'vic');
    expect((all.body.platforms as { id: string }[]).map((x) => x.id)).toEqual(expect.arrayContaining(['rig-live', 'rig-x']));
  });
});

describe('platform credentials', () => {
  it('revokes: the connected platform is disconnected at once and refused; rotating issues a new password and lifts it', async () => {
    const edge = await h.edge('rig-r');
    const [{ secretHash: before } = { secretHash: null }] = await h.cloud.db.db.select({ secretHash: platforms.secretHash }).from(platforms).where(eq(platforms.id, 'rig-r'));
    expect((await h.call('POST', '/platforms/rig-r/revoke', 'sci', { reason: 'stolen laptop' })).status).toBe(403);
    const r = await h.call('POST', '/platforms/rig-r/revoke', 'ada', { reason: 'stolen laptop' });
    expect(r.status).toBe(200);
    expect(r.body.disconnected).toBe(1);
    await until(() => !edge.client.connected, 5000, 'edge disconnected');
    await until(async () => (await h.call('GET', '/platforms/rig-r', 'vic')).body.status === 'offline', 5000, 'offline');
    expect((await h.call('GET', '/platforms/rig-r', 'vic')).body.revoked).toBe(true);
    await new Promise((res) => setTimeout(res, 500)); // the edge keeps trying to reconnect
    expect(edge.client.connected).toBe(false);
    await edge.stop();
    const [audit] = await h.cloud.db.db.select().from(auditLog).where(eq(auditLog.action, 'platform.revoke'));
    expect(audit).toMatchObject({ actor: 'ada', target: 'rig-r', reason: 'stolen laptop' });

    const rotated = await h.call('POST', '/platforms/rig-r/credentials', 'ada', { reason: 'new laptop' });
    expect(rotated.status).toBe(200);
    const [{ secretHash: after } = { secretHash: null }] = await h.cloud.db.db.select({ secretHash: platforms.secretHash }).from(platforms).where(eq(platforms.id, 'rig-r'));
    expect(after).not.toBe(before);
    expect(await tryConnect(h.cloud.mqttUrl, 'rig-r', rotated.body.password as string)).toBe('connected');
    expect((await h.call('GET', '/platforms/rig-r', 'vic')).body.revoked).toBe(false);
    expect((await h.call('POST', '/platforms/nope/credentials', 'ada', { reason: 'x' })).status).toBe(404);
    expect((await h.call('POST', '/platforms/rig-r/credentials', 'ada', {})).status).toBe(400);
  });
});

describe('platform commands', () => {
  it('clears SAFE (admin or scientist, not viewer): operator and reason logged and sent; the ack is returned', async () => {
    const edge = await h.edge('rig-s');
    expect((await h.call('POST', '/platforms/rig-s/clear-safe', 'vic', { reason: 'checked' })).status).toBe(403);
    expect((await h.call('POST', '/platforms/rig-s/clear-safe', 'sci', {})).status).toBe(400);
    const r = await h.call('POST', '/platforms/rig-s/clear-safe', 'sci', { reason: 'leak fixed, tubing replaced', operator: 'Dr. Chen' });
    expect(r.status).toBe(202);
    expect(r.body.ack).toEqual({ accepted: true, reason: null, detail: null });
    const sent = edge.commands.find((c) => c.id === r.body.commandId);
    expect(sent?.body).toEqual({ type: 'clearSafe', operator: 'Dr. Chen', reason: 'leak fixed, tubing replaced' });
    const [audit] = await h.cloud.db.db.select().from(auditLog).where(eq(auditLog.action, 'platform.clearSafe')).orderBy(desc(auditLog.id));
    expect(audit).toMatchObject({ actor: 'sci', target: 'rig-s', reason: 'leak fixed, tubing replaced', detail: { operator: 'Dr. Chen' } });
    expect((await h.call('POST', '/platforms/nope/clear-safe', 'sci', { reason: 'x' })).status).toBe(404);
  });

  it('sends pause, resume and abort with the reason, audited', async () => {
    const edge = await h.edge('rig-c');
    for (const action of ['pause', 'resume', 'abort'] as const) {
      expect((await h.call('POST', `/platforms/rig-c/${action}`, 'vic', { reason: 'r' })).status).toBe(403);
      const r = await h.call('POST', `/platforms/rig-c/${action}`, 'ada', { reason: `${action} for maintenance` });
      expect(r.status).toBe(202);
      expect(r.body.ack?.accepted).toBe(true);
      expect(edge.commands.find((c) => c.id === r.body.commandId)?.body.type).toBe(action);
    }
    const types = (await h.cloud.db.db.select({ type: commands.type }).from(commands).where(eq(commands.platformId, 'rig-c'))).map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(['pause', 'resume', 'abort']));
    const actions = (await h.cloud.db.db.select().from(auditLog).where(eq(auditLog.target, 'rig-c'))).map((a) => `${a.action}:${a.reason}`);
    expect(actions).toEqual(expect.arrayContaining(['platform.pause:pause for maintenance', 'platform.abort:abort for maintenance']));
  });

  it('an offline platform gets the command when it comes back (ack null now)', async () => {
    const creds = await h.call('POST', '/platforms', 'ada', { id: 'rig-o' });
    const r = await h.call('POST', '/platforms/rig-o/pause', 'sci', { reason: 'before it starts', waitMs: 0 });
    expect(r.status).toBe(202);
    expect(r.body.ack).toBeNull();
    const edge = new ProtocolEdge({ platformId: 'rig-o', url: h.cloud.mqttUrl, password: creds.body.password as string });
    await edge.start();
    try {
      await until(() => edge.commands.some((c) => c.id === r.body.commandId), 10_000, 'command delivered after birth');
    } finally {
      await edge.stop();
    }
  });
});
