import { InMemoryGpio, Max31855Emulator, RealClock, ThermalPlant } from '@sdfl/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../src/config';
import { ControlWorker } from '../../src/control/control-worker';
import type { Trip } from '../../src/control/interlocks';
import { createSharedIoBuffer, mirrorSharedIo } from '../../src/control/shared-io';

const config = parseEdgeConfig({ platformId: 'p1' });

/** A fast plate (5 s time constant) in this thread, reached by the worker through shared slots. */
function rig() {
  const clock = new RealClock();
  const gpio = new InMemoryGpio();
  const plant = new ThermalPlant({ clock, gpio, timeConstantS: 5, deadTimeS: 0.2, gainC: 250 });
  plant.start();
  const thermocouple = new Max31855Emulator({ plant });
  const buffer = createSharedIoBuffer();
  const stopMirror = mirrorSharedIo(buffer, gpio, () => thermocouple.read());
  const trips: (Trip & { latencyMs: number })[] = [];
  let pumpStops = 0;
  const worker = new ControlWorker({
    init: {
      io: { kind: 'shared', buffer },
      periodMs: 100,
      interlocks: config.interlocks,
      heater: config.heater,
      syringeMarginUl: 1_000,
      maxSetpointC: 170,
      shutterOpenLevel: 1,
      estopActiveLevel: 1,
    },
    stopAllPumps: async () => void pumpStops++,
    onTrip: (t) => trips.push(t),
  });
  return {
    gpio, plant, thermocouple, worker, trips, pumpStops: () => pumpStops,
    async stop() {
      await worker.stop();
      stopMirror();
      plant.stop();
    },
  };
}

const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('ControlWorker (control loop in its own thread)', { timeout: 30_000 }, () => {
  let r: ReturnType<typeof rig> | undefined;
  afterEach(async () => {
    await r?.stop();
    r = undefined;
  });

  it('boots SAFE, heats under PID once cleared, and reports temperature and jitter', async () => {
    r = rig();
    await r.worker.start();
    expect(r.worker.status()).toMatchObject({ safe: true, safeReasons: ['boot'] });
    expect(r.pumpStops()).toBe(1);
    expect(await r.worker.clearSafe()).toEqual({ cleared: true, active: [] });
    await r.worker.setSetpoint(60);
    await until(() => r!.gpio.isSsrOn());
    await until(() => (r!.worker.status().temperatureC ?? 0) > 30);
    await until(() => r!.worker.status().jitter.ticks > 10);
    const s = r.worker.status();
    expect(s.setpointC).toBe(60);
    expect(s.jitter.p99Ms).toBeLessThan(100);
  });

  it('a thermocouple fault in the worker drives the outputs SAFE and asks the main thread to stop the pumps', async () => {
    r = rig();
    await r.worker.start();
    await r.worker.clearSafe();
    await r.worker.setSetpoint(80);
    await r.worker.gpio.write('uvLed', 1);
    await until(() => r!.gpio.isSsrOn() && r!.gpio.isUvLedOn());
    r.thermocouple.setFault('open');
    await until(() => r!.trips.length > 0);
    expect(r.trips[0]).toMatchObject({ interlock: 'thermocoupleFault' });
    expect(r.trips[0]!.latencyMs).toBeLessThan(100);
    await until(() => !r!.gpio.isSsrOn() && !r!.gpio.isUvLedOn());
    expect(r.pumpStops()).toBe(2);
    expect(r.worker.isSafe).toBe(true);
    // Nothing lights up again while SAFE is latched.
    await expect(r.worker.gpio.write('uvLed', 1)).rejects.toThrow(/SAFE/);
    expect((await r.worker.clearSafe()).cleared).toBe(false);
  });

  it('latch() holds even against statuses the worker posted before it saw the latch', async () => {
    r = rig();
    await r.worker.start();
    await r.worker.clearSafe();
    // Keep this thread busy: the worker's statuses (safe: false) queue up, undelivered.
    const busyUntil = Date.now() + 300;
    while (Date.now() < busyUntil);
    const latched = r.worker.latch();
    let sawUnsafe = false;
    const end = Date.now() + 50;
    while (Date.now() < end) {
      sawUnsafe ||= !r.worker.isSafe;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await latched;
    expect(sawUnsafe).toBe(false);
    await until(() => r!.worker.status().safeReasons.includes('abort'));
  });

  it('a clean stop() reports nothing; a dead worker trips watchdog once, fails pending requests, and stop() returns', async () => {
    r = rig();
    await r.worker.start();
    await r.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.trips).toEqual([]);

    r = rig();
    await r.worker.start();
    // The thread dies with a request in flight (terminate() stands in for a crash).
    const dying = (r.worker as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const pending = r.worker.setSetpoint(60);
    await dying;
    await expect(pending).rejects.toThrow(/exited/);
    expect(r.trips.map((t) => t.interlock)).toEqual(['watchdog']);
    expect(r.worker.isSafe).toBe(true);
    await r.worker.stop();
    await expect(r.worker.clearSafe()).rejects.toThrow(/not running/);
  });

  it('sees the e-stop input', async () => {
    r = rig();
    await r.worker.start();
    await r.worker.clearSafe();
    r.gpio.pressEstop();
    await until(() => r!.trips.length > 0);
    expect(r.trips[0]!.interlock).toBe('estop');
  });

  it('its GPIO proxy forwards a watched line\'s changes from the worker, to every watcher, until unwatched', async () => {
    r = rig();
    const early: number[] = [];
    const stopEarly = r.worker.gpio.watch('estop', (v) => early.push(v)); // taken before start
    await r.worker.start();
    const late: number[] = [];
    const stopLate = r.worker.gpio.watch('estop', (v) => late.push(v));
    await new Promise((res) => setTimeout(res, 100));
    r.gpio.pressEstop();
    await until(() => early.length > 0 && late.length > 0);
    expect([early, late]).toEqual([[1], [1]]);
    stopLate();
    r.gpio.releaseEstop();
    await until(() => early.length > 1);
    expect([early, late]).toEqual([[1, 0], [1]]);
    stopEarly();
    r.gpio.pressEstop();
    await new Promise((res) => setTimeout(res, 200));
    expect(early).toEqual([1, 0]);
  });
});
