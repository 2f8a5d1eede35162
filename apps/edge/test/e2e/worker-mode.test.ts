import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConditionSpace, defaultSegments, parseChemistryConfig, PUMP_IDS } from '@sdfl/chemistry';
import { createReactorModel, createSimulatedPlatform, RealClock, ReactorSimulation, type SimulatedPlatform } from '@sdfl/sim';
import { afterAll, expect, it, vi } from 'vitest';
import { ControlWorker } from '../../src/control/control-worker';
import { createSharedIoBuffer, mirrorSharedIo } from '../../src/control/shared-io';
import { Operator } from '../../src/sim/operator';
import { type RunningSim, startSim } from '../../src/sim/start-sim';
import { describeWithSocat, enqueue } from './harness';

/*
 * The agent as it runs on the Pi: the control loop in its own worker thread, reaching the plate
 * through shared-memory GPIO and thermocouple slots (mirrored here to the simulated platform's
 * in-memory GPIO and MAX31855), all in real time. Scaled down so an experiment takes seconds: a
 * plate with a 5 s time constant (PID gains and SSR window to match), tubing 20x shorter than the
 * default at the same flows (tau ~3 s, t_E ~3.5 s), and a reactor model whose reaction-time
 * response is scaled by the same factor, so the spectra look like the paper's.
 */
const SCALE = 20;
const chemistry = parseChemistryConfig({
  reactionTimeS: { min: 25 / SCALE, max: 42 / SCALE },
  segments: defaultSegments.map((s) => ({ ...s, lengthMm: s.lengthMm / SCALE })),
  acquisitionS: 1,
});
const space = createConditionSpace(chemistry);
// 110.5 C, mid-range elsewhere: a short heat-up on the fast plate.
const condition = space.quantize(space.fromCube([0.15, 0.5, 0.6, 0.5, 0.3, 0.5, 0.5]));

