import { describe, expect, it } from 'vitest';
import { InMemoryGpio } from '../../src/devices/gpio';
import { HdxSpectrumModel } from '../../src/devices/hdx-spectrum';
import { HdxSpectrometerEmulator } from '../../src/devices/hdx-spectrometer';
import type { OpticalSampleSource } from '../../src/optics';
import { RealClock } from '@sdfl/hal';
import { buildFrame, countsOf, ObpTestClient } from './obp-client';

/** A product emitting a 450 nm band of relative height 1. */
const emitter: OpticalSampleSource = {
  sampleAt: () => ({
    absorbance: (wl) => new Float64Array(wl.length),
    emission: (wl) => Float64Array.from(wl, (nm) => Math.exp(-0.5 * ((nm - 450) / 12) ** 2)),
  }),
};

describe('InMemoryGpio', () => {
  it('starts with every line at 0, reads back writes, refuses to drive the e-stop input', async () => {
    const gpio = new InMemoryGpio();
    for (const line of ['ssr', 'uvLed', 'shutter', 'estop'] as const) expect(await gpio.read(line)).toBe(0);
    await gpio.write('ssr', 1);
    expect(await gpio.read('ssr')).toBe(1);
    await expect(gpio.write('estop', 1)).rejects.toMatchObject({ code: 'INPUT_LINE' });
  });

  it('calls watchers on edges only, including the e-stop hook, and stops after unwatch / close', async () => {
    const gpio = new InMemoryGpio();
    const seen: string[] = [];
    const off = gpio.watch('uvLed', (v) => seen.push(`led${v}`));
    gpio.watch('estop', (v) => seen.push(`estop${v}`));
    await gpio.write('uvLed', 1);
    await gpio.write('uvLed', 1);
    gpio.pressEstop();
    gpio.releaseEstop();
    off();
    await gpio.write('uvLed', 0);
    expect(seen).toEqual(['led1', 'estop1', 'estop0']);
    await gpio.close();
    await expect(gpio.read('ssr')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('maps the shutter level through the configured polarity', async () => {
    const normal = new InMemoryGpio();
    const inverted = new InMemoryGpio({ shutterOpenLevel: 0 });
    expect([normal.isShutterOpen(), inverted.isShutterOpen()]).toEqual([false, true]);
    await normal.write('shutter', 1);
    await inverted.write('shutter', 1);
    expect([normal.isShutterOpen(), inverted.isShutterOpen()]).toEqual([true, false]);
  });
});

describe('GPIO wiring to the spectrometers', () => {
  it('PL: LED off gives the dark spectrum only; LED on shows the 450 nm emission', async () => {
    const gpio = new InMemoryGpio();
    const hdx = new HdxSpectrometerEmulator({ role: 'pl', clock: new RealClock(), light: gpio, sample: emitter, timeScale: 0.01 });
    const { port } = await hdx.start();
    const client = await ObpTestClient.connect(port);
    try {
      const spectrum = async () => countsOf(await client.request({ type: 0x00101000 }));
      const wl = new HdxSpectrumModel({ role: 'pl' }).wavelengthsNm;
      const at = (nm: number) => wl.findIndex((l) => l >= nm);
      const off = await spectrum();
      expect(Math.max(...off)).toBeLessThan(1700); // offset 1500 + pattern + noise only
      expect(Math.abs(off[at(450)]! - off[at(700)]!)).toBeLessThan(150);
      await gpio.write('uvLed', 1);
      const on = await spectrum();
      expect(on[at(450)]! - off[at(450)]!).toBeGreaterThan(15_000); // 1 x 200 000 counts/s x 100 ms
      expect(on[at(700)]! - off[at(700)]!).toBeLessThan(100);
      await gpio.write('uvLed', 0);
      expect(Math.max(...(await spectrum()))).toBeLessThan(1700);
      // The absorption shutter does not light the PL path.
      await gpio.write('shutter', 1);
      client.send(buildFrame({ type: 0x00110410, imm: [1] }));
      expect(Math.max(...(await spectrum()))).toBeLessThan(1700);
    } finally {
      client.close();
      await hdx.stop();
    }
  });
});
