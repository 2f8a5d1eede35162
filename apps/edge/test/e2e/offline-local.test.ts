import { createConditionSpace } from '@sdfl/chemistry';
import { createPrng, fitEnn, maximinLhs } from '@sdfl/optimizer';
import { createReactorModel } from '@sdfl/sim';
import { afterAll, expect, it } from 'vitest';
import { describeWithSocat, type Rig, startRig } from './harness';

describeWithSocat('offline policy `local`: the queue runs dry while the broker is down', { timeout: 300_000 }, () => {
  let rig: Rig | undefined;
  afterAll(async () => rig?.stop());

  it('picks conditions from the last model snapshot, runs them, and delivers them once back online', async () => {
    // The cloud's twin: an ENN fitted to 24 noise-free points of the same reactor (seed 7).
    const space = createConditionSpace();
    const truth = createReactorModel({ seed: 7 }).truth;
    const x = maximinLhs(24, space.dim, createPrng(5));
    const enn = await fitEnn({ x, y: x.map((u) => truth(space.fromCube(u)).plIntensity) }, { seed: 1 });

    rig = await startRig({ config: { offlinePolicy: 'local' } });
    const bad = await rig.operator.ackFor(await rig.operator.send({ type: 'modelSnapshot', version: 'v0', snapshot: { model: {} } }));
    expect(bad.body).toMatchObject({ accepted: false, reason: 'INVALID_COMMAND' });
    const snapshot = { model: enn.toJSON(), objective: { feature: 'plIntensity', direction: 'maximize' }, policy: 'ucb', kappa: 1, campaignId: 'camp-7' };
    const ack = await rig.operator.ackFor(await rig.operator.send({ type: 'modelSnapshot', version: 'v1', snapshot: snapshot as unknown as Record<string, unknown> }));
    expect(ack.body).toMatchObject({ accepted: true });

    await rig.sim.broker!.stop();
    const store = rig.sim.agent.store;
    while (store.list(['done']).length < 2) await new Promise((r) => setTimeout(r, 200));
    await rig.sim.broker!.restart();
    await rig.operator.waitFor('result', () => rig!.operator.results.length >= 2, 120_000);

    const results = rig.operator.results.slice(0, 2);
    for (const r of results) {
      expect(r.body.experimentId).toMatch(/^local-/);
      expect(r.body).toMatchObject({ status: 'done', campaignId: 'camp-7' });
      expect(space.validate(r.body.condition)).toEqual([]);
    }
    // Never the same condition twice.
    expect(results[0]!.body.condition).not.toEqual(results[1]!.body.condition);
    const alarm = await rig.operator.waitFor('event', (e) => e.body.type === 'alarm' && e.body.code === 'OFFLINE_LOCAL_POLICY', 10_000);
    expect(alarm.body.type).toBe('alarm');
  });
});
