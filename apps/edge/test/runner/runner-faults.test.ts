/**
 * The runner's failure and abort branches, end to end through the real agent on the in-memory
 * platform (virtual clock, emulators over duplex pairs). Each fault is injected on a real object
 * (a config limit, one overridden method, or an emulator's fault hook) and each test checks the
 * documented end state: result status and failure reason, interlock name and event, SAFE latched
 * or not, pumps stopped, and whether the attempt was re-queued.
 */
import { type Condition, createConditionSpace, PUMP_IDS } from '@sdfl/chemistry';
import type { EdgeConfigInput } from '../../src/config';
import { afterEach, describe, expect, it } from 'vitest';
import { openEdgeDb, type EdgeDb } from '../../src/store/index';
import { createMemoryPlatform, type MemoryPlatform, type MemoryPlatformOptions } from '../rig/memory-platform';
import { attachAgent, rigConfig, type RigAgent } from '../rig/rig-agent';

/** The emulator's Chemyx status code for running (0 stopped, 1 running, 2 paused, 4 stalled). */
const RUNNING = 1;
const space = createConditionSpace();
const condition = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
const second = space.quantize(space.fromCube([0.5, 0.2, 0.9, 0.3, 0.1, 0.3, 0.4]));

describe('runner faults', { timeout: 120_000 }, () => {
  let platform: MemoryPlatform | undefined;
  let db: EdgeDb | undefined;
  let rig: RigAgent | undefined;
  afterEach(async () => {
    await rig?.stop().catch(() => undefined);
    await platform?.stop();
    db?.close();
    rig = platform = db = undefined;
  });

  async function start(config: Partial<EdgeConfigInput> = {}, p: MemoryPlatformOptions = { initialC: condition.temperatureC + 2 }): Promise<RigAgent> {
    platform = await createMemoryPlatform(p);
    db = openEdgeDb(':memory:');
    rig = await attachAgent(platform, db, rigConfig(config));
    expect(await rig.link.send({ type: 'clearSafe', operator: 'test', reason: 'rig' })).toMatchObject({ accepted: true });
    return rig;
  }
  const enqueue = async (r: RigAgent, experiments: { experimentId: string; condition: Condition }[]) =>
    expect(await r.link.send({ type: 'enqueue', experiments })).toMatchObject({ accepted: true });
  const resultOf = async (r: RigAgent, experimentId: string, attempt = 1) => {
    await r.link.until(() => r.link.results.some((x) => x.experimentId === experimentId && x.attempt === attempt), `${experimentId}#${attempt}`);
    return r.link.results.find((x) => x.experimentId === experimentId && x.attempt === attempt)!;
  };
  const reached = (r: RigAgent, stage: string, experimentId = 'exp-1') =>
    r.link.until(() => r.link.events.some((e) => e.type === 'stage' && e.to === stage && e.experimentId === experimentId), `${experimentId} ${stage}`);
  const pumpsIdle = () => PUMP_IDS.every((id) => platform!.pumps[id].state().status !== RUNNING);
  const interlocks = (r: RigAgent) => r.link.events.flatMap((e) => (e.type === 'interlock' ? [e.interlock] : []));

  it('heat timeout: failed TIMEOUT, nothing pumped, SAFE not latched, the queue goes on', async () => {
    const r = await start({ heater: { heatTimeoutMs: 20_000 } }, { initialC: 22 });
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'failed', failure: { reason: 'TIMEOUT' } });
    expect(res.status === 'failed' && res.failure.detail).toMatch(/not steady at .* within 20 s/);
    expect(r.link.events.some((e) => e.type === 'stage' && e.to === 'flowing')).toBe(false);
    expect(PUMP_IDS.every((id) => platform!.pumps[id].state().dispensedUl === 0)).toBe(true);
    expect(r.agent.control.isSafe).toBe(false);
    expect(interlocks(r)).toEqual([]);
    expect(r.agent.store.get('exp-1', 2)).toBeUndefined();
  });

  it('heater cannot heat (SSR writes lost): aborted INTERLOCK heaterCannotHeat, SAFE latched, re-queued', async () => {
    const r = await start({ interlocks: { watchPeriodMs: 20_000 } }, { initialC: 22 });
    const write = platform!.gpio.write.bind(platform!.gpio);
    platform!.gpio.write = (line, value) => write(line, line === 'ssr' ? 0 : value);
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'aborted', failure: { reason: 'INTERLOCK', interlock: 'heaterCannotHeat' } });
    expect(interlocks(r)).toContain('heaterCannotHeat');
    expect(r.agent.control.status()).toMatchObject({ safe: true, setpointC: null });
    expect(r.agent.store.get('exp-1', 2)).toMatchObject({ status: 'queued' });
  });

  it('pump stall mid-experiment: aborted INTERLOCK pumpStalled, every pump stopped and booked, SAFE latched, re-queued', async () => {
    const r = await start();
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    await reached(r, 'equilibrating');
    platform!.pumps.oAm.injectStall();
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'aborted', failure: { reason: 'INTERLOCK', interlock: 'pumpStalled' } });
    expect(interlocks(r)[0]).toBe('pumpStalled');
    expect(pumpsIdle()).toBe(true);
    expect(r.agent.control.isSafe).toBe(true);
    expect(r.agent.inventory.inFlight()).toEqual({});
    expect(r.agent.store.get('exp-1', 2)).toMatchObject({ status: 'queued' });
    // While SAFE is latched nothing runs, not even the re-queued attempt.
    await platform!.clock.sleep(5_000);
    expect(r.agent.store.get('exp-1', 2)).toMatchObject({ status: 'queued' });
    expect(r.agent.runner.state.current).toBeNull();
  });

  it('pump link lost mid-run: aborted INTERLOCK pumpLinkLost; its volume cannot be read, so its syringe becomes uncertain (alarm, warning)', async () => {
    const r = await start();
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    await reached(r, 'equilibrating');
    r.pumps.odeCs.read = () => Promise.reject(new Error('pump:odeCs: no reply'));
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'aborted', failure: { reason: 'INTERLOCK', interlock: 'pumpLinkLost' } });
    expect(res.warnings).toContainEqual(expect.stringMatching(/^odeCs: delivered volume unreadable .*contents unknown until refilled/));
    expect(Object.keys(r.agent.inventory.uncertain())).toEqual(['odeCs']);
    expect(r.agent.inventory.usableUl().odeCs).toBe(0);
    expect(r.link.events).toContainEqual(expect.objectContaining({ type: 'alarm', code: 'INVENTORY_UNCERTAIN' }));
    expect(r.agent.control.isSafe).toBe(true);
    // The other seven were booked.
    expect(r.agent.inventory.describe().contentsUl.cuI).toBeCloseTo(r.config.chemistry.pumps.cuI.syringeVolumeUl - platform!.pumps.cuI.state().dispensedUl, 0);
  });

  it('spectrometer timeout: aborted INTERLOCK spectrometerTimeout, lights off, SAFE latched', async () => {
    const r = await start({ interlocks: { spectrometerMarginMs: 300 } });
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    await reached(r, 'equilibrating');
    platform!.spectrometers.pl.emulator.setTimeoutFault(true);
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'aborted', failure: { reason: 'INTERLOCK', interlock: 'spectrometerTimeout' } });
    // It got through its t_E wait, so the measured steady state rides on the aborted result.
    expect(res.steadyState).toMatchObject({ plannedEquilibrationS: res.flowPlan!.equilibrationS, plateTemperature: { setpointC: condition.temperatureC } });
    expect(interlocks(r)).toContain('spectrometerTimeout');
    expect(r.agent.control.isSafe).toBe(true);
    expect(await platform!.gpio.read('uvLed')).toBe(0);
    expect(pumpsIdle()).toBe(true);
  });

  it('infeasible condition: refused at enqueue (ack INFEASIBLE_CONDITION); one that reaches the queue fails INFEASIBLE_CONDITION', async () => {
    const r = await start();
    const noCuIStream: Condition = { ...condition, cuIUlMin: 0, oaCuIUlMin: 0, oAmUlMin: 0, odeCuIUlMin: 0 };
    expect(await r.link.send({ type: 'enqueue', experiments: [{ experimentId: 'bad-1', condition: noCuIStream }] })).toMatchObject({ accepted: false, reason: 'INFEASIBLE_CONDITION' });
    expect(r.agent.store.get('bad-1', 1)).toBeUndefined();
    // Straight into the store (as a queue from an older config could hold it): the runner refuses it.
    r.agent.store.enqueue([{ experimentId: 'bad-2', attempt: 1, condition: noCuIStream, campaignId: null }]);
    r.agent.runner.poke();
    const res = await resultOf(r, 'bad-2');
    expect(res).toMatchObject({ status: 'failed', failure: { reason: 'INFEASIBLE_CONDITION' } });
    expect(res.status === 'failed' && res.flowPlan).toBeUndefined();
    expect(r.agent.control.isSafe).toBe(false);
    expect(pumpsIdle()).toBe(true);
  });

  it('a syringe too short for the experiment: failed INSUFFICIENT_REAGENT before anything moves', async () => {
    const r = await start();
    const margin = r.config.chemistry.syringeMarginUl;
    expect(await r.link.send({ type: 'refilled', pump: 'csOleate', volumeUl: margin + 5 })).toMatchObject({ accepted: true });
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'failed', failure: { reason: 'INSUFFICIENT_REAGENT' } });
    expect(res.warnings.join(' ')).toMatch(/low/);
    expect(PUMP_IDS.every((id) => platform!.pumps[id].state().dispensedUl === 0)).toBe(true);
    expect(r.agent.control.isSafe).toBe(false);
  });

  it('a pump that refuses its program: failed DEVICE_ERROR, no pump started, nothing booked, not SAFE', async () => {
    const r = await start();
    const before = r.agent.inventory.describe();
    r.pumps.oaCs.set = () => Promise.reject(new Error('pump:oaCs: pump set rate = 10 but 12 was sent (clamped?)'));
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'failed', failure: { reason: 'DEVICE_ERROR', detail: expect.stringMatching(/clamped/) } });
    expect(PUMP_IDS.every((id) => platform!.pumps[id].state().dispensedUl === 0)).toBe(true);
    expect(r.agent.inventory.describe()).toEqual(before);
    expect(r.agent.control.isSafe).toBe(false);
  });

  it('cancel while running: aborted CANCELLED, pumps stopped, not SAFE, the next experiment runs', async () => {
    const r = await start();
    await enqueue(r, [
      { experimentId: 'exp-1', condition },
      { experimentId: 'exp-2', condition: second },
    ]);
    await reached(r, 'equilibrating');
    expect(await r.link.send({ type: 'cancel', scope: 'experiment', experimentId: 'exp-1' })).toMatchObject({ accepted: true });
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'aborted', failure: { reason: 'CANCELLED' } });
    expect(res.steadyState).toBeUndefined(); // cancelled inside the wait: nothing to claim
    expect(r.agent.control.isSafe).toBe(false);
    expect(r.agent.store.get('exp-1', 2)).toBeUndefined();
    await reached(r, 'flowing', 'exp-2');
  });

  it('abort while running: aborted OPERATOR_ABORT, SAFE latched (abort), not re-queued; clearSafe clears it', async () => {
    const r = await start();
    await enqueue(r, [{ experimentId: 'exp-1', condition }]);
    await reached(r, 'equilibrating');
    expect(await r.link.send({ type: 'abort', reason: 'test' })).toMatchObject({ accepted: true });
    const res = await resultOf(r, 'exp-1');
    expect(res).toMatchObject({ status: 'aborted', failure: { reason: 'OPERATOR_ABORT', detail: 'test' } });
    expect(r.agent.control.status()).toMatchObject({ safe: true, safeReasons: ['abort'] });
    expect(pumpsIdle()).toBe(true);
    expect(r.agent.store.get('exp-1', 2)).toBeUndefined();
    expect(await r.link.send({ type: 'clearSafe', operator: 'test', reason: 'checked' })).toMatchObject({ accepted: true });
    expect(r.link.events.at(-2)).toMatchObject({ type: 'faultCleared', by: 'test' });
  });
});