/** socat processes started by this test process (other suites and sessions may run their own). */
function socatCount(): number {
  try {
    return Number(execFileSync('pgrep', ['-c', '-P', String(process.pid), 'socat'], { encoding: 'utf8' }).trim());
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeWithSocat('agent with the control loop in a worker thread (real time, shared IO)', { timeout: 45_000 }, () => {
  const socatBefore = socatCount();
  let platform: SimulatedPlatform | undefined;
  let sim: RunningSim | undefined;
  let operator: Operator | undefined;
  let stopMirror: (() => void) | undefined;
  let dataDir: string | undefined;

  /** Idempotent: the test ends with it, afterAll runs it again after a failure. */
  const stopAll = async () => {
    await operator?.stop();
    await sim?.stop(); // agent (worker stopped and joined), drivers, database; not the platform it was given
    stopMirror?.(); // before the platform closes its GPIO
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    operator = sim = stopMirror = platform = dataDir = undefined;
  };
  afterAll(stopAll);

  it('clears SAFE, runs an experiment to done, reports worker jitter, and trips SAFE on a thermocouple fault', async () => {
    platform = await createSimulatedPlatform({
      clock: new RealClock(),
      seed: 7,
      chemistry,
      plant: { timeConstantS: 5, deadTimeS: 0.2 },
      pump: { replyLatencyMs: [5, 10] },
      reactor: new ReactorSimulation(
        createReactorModel({
          seed: 7,
          space,
          variant: { growthRate150PerS: 0.5 * SCALE, optimumReactionTimeS: 28 / SCALE, reactionTimeWidthLowS: 20 / SCALE, reactionTimeWidthHighS: 34 / SCALE },
        }),
      ),
    });
    const p = platform;
    expect(socatCount()).toBe(socatBefore + PUMP_IDS.length);
    const buffer = createSharedIoBuffer();
    stopMirror = mirrorSharedIo(buffer, p.gpio, () => p.thermocouple.read());
    dataDir = mkdtempSync(join(tmpdir(), 'sdfl-edge-worker-'));
    sim = await startSim({
      platform: p,
      control: { kind: 'worker', io: { kind: 'shared', buffer }, levels: { shutterOpenLevel: p.gpio.shutterOpenLevel, estopActiveLevel: 1 } },
      config: {
        dataDir,
        chemistry,
        heater: { holdMs: 1_000, windowMs: 200, steadyBandC: 2, pid: { kp: 0.03, ki: 0.01, kd: 0 } },
        control: { periodMs: 20 },
        spectrometer: { integrationUs: 20_000, scans: 2, boxcar: 2 },
        runner: { rerunAborted: false },
      },
    });
    const agent = sim.agent;
    expect(agent.control).toBeInstanceOf(ControlWorker);
    const telemetry = vi.spyOn(agent.link, 'publishTelemetry');
    const events = vi.spyOn(agent.link, 'publishEvent');
    expect(agent.control.status()).toMatchObject({ safe: true, safeReasons: ['boot'] });

    operator = new Operator(sim.config.platformId, sim.broker!.url);
    await operator.start();
    const op = operator;
    const clear = await op.ackFor(await op.send({ type: 'clearSafe', operator: 'test', reason: 'worker-mode e2e' }));
    expect(clear.body.accepted).toBe(true);
    expect(agent.control.isSafe).toBe(false);

    // One experiment to done: the worker heats the plate through the shared SSR slot, the optics
    // switch shutter and LED through the worker's GPIO proxy.
    await enqueue(op, [condition], 'w');
    const first = await op.waitFor('result', (r) => r.body.experimentId === 'w-1', 30_000);
    if (first.body.status !== 'done') throw new Error(`w-1 not done: ${JSON.stringify(first.body).slice(0, 500)}`);
    expect(first.body.features.flags).toEqual([]);
    expect(first.body.features.plPeakNm).toBeGreaterThan(440);
    expect(first.body.features.plPeakNm).toBeLessThan(460);
    expect(first.body.features.plIntensity).toBeGreaterThan(0);

    // Jitter comes from the worker's hrtime deadline loop (status posted to the main thread).
    const status = agent.control.status();
    expect(status.jitter.ticks).toBeGreaterThan(50);
    expect(status.jitter.p99Ms).toBeLessThan(100);
    expect(status.temperatureC).toBeCloseTo(condition.temperatureC, -1);
    const last = telemetry.mock.calls.at(-1)![0];
    expect(last.temperatures.pvC).not.toBeNull();
    expect(last.loopJitter.maxMs).toBeGreaterThan(0);

    // A second experiment; open the thermocouple while it equilibrates (pumps running, heater regulating).
    await enqueue(op, [condition], 'x');
    await op.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === 'equilibrating' && e.body.experimentId === 'x-1', 20_000);
    p.thermocouple.setFault('open');
    const event = await op.waitFor('event', (e) => e.body.type === 'interlock', 5_000);
    if (event.body.type !== 'interlock') throw new Error('unreachable');
    expect(event.body.interlock).toBe('thermocoupleFault');
    expect(event.body.latencyMs).toBeLessThan(100);

    // SAFE on the platform itself: SSR, LED off and shutter closed (mirrored from the worker's slots), pumps stopped.
    await until(() => !p.gpio.isSsrOn() && !p.gpio.isUvLedOn() && !p.gpio.isShutterOpen(), 100, 'outputs SAFE on the in-memory GPIO');
    await until(() => PUMP_IDS.every((id) => p.pumps[id].emulator.state().status !== 1), 3_000, 'every pump stopped');
    const second = await op.waitFor('result', (r) => r.body.experimentId === 'x-1', 10_000);
    expect(second.body).toMatchObject({ status: 'aborted', failure: { reason: 'INTERLOCK', interlock: 'thermocoupleFault' } });
    await until(() => agent.control.status().setpointC === null, 1_000, 'setpoint cleared in the worker status');
    expect(agent.control.isSafe).toBe(true);
    expect(agent.control.status().safeReasons).toContain('thermocoupleFault');
    // Latched while the fault is present.
    const refused = await op.ackFor(await op.send({ type: 'clearSafe', operator: 'test', reason: 'still open' }));
    expect(refused.body).toMatchObject({ accepted: false, reason: 'SAFE_LATCHED' });

    // A clean stop: the worker's exit is not reported as a watchdog trip, and no socat is left.
    events.mockClear();
    await stopAll();
    expect(events.mock.calls.map(([e]) => e)).not.toContainEqual(expect.objectContaining({ type: 'interlock' }));
    expect(socatCount()).toBe(socatBefore);
  });
});
