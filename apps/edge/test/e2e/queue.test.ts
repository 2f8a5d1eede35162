import { createConditionSpace, planFlows } from '@sdfl/chemistry';
import type { BodyInput, Message } from '@sdfl/protocol';
import { afterAll, expect, it } from 'vitest';
import { describeWithSocat, enqueue, fiveConditions, type Rig, startRig, waitForResults } from './harness';

const space = createConditionSpace();
const conditions = fiveConditions();
let uninterrupted: Message<'result'>[] = [];

/** What must not depend on the network: everything but the envelope and the wall-clock timings. */
const content = (m: Message<'result'>) => {
  const { timings: _t, ...rest } = m.body;
  return rest;
};

describeWithSocat('edge agent end to end (emulators over PTY/TCP, aedes)', { timeout: 300_000 }, () => {
  let rig: Rig | undefined;
  afterAll(async () => rig?.stop());

  it('runs a 5-experiment queue to completion and publishes 5 correct results', async () => {
    rig = await startRig();
    await enqueue(rig.operator, conditions);
    await waitForResults(rig.operator, 5);
    const results = rig.operator.results;
    expect(results.map((r) => r.body.experimentId)).toEqual(['exp-1', 'exp-2', 'exp-3', 'exp-4', 'exp-5']);
    expect(rig.operator.duplicates).toEqual([]);
    results.forEach((r, i) => {
      const body = r.body;
      if (body.status !== 'done') throw new Error(`${body.experimentId}: ${JSON.stringify(body.failure)}`);
      expect(body.condition).toEqual(conditions[i]);
      // The pumps ran exactly the plan of the condition: 1:1 streams, PFO = both streams.
      const plan = planFlows(conditions[i]!, space);
      expect(plan.ok && body.flowPlan.ratesUlMin).toEqual(plan.ok && plan.plan.ratesUlMin);
      expect(body.flowPlan.equilibrationS).toBeCloseTo(1.2 * body.flowPlan.residenceTimeS, 6);
      // Steady state: spectra were taken no earlier than t_E after the flow started.
      expect(Date.parse(body.timings.acquiredAt) - Date.parse(body.timings.steadyAt)).toBeGreaterThanOrEqual(0);
      expect(body.features.plPeakNm).toBeGreaterThan(440);
      expect(body.features.plPeakNm).toBeLessThan(460);
      expect(body.features.plIntensity).toBeGreaterThan(0);
      expect(body.features.abs300).toBeGreaterThan(0);
      expect(body.spectra.pl.values.length).toBeGreaterThan(1000);
    });
    // More CuI (exp-1: 0.9 of its range) gives more PL than little CuI (exp-3: 0.2), the paper's strongest trend.
    const pl = (i: number) => (results[i]!.body as Extract<BodyInput<'result'>, { status: 'done' }>).features.plIntensity!;
    expect(pl(0)).toBeGreaterThan(pl(2));
    expect(rig.sim.agent.store.list(['done'])).toHaveLength(5);
    uninterrupted = results;
    await rig.stop();
    rig = undefined;
  });

  it('keeps running through a broker outage and delivers every result afterwards, in order, once', async () => {
    rig = await startRig();
    const published: BodyInput<'result'>[] = [];
    const link = rig.sim.agent.link;
    const publish = link.publishResult.bind(link);
    link.publishResult = (body) => {
      published.push(body);
      return publish(body);
    };
    await enqueue(rig.operator, conditions);
    await waitForResults(rig.operator, 1);
    await rig.sim.broker!.stop();
    // Three experiments finish while the broker is down; the queue does not wait for the network.
    const store = rig.sim.agent.store;
    while (store.list(['done']).length < 4) await new Promise((r) => setTimeout(r, 200));
    expect(rig.operator.results).toHaveLength(1);
    await rig.sim.broker!.restart();
    await waitForResults(rig.operator, 5);
    const results = rig.operator.results;
    expect(results.map((r) => r.body.experimentId)).toEqual(['exp-1', 'exp-2', 'exp-3', 'exp-4', 'exp-5']);
    expect(new Set(results.map((r) => r.id)).size).toBe(5);
    // Stored and forwarded byte for byte: what arrived is what the runner produced (as JSON: -0 is 0 on the wire).
    const asSent = (b: BodyInput<'result'>) => content({ body: JSON.parse(JSON.stringify(b)) } as Message<'result'>);
    expect(results.map((r) => content(r))).toEqual(published.map(asSent));
    // Same seed, same conditions: the same plan and statuses as the uninterrupted run, and features within the noise.
    results.forEach((r, i) => {
      const a = r.body;
      const b = uninterrupted[i]!.body;
      expect(a.status).toBe('done');
      expect(a.condition).toEqual(b.condition);
      expect(a.status === 'done' && a.flowPlan).toEqual(b.status === 'done' && b.flowPlan);
      if (a.status === 'done' && b.status === 'done') {
        expect(a.features.plIntensity! / b.features.plIntensity!).toBeGreaterThan(0.9);
        expect(a.features.plIntensity! / b.features.plIntensity!).toBeLessThan(1.1);
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((link as unknown as { pendingCount: number }).pendingCount).toBe(0);
  });
});
