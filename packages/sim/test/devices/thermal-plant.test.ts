import { describe, expect, it } from 'vitest';
import { InMemoryGpio } from '../../src/devices/gpio';
import { ThermalPlant } from '../../src/devices/thermal-plant';
import { VirtualClock } from '../../src/virtual-clock';

const setup = () => {
  const clock = new VirtualClock({ speed: 0, startMs: 0 });
  const gpio = new InMemoryGpio();
  const plant = new ThermalPlant({ clock, gpio, ambientC: 20, gainC: 200, timeConstantS: 120, deadTimeS: 5 });
  plant.start();
  return { clock, gpio, plant };
};

describe('ThermalPlant (first order plus dead time, docs/devices.md §3)', () => {
  it('follows the FOPDT step response: flat during the dead time, 63 % after one time constant', async () => {
    const { clock, gpio, plant } = setup();
    await gpio.write('ssr', 1);
    await clock.advance(5_000);
    expect(plant.temperatureC).toBeCloseTo(20, 9);
    await clock.advance(120_000);
    expect(plant.temperatureC).toBeCloseTo(20 + 200 * (1 - Math.exp(-1)), 6);
    await clock.advance(1_200_000);
    expect(plant.temperatureC).toBeCloseTo(220, 2);
  });

  it('cools back to ambient with the same time constant once the SSR opens', async () => {
    const { clock, gpio, plant } = setup();
    await gpio.write('ssr', 1);
    await clock.advance(2_000_000);
    await gpio.write('ssr', 0);
    await clock.advance(5_000 + 120_000);
    expect(plant.temperatureC).toBeCloseTo(20 + 200 * Math.exp(-1), 2);
  });

  it('heats by the true duty of a time-proportioned SSR (1 s window, 25 %)', async () => {
    const { clock, gpio, plant } = setup();
    const stop = clock.every(1_000, () => {
      void gpio.write('ssr', 1);
      void clock.sleep(250).then(() => gpio.write('ssr', 0));
    });
    await clock.advance(3_000_000);
    stop();
    expect(plant.temperatureC).toBeGreaterThan(20 + 50 - 0.5);
    expect(plant.temperatureC).toBeLessThan(20 + 50 + 0.5);
  });

  it('notifies each step and cannot heat with a broken element', async () => {
    const { clock, gpio, plant } = setup();
    const seen: number[] = [];
    plant.onChange((t) => seen.push(t));
    plant.setHeaterBroken();
    await gpio.write('ssr', 1);
    await clock.advance(60_000);
    expect(seen).toHaveLength(600);
    expect(plant.temperatureC).toBeCloseTo(20, 9);
    plant.stop();
    await clock.advance(1_000);
    expect(seen).toHaveLength(600);
  });
});
