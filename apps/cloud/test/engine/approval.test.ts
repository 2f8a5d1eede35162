import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createConditionSpace, type Condition } from '@sdfl/chemistry';
import type { RunningCloud } from '../../src/cloud';
import { auditLog, experiments, studyStates } from '../../src/db/schema';
import { pendingApprovals } from '../../src/engine/approvals';
import { CampaignError } from '../../src/engine/campaigns';
import { addPlatform } from '../../src/engine/platforms';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';

let cloud: RunningCloud | undefined;
let edge: ProtocolEdge | undefined;
afterEach(async () => {
  await edge?.stop();
  await cloud?.stop();
});

const space = createConditionSpace();

describe('approval gate', () => {
  it('dispatches nothing unreviewed; approve, edit within bounds and reject each do what they say', async () => {
    cloud = await startTestCloud();
    const creds = await addPlatform(cloud.db.db, 'rig-g', { actor: 'test' });
    edge = new ProtocolEdge({ platformId: 'rig-g', url: cloud.mqttUrl, password: creds.password, runMs: 10 });
    await edge.start();
    await until(async () => (await cloud!.db.db.query.platforms.findFirst())?.status === 'online', 10_000, 'online');
    const c = await cloud.engine.createCampaign({ platform: 'rig-g', schedule: 'lhs 4', seed: 6, queueDepth: 1, approvalGate: true, approvalAhead: 1 }, 'sci');
    const waiting = await until(async () => ((await pendingApprovals(cloud!.db.db, c.id)).length === 3 ? pendingApprovals(cloud!.db.db, c.id) : undefined), 10_000, 'three proposals');
    await new Promise((r) => setTimeout(r, 300));
    expect(edge.commands.filter((m) => m.body.type === 'enqueue')).toHaveLength(0);

    const [a, b, d] = waiting;
    await cloud.engine.review(a!.id, { action: 'approve' }, 'sci', 'looks fine');
    await until(() => edge!.results.length === 1, 10_000, 'the approved one ran');

    await cloud.engine.review(b!.id, { action: 'reject' }, 'sci', 'too close to the clogging region');
    const edited: Condition = space.quantize(space.fromCube([0.4, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
    const bad = await cloud.engine.review(d!.id, { action: 'approve', condition: { ...edited, temperatureC: 500 } }, 'sci').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CampaignError);
    expect((bad as CampaignError).problems.join(' ')).toMatch(/emperature/);
    await cloud.engine.review(d!.id, { action: 'approve', condition: edited }, 'sci', 'a little cooler');
    await expect(cloud.engine.review(d!.id, { action: 'approve' }, 'sci')).rejects.toThrow(/not waiting for review/);

    // Keep approving whatever comes until the campaign is done.
    for (;;) {
      const [row] = await cloud.db.db.select({ status: experiments.status }).from(experiments).where(eq(experiments.id, d!.id));
      if (row!.status === 'done' && (await cloud.db.db.query.campaigns.findFirst({ where: (x, { eq }) => eq(x.id, c.id) }))!.status === 'done') break;
      for (const p of await pendingApprovals(cloud.db.db, c.id)) await cloud.engine.review(p.id, { action: 'approve' }, 'sci');
      await new Promise((r) => setTimeout(r, 50));
    }
    await campaignStatus(cloud, c.id, 'done');
    const rows = await cloud.db.db.select().from(experiments).where(eq(experiments.campaignId, c.id)).orderBy(asc(experiments.seq));
    expect(rows.filter((r) => r.status === 'done')).toHaveLength(4);
    expect(rows.filter((r) => r.status === 'rejected').map((r) => r.id)).toEqual([b!.id]);
    // The rejected point was never proposed again; the edited one ran where the reviewer put it.
    expect(rows.filter((r) => r.id !== b!.id).some((r) => JSON.stringify(r.cube) === JSON.stringify(b!.cube))).toBe(false);
    const ran = edge.results.find((r) => r.body.experimentId === d!.id)!;
    expect(ran.body.condition.temperatureC).toBeCloseTo(edited.temperatureC, 6);
    const [last] = await cloud.db.db.select().from(studyStates).where(eq(studyStates.campaignId, c.id)).orderBy(asc(studyStates.version)).then((s) => s.slice(-1));
    const obs = (last!.state as { observations: { id: string; cube: number[] }[] }).observations.find((o) => o.id === d!.suggestionId)!;
    expect(obs.cube[0]).toBeCloseTo(0.4, 2);
    const actions = (await cloud.db.db.select().from(auditLog)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['experiment.approve', 'experiment.reject', 'experiment.editApprove']));
  }, 120_000);
});
