import { createConditionSpace } from '@sdfl/chemistry';
import { VirtualClock } from '@sdfl/sim';
import { describe, expect, it } from 'vitest';
import { equilibrate } from '../../src/runner/steady-state';
import { openEdgeDb } from '../../src/store/index';
import { createMemoryPlatform } from '../rig/memory-platform';
import { attachAgent, rigConfig } from '../rig/rig-agent';

describe('equilibrate (the t_E wait and what it measures)', () => {
  const run = async (readings: (number | null)[], equilibrationS: number, windowS: number) => {
    const clock = new VirtualClock({ speed: 'max', startMs: 1_000_000 });
    let i = 0;
    const evidence = await equilibrate({
      clock,
      flowStartedAtMs: clock.now(),
      equilibrationS,
      setpointC: 130,
      readPlateC: () => readings[Math.min(i++, readings.length - 1)] ?? null,
      windowS,
      sampleMs: 1_000,
      signal: new AbortController().signal,
    });
    return { evidence, reads: i };
  };

  it('ends exactly at t_E and reports the readings of the last window only', async () => {
    // 0 s .. 10 s: eleven readings; the last 4 s hold 127, 128, 129, 130, 131 at 6..10 s.
    const { evidence, reads } = await run([100, 110, 120, 125, 126, 126.5, 127, 128, 129, 130, 131], 10, 4);
    expect(reads).toBe(11);
    expect(evidence).toMatchObject({ flowStartedAtMs: 1_000_000, steadyAtMs: 1_010_000, waitedS: 10, plannedEquilibrationS: 10, windowS: 4 });
    expect(evidence.plate).toEqual({ samples: 5, minC: 127, maxC: 131, driftC: 4, setpointC: 130 });
  });

  it('caps the window at t_E, skips missing readings, and reports no plate without any', async () => {
    const { evidence } = await run([130, null, 129.5, null, 130.25], 4, 30);
    expect(evidence.windowS).toBe(4);
    expect(evidence.plate).toEqual({ samples: 3, minC: 129.5, maxC: 130.25, driftC: 0.25, setpointC: 130 });
    expect((await run([null], 3, 2)).evidence.plate).toBeNull();
  });

  it('rejects as soon as the attempt is aborted', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 0 });
    const controller = new AbortController();
    const waiting = equilibrate({ clock, flowStartedAtMs: 0, equilibrationS: 60, setpointC: 100, readPlateC: () => 100, windowS: 30, sampleMs: 1_000, signal: controller.signal });
    await clock.advance(5_000);
    controller.abort(new Error('cancel'));
    await expect(waiting).rejects.toThrow('cancel');
  });
});

describe('a done result carries the measured steady state', { timeout: 60_000 }, () => {
  it('flow start and steady instants from the run, the plate readings of the last window', async () => {
    const space = createConditionSpace();
    const condition = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
    const platform = await createMemoryPlatform({ initialC: condition.temperatureC + 2 });
    const db = openEdgeDb(':memory:');
    const r = await attachAgent(platform, db, rigConfig({ runner: { steadyWindowS: 20 } }));
    try {
      await r.link.send({ type: 'clearSafe', operator: 'test', reason: 'rig' });
      await r.link.send({ type: 'enqueue', experiments: [{ experimentId: 'exp-1', condition }] });
      await r.link.until(() => r.link.results.length > 0, 'a result');
      const res = r.link.results[0]!;
      expect(res.status).toBe('done');
      if (res.status !== 'done') return;
      const s = res.steadyState!;
      expect(s.steadyAt).toBe(res.timings.steadyAt);
      expect(Date.parse(s.flowStartedAt)).toBeGreaterThan(Date.parse(res.timings.startedAt));
      expect(s.plannedEquilibrationS).toBe(res.flowPlan.equilibrationS);
      // Measured, so it may overshoot the plan by the clock's timer lag, never fall short of it.
      expect(s.waitedS).toBeGreaterThanOrEqual(s.plannedEquilibrationS);
      expect(s.waitedS).toBeLessThan(s.plannedEquilibrationS + 3);
      expect((Date.parse(s.steadyAt) - Date.parse(s.flowStartedAt)) / 1_000).toBeCloseTo(s.waitedS, 2);
      expect(s.windowS).toBe(20);
      const plate = s.plateTemperature!;
      expect(plate.samples).toBeGreaterThanOrEqual(19);
      expect(plate.samples).toBeLessThanOrEqual(22);
      expect(plate.setpointC).toBe(condition.temperatureC);
      expect(plate.minC).toBeLessThanOrEqual(plate.maxC);
      expect(Math.abs(plate.driftC)).toBeLessThanOrEqual(plate.maxC - plate.minC);
      // The readings are the thermocouple's view of the real (emulated) plate, near its setpoint.
      expect(Math.abs(plate.maxC - platform.plant.temperatureC)).toBeLessThan(3);
    } finally {
      await r.stop();
      await platform.stop();
      db.close();
    }
  });
});
