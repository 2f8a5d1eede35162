import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConditionSpace } from '@sdfl/chemistry';
import { auditLog, experiments } from '../../src/db/schema';
import { until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';
import { startHarness, type Harness } from './api-harness';

let h: Harness;
let edge: ProtocolEdge | undefined;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await edge?.stop();
  await h.stop();
});

const space = createConditionSpace();
type Exp = { id: string; status: string; condition: { temperatureC: number }; cube: number[] };

describe('approval-gated campaign over HTTP', () => {
  it('runs end to end: nothing unreviewed reaches the platform; approve, edit, reject; others may not review', async () => {
    const reg = await h.call('POST', '/platforms', 'ada', { id: 'rig-g' });
    edge = new ProtocolEdge({ platformId: 'rig-g', url: h.cloud.mqttUrl, password: reg.body.password as string, runMs: 10 });
    await edge.start();
    await until(async () => (await h.call('GET', '/platforms/rig-g', 'sci')).body.status === 'online', 10_000, 'online');

    const created = await h.call('POST', '/campaigns', 'sci', { platform: 'rig-g', schedule: 'lhs 4', seed: 6, queueDepth: 1, approvalGate: true, approvalAhead: 1 });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const approvals = async () => (await h.call('GET', `/campaigns/${id}/approvals`, 'vic')).body.experiments as Exp[];
    const waiting = await until(async () => ((await approvals()).length === 3 ? approvals() : undefined), 10_000, 'three proposals');
    await new Promise((r) => setTimeout(r, 300));
    expect(edge.commands.filter((m) => m.body.type === 'enqueue')).toHaveLength(0);
    expect((await h.call('GET', `/campaigns/${id}`, 'vic')).body.progress.pendingApprovals).toBe(3);

    const [a, b, d] = waiting;
    // Only the owner (or an admin) reviews.
    expect((await h.call('POST', `/experiments/${a!.id}/approve`, 'sam', {})).status).toBe(403);
    expect((await h.call('POST', `/experiments/${a!.id}/approve`, 'vic', {})).status).toBe(403);
    expect((await h.call('POST', `/experiments/${b!.id}/reject`, 'sam', { note: 'no' })).status).toBe(403);
    expect((await h.call('POST', '/experiments/nope/approve', 'sci', {})).status).toBe(404);

    expect((await h.call('POST', `/experiments/${a!.id}/approve`, 'sci', { note: 'looks fine' })).body.status).toBe('queued');
    await until(() => edge!.results.length === 1, 10_000, 'the approved one ran');
    expect((await h.call('POST', `/experiments/${b!.id}/reject`, 'sci', {})).status).toBe(400);
    expect((await h.call('POST', `/experiments/${b!.id}/reject`, 'sci', { note: 'too close to the clogging region' })).body.status).toBe('rejected');

    const edited = space.quantize(space.fromCube([0.4, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
    const out = await h.call('POST', `/experiments/${d!.id}/approve`, 'sci', { condition: { ...edited, temperatureC: 500 } });
    expect(out.status).toBe(400);
    expect((out.body.error.fields['condition.temperatureC'] as string[]).join(' ')).toMatch(/reaction temperature 500(\.0)? C is outside the validated/);
    expect((await h.call('POST', `/experiments/${d!.id}/approve`, 'sci', { condition: { temperatureC: 'hot' } })).status).toBe(400);
    const ok = await h.call('POST', `/experiments/${d!.id}/approve`, 'ada', { condition: edited, note: 'a little cooler' });
    expect(ok.status).toBe(200);
    expect(ok.body.reviewedBy).toBe('ada');
    expect(ok.body.proposedCondition).toEqual(d!.condition);
    expect((await h.call('POST', `/experiments/${d!.id}/approve`, 'sci', {})).status).toBe(409);

    // Approve whatever comes until the campaign is done, through the API only.
    for (;;) {
      const g = await h.call('GET', `/campaigns/${id}`, 'sci');
      if (g.body.campaign.status === 'done') break;
      for (const p of await approvals()) await h.call('POST', `/experiments/${p.id}/approve`, 'sci', {});
      await new Promise((r) => setTimeout(r, 50));
    }
    const final = await h.call('GET', `/campaigns/${id}`, 'vic');
    expect(final.body.progress).toMatchObject({ done: 4, planned: 4, pendingApprovals: 0 });

    const rows = await h.cloud.db.db.select().from(experiments).where(eq(experiments.campaignId, id)).orderBy(asc(experiments.seq));
    expect(rows.filter((r) => r.status === 'rejected').map((r) => r.id)).toEqual([b!.id]);
    // Every experiment the platform received was reviewed first; the rejected point never came back.
    const sent = edge.commands.flatMap((m) => (m.body.type === 'enqueue' ? m.body.experiments.map((e) => e.experimentId) : []));
    for (const e of rows.filter((r) => sent.includes(r.id))) {
      expect(e.reviewedBy).not.toBeNull();
      expect(e.reviewedAt!.getTime()).toBeLessThanOrEqual(e.dispatchedAt!.getTime());
    }
    expect(sent).not.toContain(b!.id);
    expect(rows.filter((r) => r.id !== b!.id).some((r) => JSON.stringify(r.cube) === JSON.stringify(b!.cube))).toBe(false);
    expect(edge.results.find((r) => r.body.experimentId === d!.id)!.body.condition.temperatureC).toBeCloseTo(edited.temperatureC, 6);
    const actions = (await h.cloud.db.db.select().from(auditLog)).map((r) => `${r.actor} ${r.action}`);
    expect(actions).toEqual(expect.arrayContaining(['sci experiment.approve', 'sci experiment.reject', 'ada experiment.editApprove']));
  }, 120_000);
});
