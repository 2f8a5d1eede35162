/** HDX driver against the packages/sim HDX emulator over real TCP on 127.0.0.1 (docs/devices.md §2). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTcp, HdxSpectrometer } from '../../src/devices/hdx-spectrometer';
import { DeviceError } from '../../src/devices/errors';
import { InMemoryGpio, RealClock } from './helpers/sim';
import { DEFAULT_WAVELENGTH_COEFFS, HdxSpectrometerEmulator } from './helpers/sim-hdx';

const code = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof DeviceError)) throw new Error(`expected a DeviceError, got ${String(e)}`);
  return e.code;
};

describe('HdxSpectrometer vs sim emulator over TCP', () => {
  let gpio: InMemoryGpio;
  let emu: HdxSpectrometerEmulator;
  let hdx: HdxSpectrometer;
  beforeEach(async () => {
    gpio = new InMemoryGpio({ shutterOpenLevel: 1 });
    emu = new HdxSpectrometerEmulator({ role: 'absorption', clock: new RealClock(), light: gpio, timeScale: 1 });
    const { host, port } = await emu.start();
    hdx = new HdxSpectrometer(await connectTcp(host, port), { name: 'hdx:abs', timeoutMs: 500, acquisitionMarginMs: 300 });
  });
  afterEach(async () => {
    await hdx.close();
    await emu.stop();
  });

  it('connects, reads the calibration and applies settings', async () => {
    await hdx.connect({ integrationUs: 10_000, scans: 2, boxcar: 1 });
    expect(hdx.describe()).toMatchObject({ serialNumber: 'HDX-SIM-A1', integrationUs: 10_000, scans: 2, boxcar: 1, connected: true });
    expect(emu.settings()).toMatchObject({ integrationUs: 10_000, scans: 2, boxcar: 1 });
    const wl = await hdx.readWavelengths();
    expect(wl).toHaveLength(2068);
    const c = DEFAULT_WAVELENGTH_COEFFS;
    expect(wl[0]).toBeCloseTo(c[0]!, 4);
    expect(wl[2067]).toBeCloseTo(c.reduceRight((acc, k) => acc * 2067 + k, 0), 3);
  });

  it('acquires dark and lit spectra', async () => {
    await hdx.connect({ integrationUs: 20_000, scans: 1 });
    const dark = await hdx.getSpectrum();
    await gpio.write('shutter', 1);
    const lit = await hdx.getSpectrum();
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(dark.counts).toHaveLength(2068);
    expect(mean(lit.counts)).toBeGreaterThan(mean(dark.counts));
    expect(lit.counts.every((x) => Number.isInteger(x) && x >= 0 && x <= 65535)).toBe(true);
    expect(emu.acquisitions).toBe(2);
  });

  it('device-side range check -> NACK with number and name', async () => {
    await hdx.connect();
    // The emulator accepts scans 1..5000 and boxcar 0..100 [I]; the driver's uint ranges are wider.
    expect(await hdx.setBoxcar(200).catch((e: unknown) => e)).toMatchObject({ code: 'NACK', errorNumber: 6, errorName: 'PAYLOAD_INVALID' });
    expect(await code(hdx.setScansToAverage(6000))).toBe('NACK');
  });

  it('no reply -> TIMEOUT (integration x scans + margin), recovers after the fault clears', async () => {
    await hdx.connect({ integrationUs: 100_000, scans: 2 });
    emu.setTimeoutFault(true);
    const t0 = Date.now();
    expect(await code(hdx.getSpectrum())).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(490); // 200 ms + 300 ms margin
    emu.setTimeoutFault(false);
    expect(await hdx.serialNumber()).toBe('HDX-SIM-A1');
  });

  it('stop aborts a long acquisition (NACK 7 NOT_READY for the spectrum)', async () => {
    await hdx.connect({ integrationUs: 2_000_000 });
    const spectrum = hdx.getSpectrum().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await hdx.stop();
    expect(Date.now() - t0).toBeLessThan(1500); // far below the 2 s exposure
    expect(await spectrum).toMatchObject({ code: 'NACK', errorNumber: 7, errorName: 'NOT_READY' });
    expect(await hdx.serialNumber()).toBe('HDX-SIM-A1');
  });

  it('cable pulled -> DISCONNECTED, error emitted', async () => {
    await hdx.connect({ integrationUs: 500_000 });
    const errors: string[] = [];
    hdx.on('error', (e: DeviceError) => errors.push(e.code));
    const p = hdx.getSpectrum();
    await new Promise((r) => setTimeout(r, 30));
    emu.disconnect();
    expect(await code(p)).toBe('DISCONNECTED');
    expect(errors).toEqual(['DISCONNECTED']);
  });
});
