import { describe, expect, it } from 'vitest';
import { SoftwareHeater } from '../../src/devices/heater';
import { Max31855Reader, type ThermocoupleReading } from '../../src/devices/max31855';
import { InMemoryGpio, Max31855Emulator, ThermalPlant, VirtualClock } from './helpers/sim';

const gains = { kp: 0.08, ki: 0.002, kd: 0.4 }; // apps/edge config defaults

describe('SoftwareHeater (unit)', () => {
  const fixed = (r: Partial<ThermocoupleReading>) => ({ read: async () => ({ temperatureC: 25, at: 1, fault: null, ...r }) });

  it('refuses setpoints out of range -> LIMIT', async () => {
    const h = new SoftwareHeater({ reader: fixed({}), gpio: new InMemoryGpio(), pid: gains, maxSetpointC: 180 });
    await expect(h.setSetpoint(181)).rejects.toMatchObject({ code: 'LIMIT', requested: 181 });
    await expect(h.setSetpoint(-1)).rejects.toMatchObject({ code: 'LIMIT' });
    await expect(h.setSetpoint(Number.NaN)).rejects.toMatchObject({ code: 'LIMIT' });
    expect(h.setpointC).toBeNull();
  });

  it('heats when below setpoint, SSR off without setpoint, on fault, and at once on off()', async () => {
    const gpio = new InMemoryGpio();
    let reading: Partial<ThermocoupleReading> = {};
    const h = new SoftwareHeater({ reader: { read: async () => ({ temperatureC: 25, at: 5, fault: null, ...reading }) }, gpio, pid: gains });
    expect(await h.read()).toEqual({ temperatureC: 25, setpointC: null, output: 0, fault: null, at: 5 });
    expect((await h.tick(0)).output).toBe(0);
    expect(gpio.level('ssr')).toBe(0);
    await h.setSetpoint(150);
    const t = await h.tick(100);
    expect(t.output).toBe(1);
    expect(gpio.level('ssr')).toBe(1);
    expect(await h.read()).toMatchObject({ setpointC: 150, output: 1, temperatureC: 25 });
    reading = { temperatureC: null, fault: 'open' };
    expect(await h.tick(200)).toEqual({ temperatureC: null, fault: 'open', atMs: 5, output: 0 });
    expect(gpio.level('ssr')).toBe(0);
    reading = {};
    await h.tick(1200);
    expect(gpio.level('ssr')).toBe(1);
    await h.off();
    expect(gpio.level('ssr')).toBe(0);
    expect(h.setpointC).toBeNull();
    expect((await h.read()).output).toBe(0);
    expect(h.describe()).toMatchObject({ kind: 'software-pid', line: 'ssr', windowMs: 1000, setpointC: null });
  });

  it('writes the SSR only on change', async () => {
    const gpio = new InMemoryGpio();
    let writes = 0;
    const counting = { ...gpio, write: async (...a: Parameters<InMemoryGpio['write']>) => (writes++, gpio.write(...a)), read: gpio.read.bind(gpio), watch: gpio.watch.bind(gpio), close: gpio.close.bind(gpio) };
    const h = new SoftwareHeater({ reader: fixed({}), gpio: counting, pid: gains });
    await h.setSetpoint(150);
    for (let k = 0; k < 5; k++) await h.tick(k * 100);
    expect(writes).toBe(1);
  });
});

function rig() {
  const clock = new VirtualClock({ speed: 0, startMs: 0 });
  const gpio = new InMemoryGpio();
  const plant = new ThermalPlant({ clock, gpio });
  plant.start();
  const tc = new Max31855Emulator({ plant, noiseC: 0.1 });
  const heater = new SoftwareHeater({ reader: new Max31855Reader({ readWord: () => tc.read(), now: () => clock.now() }), gpio, pid: gains, windowMs: 1000 });
  return { clock, gpio, plant, tc, heater };
}

describe('SoftwareHeater on the sim plate (ThermalPlant + MAX31855 emulator + InMemoryGpio)', () => {
  it('recovers from 10 min of saturation (broken element) without a windup overshoot', async () => {
    const { clock, plant, heater } = rig();
    plant.setHeaterBroken(true);
    await heater.setSetpoint(120);
    let peak = -Infinity;
    for (let k = 0; k < 2400 * 10; k++) {
      if (k === 6000) plant.setHeaterBroken(false);
      await clock.advance(100);
      await heater.tick(clock.now());
      peak = Math.max(peak, plant.temperatureC);
    }
    plant.stop();
    expect(peak - 120).toBeLessThan(0.05 * 98);
    expect(Math.abs(plant.temperatureC - 120)).toBeLessThan(1);
  }, 60_000);

  it('a thermocouple fault switches the SSR off at the next tick', async () => {
    const { clock, gpio, plant, tc, heater } = rig();
    await heater.setSetpoint(150);
    await clock.advance(100);
    await heater.tick(clock.now());
    expect(gpio.level('ssr')).toBe(1);
    tc.setFault('shortVcc');
    await clock.advance(100);
    expect(await heater.tick(clock.now())).toMatchObject({ fault: 'shortVcc', temperatureC: null, output: 0 });
    expect(gpio.level('ssr')).toBe(0);
    plant.stop();
  });

  it('heats 22 -> 150 C through a 5 s dead time, overshoot < 3 %, holds +-1 C', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 0 });
    const gpio = new InMemoryGpio();
    const plant = new ThermalPlant({ clock, gpio });
    plant.start();
    const tc = new Max31855Emulator({ plant, noiseC: 0.1 });
    const heater = new SoftwareHeater({ reader: new Max31855Reader({ readWord: () => tc.read(), now: () => clock.now() }), gpio, pid: gains, windowMs: 1000 });
    await heater.setSetpoint(150);
    let peak = -Infinity;
    const late: number[] = [];
    for (let k = 0; k < 2400 * 10; k++) {
      await clock.advance(100);
      const t = await heater.tick(clock.now());
      peak = Math.max(peak, plant.temperatureC);
      if (k > 1800 * 10) late.push(t.temperatureC!);
    }
    plant.stop();
    expect(peak - 150).toBeLessThan(0.03 * 128);
    expect(Math.max(...late.map((x) => Math.abs(x - 150)))).toBeLessThan(1);
  }, 60_000);
});
