/**
 * Restart semantics over the real agent, emulators and broker: a graceful stop treats the running
 * experiment exactly as a crash does (no result, re-run as a new attempt on the next boot, ahead of
 * newer queue entries); clearSafe outside SAFE is refused with NOT_SAFE; faultCleared names the
 * clearing command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUMP_IDS } from '@sdfl/chemistry';
import { createSimulatedPlatform, type SimulatedPlatform, VirtualClock } from '@sdfl/sim';
import { afterAll, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/sim/embedded-broker';
import { Operator } from '../../src/sim/operator';
import { type RunningSim, startSim } from '../../src/sim/start-sim';
import { describeWithSocat, enqueue, fiveConditions } from './harness';

describeWithSocat('graceful stop = crash; re-run first; clearSafe rules', { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdfl-restart-'));
  let broker: EmbeddedBroker | undefined;
  let platform: SimulatedPlatform | undefined;
  let operator: Operator | undefined;
  let sim: RunningSim | undefined;
  afterAll(async () => {
    await sim?.stop().catch(() => undefined);
    await operator?.stop();
    await platform?.stop();
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  // The same reactor and emulators across both agent runs, as on a real bench.
  const boot = () =>
    startSim({ brokerUrl: broker!.url, platform: platform!, seed: 7, config: { dataDir, heater: { holdMs: 10_000 } } });
  const ack = async (body: Parameters<Operator['send']>[0]) => {
    const id = await operator!.send(body);
    return { id, ack: (await operator!.ackFor(id)).body };
  };
  const stage = (to: string, experimentId: string) =>
    operator!.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === to && e.body.experimentId === experimentId, 120_000);

  it('runs the scenario', async () => {
    broker = await startEmbeddedBroker();
    platform = await createSimulatedPlatform({ clock: new VirtualClock({ speed: 25 }), seed: 7, pump: { replyLatencyMs: [5, 10] } });
    operator = new Operator('sim-1', broker.url);
    await operator.start();
    sim = await boot();

    // faultCleared names the clearing command; a second clearSafe outside SAFE is refused.
    const first = await ack({ type: 'clearSafe', operator: 'test', reason: 'first boot' });
    expect(first.ack).toMatchObject({ accepted: true });
    const cleared = await operator.waitFor('event', (e) => e.body.type === 'faultCleared');
    expect(cleared.body).toMatchObject({ by: 'test', reason: 'first boot', commandId: first.id });
    await enqueue(operator, fiveConditions().slice(0, 2));
    await stage('equilibrating', 'exp-1');
    const second = await ack({ type: 'clearSafe', operator: 'test', reason: 'again' });
    expect(second.ack).toMatchObject({ accepted: false, reason: 'NOT_SAFE' });
    expect(sim.agent.store.get('exp-1', 1)?.status).toBe('running'); // the refused clear changed nothing

    // Graceful stop mid-experiment: SAFE outputs, no result for the interrupted attempt.
    await sim.stop();
    sim = undefined;
    expect(platform.gpio.isSsrOn()).toBe(false);
    expect(platform.gpio.isUvLedOn()).toBe(false);
    expect(platform.gpio.isShutterOpen()).toBe(false);
    expect(PUMP_IDS.filter((id) => platform!.pumps[id].emulator.state().status === 1)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(operator.state?.body).toMatchObject({ status: 'offline', reason: 'shutdown' });
    expect(operator.results).toEqual([]); // not "aborted (INTERNAL: agent stopping)"

    // Next boot: SAFE; the interrupted attempt is reported as a crash reports it, then re-run first.
    sim = await boot();
    const aborted = await operator.waitFor('result', (r) => r.body.experimentId === 'exp-1' && r.body.attempt === 1, 60_000);
    expect(aborted.body).toMatchObject({ status: 'aborted', failure: { reason: 'INTERNAL', detail: 'agent restarted mid-experiment' } });
    expect(sim.agent.store.next()).toMatchObject({ experimentId: 'exp-1', attempt: 2 });
    expect((await ack({ type: 'clearSafe', operator: 'test', reason: 'after restart' })).ack).toMatchObject({ accepted: true });
    await operator.waitFor('result', () => operator!.results.length >= 3, 240_000).catch((error: unknown) => {
      // Say where it stuck (an interlock under load, a refused plan...), not just that it did.
      const results = operator!.results.map((r) => [r.body.experimentId, r.body.attempt, r.body.status, r.body.status === 'done' ? null : r.body.failure]);
      console.error('results', JSON.stringify(results), 'last events', JSON.stringify(operator!.events.slice(-10).map((m) => m.body)));
      throw error;
    });
    expect(operator.results.map((r) => `${r.body.experimentId}#${r.body.attempt}:${r.body.status}`)).toEqual([
      'exp-1#1:aborted',
      'exp-1#2:done',
      'exp-2#1:done',
    ]);
    // Receipted by the cloud stand-in: the outbox ends empty.
    await Promise.race([sim.link.whenEmpty(), new Promise((_, reject) => setTimeout(() => reject(new Error('outbox not empty')), 10_000))]);
  });
});
