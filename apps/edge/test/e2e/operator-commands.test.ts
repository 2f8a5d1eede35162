import { PUMP_IDS } from '@sdfl/chemistry';
import { afterAll, expect, it } from 'vitest';
import { describeWithSocat, enqueue, fiveConditions, type Rig, startRig } from './harness';

describeWithSocat('pause, resume, cancel, abort and the between-experiments flush', { timeout: 300_000 }, () => {
  let rig: Rig | undefined;
  afterAll(async () => rig?.stop());

  it('obeys the operator without losing track of any attempt', async () => {
    rig = await startRig({ config: { runner: { betweenExperiments: 'flush' } } });
    const { operator, sim } = rig;
    const ok = async (body: Parameters<typeof operator.send>[0]) => (await operator.ackFor(await operator.send(body))).body;
    const stage = (to: string, id: string) => operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === to && e.body.experimentId === id, 120_000);

    await enqueue(operator, fiveConditions().slice(0, 3));
    await stage('equilibrating', 'exp-1');
    expect(await ok({ type: 'pause' })).toMatchObject({ accepted: true });
    await operator.waitFor('result', (r) => r.body.experimentId === 'exp-1', 120_000);

    // Paused: exp-2 waits; solvent and PFO keep the line flushed, the precursors are stopped.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(operator.events.some((e) => e.body.type === 'stage' && e.body.experimentId === 'exp-2')).toBe(false);
    const running = PUMP_IDS.filter((id) => sim.platform.pumps[id].emulator.state().status === 1);
    expect(running.sort()).toEqual(['odeCs', 'odeCuI', 'pfo']);

    expect(await ok({ type: 'cancel', scope: 'experiment', experimentId: 'exp-3' })).toMatchObject({ accepted: true });
    expect(sim.agent.store.get('exp-3', 1)?.status).toBe('cancelled');

    expect(await ok({ type: 'resume' })).toMatchObject({ accepted: true });
    await stage('equilibrating', 'exp-2');
    expect(await ok({ type: 'cancel', scope: 'experiment', experimentId: 'exp-2' })).toMatchObject({ accepted: true });
    const cancelled = await operator.waitFor('result', (r) => r.body.experimentId === 'exp-2', 60_000);
    expect(cancelled.body).toMatchObject({ status: 'aborted', failure: { reason: 'CANCELLED' } });

    // Abort: SAFE latched until cleared; the flush stops too.
    expect(await ok({ type: 'abort', reason: 'operator test' })).toMatchObject({ accepted: true });
    await operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === 'safe', 10_000);
    expect(sim.agent.control.isSafe).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(PUMP_IDS.filter((id) => sim.platform.pumps[id].emulator.state().status === 1)).toEqual([]);
    expect(await ok({ type: 'clearSafe', operator: 'test', reason: 'done' })).toMatchObject({ accepted: true });

    expect(operator.results.map((r) => `${r.body.experimentId}:${r.body.status}`)).toEqual(['exp-1:done', 'exp-2:aborted']);
    // The flush's solvent was booked against the inventory.
    const contents = sim.agent.inventory.snapshot();
    expect(contents.odeCuI).toBeLessThan(50_000 - 100);
  });
});
