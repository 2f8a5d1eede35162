/**
 * The simulated platform (pumps on socat PTYs, spectrometers on TCP) outlives a crashed agent, as
 * hardware does: the Chemyx emulators keep pumping while no agent runs, and the next agent over
 * the same platform and data directory books what they delivered against the interrupted attempt.
 * The crash is in-process: the first agent's clock dies (no timer of it runs again) and its serial,
 * TCP and MQTT links drop without any cleanup of the runner.
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
import { KillableClock } from '../rig/rig-agent';
import { describeWithSocat, enqueue, fiveConditions } from './harness';

describeWithSocat('pumps outlive a crashed agent', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdfl-outlive-'));
  let broker: EmbeddedBroker | undefined;
  let operator: Operator | undefined;
  let platform: SimulatedPlatform | undefined;
  let next: RunningSim | undefined;
  afterAll(async () => {
    await next?.stop();
    await operator?.stop();
    await platform?.stop();
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('books at the next boot what every pump delivered up to it, and reports the attempt aborted with those volumes', async () => {
    broker = await startEmbeddedBroker();
    operator = new Operator('sim-1', broker.url);
    await operator.start();
    const [condition] = fiveConditions();
    const clock = new VirtualClock({ speed: 25 });
    platform = await createSimulatedPlatform({ clock, seed: 7, pump: { replyLatencyMs: [5, 10] }, plant: { initialC: condition!.temperatureC + 2 } });
    const config = { dataDir, heater: { holdMs: 10_000 } };
    const dying = new KillableClock(clock);
    const first = await startSim({ platform, clock: dying, brokerUrl: broker.url, config });
    await operator.ackFor(await operator.send({ type: 'clearSafe', operator: 'test', reason: 'rig' }));
    await enqueue(operator, [condition!]);
    await operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === 'equilibrating', 120_000);

    // Crash: nothing of the first agent runs again; its links drop.
    dying.kill();
    await first.devices.close();
    await first.agent.link.stop();
    first.db.close();
    const atCrash = PUMP_IDS.map((id) => platform!.pumps[id].emulator.state().dispensedUl);
    await clock.sleep(10_000);

    next = await startSim({ platform, brokerUrl: broker.url, config });
    const inventory = next.agent.inventory.describe();
    PUMP_IDS.forEach((id, i) => {
      const delivered = platform!.pumps[id].emulator.state().dispensedUl;
      expect(delivered, `${id} pumped on without a host`).toBeGreaterThan(atCrash[i]!);
      expect(inventory.contentsUl[id], id).toBeCloseTo(next!.config.chemistry.pumps[id].syringeVolumeUl - delivered, 0);
    });
    expect(inventory).toMatchObject({ inFlight: {}, uncertain: {} });
    const aborted = await operator.waitFor('result', (r) => r.body.experimentId === 'exp-1' && r.body.attempt === 1, 60_000);
    expect(aborted.body).toMatchObject({ status: 'aborted', failure: { detail: 'agent restarted mid-experiment' } });
    expect(aborted.body.warnings.filter((w) => /booked [\d.]+ uL delivered up to the restart/.test(w))).toHaveLength(PUMP_IDS.length);
    expect(next.agent.control.isSafe).toBe(true);
  });
});
