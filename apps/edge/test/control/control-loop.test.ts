import { InMemoryGpio, VirtualClock } from '@sdfl/sim';
import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../src/config';
import { ControlLoop, type HeaterTick, type LoopHeater } from '../../src/control/control-loop';
import { InterlockMonitor, type Trip } from '../../src/control/interlocks';

/** A heater test double: the test sets what the thermocouple reads; SSR state goes to the real in-memory GPIO. */
class ScriptedHeater implements LoopHeater {
  setpointC: number | null = null;
  reading: { temperatureC: number | null; fault: string | null } = { temperatureC: 25, fault: null };
  constructor(private readonly gpio: InMemoryGpio) {}
  async setSetpoint(c: number): Promise<void> {
    this.setpointC = c;
  }
  async tick(nowMs: number): Promise<HeaterTick> {
    const output = this.setpointC !== null && (this.reading.temperatureC ?? 0) < this.setpointC ? 1 : 0;
    await this.gpio.write('ssr', output);
    return { ...this.reading, atMs: nowMs, output };
  }
  async off(): Promise<void> {
    this.setpointC = null;
    await this.gpio.write('ssr', 0);
  }
}

async function setup() {
  const config = parseEdgeConfig({ platformId: 'p1' });
  const clock = new VirtualClock({ speed: 0, startMs: 0 });
  const gpio = new InMemoryGpio();
  const heater = new ScriptedHeater(gpio);
  const trips: (Trip & { latencyMs: number })[] = [];
  let pumpStops = 0;
  const loop = new ControlLoop({
    clock,
    periodMs: 100,
    heater,
    gpio,
    shutterOpenLevel: 1,
    estopActiveLevel: 1,
    monitor: new InterlockMonitor(config.interlocks, config.chemistry.syringeMarginUl, config.heater.steadyBandC),
    stopAllPumps: async () => void pumpStops++,
    onTrip: (t) => trips.push(t),
  });
  await loop.start();
  return { clock, gpio, heater, loop, trips, pumpStops: () => pumpStops };
}

/** Everything the SAFE state promises (docs/architecture.md §7). */
async function expectSafe(gpio: InMemoryGpio, heater: ScriptedHeater) {
  expect(await gpio.read('ssr')).toBe(0);
  expect(await gpio.read('uvLed')).toBe(0);
  expect(await gpio.read('shutter')).toBe(0);
  expect(heater.setpointC).toBeNull();
}

describe('ControlLoop', () => {
  it('boots into a latched SAFE state that clearSafe releases', async () => {
    const { loop, gpio, heater, pumpStops } = await setup();
    expect(loop.status()).toMatchObject({ safe: true, safeReasons: ['boot'] });
    expect(pumpStops()).toBe(1);
    await expectSafe(gpio, heater);
    expect(await loop.clearSafe()).toEqual({ cleared: true, active: [] });
    expect(loop.isSafe).toBe(false);
    await loop.stop();
  });

  it('drives every output SAFE on a thermocouple fault within one period, reports once, and stays latched', async () => {
    const { loop, gpio, heater, clock, trips, pumpStops } = await setup();
    await loop.clearSafe();
    heater.setpointC = 140;
    await gpio.write('uvLed', 1);
    await gpio.write('shutter', 1);
    await clock.advance(300);
    expect(await gpio.read('ssr')).toBe(1);
    heater.reading = { temperatureC: null, fault: 'open' };
    await clock.advance(100);
    await expectSafe(gpio, heater);
    expect(trips.map((t) => t.interlock)).toEqual(['thermocoupleFault']);
    expect(trips[0]!.latencyMs).toBeLessThan(100);
    expect(pumpStops()).toBe(2);
    await clock.advance(1_000);
    expect(trips).toHaveLength(1);
    // Refused while the fault is present, accepted once it is gone.
    expect((await loop.clearSafe()).cleared).toBe(false);
    heater.reading = { temperatureC: 30, fault: null };
    expect((await loop.clearSafe()).cleared).toBe(true);
    await loop.stop();
  });

  it('reacts to the e-stop edge without waiting for a tick', async () => {
    const { loop, gpio, heater, trips } = await setup();
    await loop.clearSafe();
    heater.setpointC = 120;
    await gpio.write('uvLed', 1);
    gpio.pressEstop();
    await new Promise((r) => setImmediate(r));
    expect(trips.map((t) => t.interlock)).toEqual(['estop']);
    await expectSafe(gpio, heater);
    expect((await loop.clearSafe()).active.join()).toMatch(/estop/);
    gpio.releaseEstop();
    expect((await loop.clearSafe()).cleared).toBe(true);
    await loop.stop();
  });

  it('turns external faults (spectrometer timeout) into SAFE and records loop jitter', async () => {
    const { loop, clock, trips } = await setup();
    await loop.clearSafe();
    await clock.advance(1_000);
    await loop.raise('spectrometerTimeout', 'no frame within 2.5 s');
    expect(loop.status().safeReasons).toEqual(['spectrometerTimeout']);
    expect(trips.at(-1)).toMatchObject({ interlock: 'spectrometerTimeout' });
    expect(loop.status().jitter.ticks).toBeGreaterThanOrEqual(10);
    await loop.stop();
  });
});
