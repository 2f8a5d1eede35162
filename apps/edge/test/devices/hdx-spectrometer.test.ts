import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTcp, HdxSpectrometer } from '../../src/devices/hdx-spectrometer';
import { DeviceError } from '../../src/devices/errors';
import { encodeFrame, OBP, OBP_FLAGS } from '../../src/devices/obp-codec';
import { ScriptedObpServer } from './helpers/scripted-obp-server';

const code = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof DeviceError)) throw new Error(`expected a DeviceError, got ${String(e)}`);
  return e.code;
};

describe('HdxSpectrometer over TCP (scripted OBP server)', () => {
  let server: ScriptedObpServer;
  let hdx: HdxSpectrometer;
  let port: number;
  beforeEach(async () => {
    server = new ScriptedObpServer();
    port = await server.listen();
    hdx = new HdxSpectrometer(await connectTcp('127.0.0.1', port), { timeoutMs: 300, acquisitionMarginMs: 200, now: () => 42 });
  });
  afterEach(async () => {
    await hdx.close();
    await server.close();
  });

  it('connects: serial number, 2068 wavelengths from the polynomial, settings applied with ACK requested', async () => {
    await hdx.connect({ integrationUs: 10_000, scans: 2, boxcar: 3 });
    expect(hdx.describe()).toEqual({ kind: 'ocean-hdx', name: 'hdx', serialNumber: 'HDX01234', pixels: 2068, connected: true, integrationUs: 10_000, scans: 2, boxcar: 3 });
    const sets = server.received.filter((f) => [OBP.setIntegrationTime, OBP.setScansToAverage, OBP.setBoxcar].includes(f.messageType as never));
    expect(sets.every((f) => (f.flags & OBP_FLAGS.ackRequested) !== 0)).toBe(true);
    expect(server.received.find((f) => f.messageType === OBP.serialNumber)!.flags & OBP_FLAGS.ackRequested).toBe(0);
    const wl = await hdx.readWavelengths();
    expect(wl).toHaveLength(2068);
    const i = 1000;
    expect(wl[i]).toBeCloseTo(Math.fround(200) + Math.fround(0.5) * i + Math.fround(1e-5) * i * i + Math.fround(-1e-9) * i ** 3, 6);
  });

  it('keeps the device integration time when none is given', async () => {
    server.integrationUs = 123_000;
    await hdx.connect();
    expect(hdx.describe()).toMatchObject({ integrationUs: 123_000, scans: 1, boxcar: 0 });
    expect(await hdx.getIntegrationTimeUs()).toBe(123_000);
  });

  it('acquires a spectrum: 2068 uint16 counts with settings and timestamp', async () => {
    await hdx.connect({ integrationUs: 6_000, scans: 3 });
    const s = await hdx.read();
    expect(s.counts).toHaveLength(2068);
    expect(s.counts[0]).toBe(1000);
    expect(s.counts[5]).toBe(65535);
    expect(s.wavelengthNm).toHaveLength(2068);
    expect(s).toMatchObject({ integrationUs: 6_000, scans: 3, boxcar: 0, acquiredAt: 42 });
  });

  it('checks ranges before sending -> LIMIT', async () => {
    await hdx.connect();
    const n = server.received.length;
    expect(await code(hdx.setIntegrationTimeUs(5_999))).toBe('LIMIT');
    expect(await code(hdx.setIntegrationTimeUs(10_000_001))).toBe('LIMIT');
    expect(await code(hdx.setIntegrationTimeUs(6_000.5))).toBe('LIMIT');
    expect(await code(hdx.setScansToAverage(0))).toBe('LIMIT');
    expect(await code(hdx.setScansToAverage(70_000))).toBe('LIMIT');
    expect(await code(hdx.setBoxcar(-1))).toBe('LIMIT');
    expect(await code(hdx.setBoxcar(256))).toBe('LIMIT');
    expect(server.received.length).toBe(n);
    await hdx.setIntegrationTimeUs(10_000_000);
  });

  it('NACK -> typed error with number and name', async () => {
    await hdx.connect();
    server.nack.set(OBP.setBoxcar, 6);
    const e = await hdx.setBoxcar(4).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'NACK', errorNumber: 6, errorName: 'PAYLOAD_INVALID' });
    server.nack.set(OBP.setLampEnable, 2);
    expect(await code(hdx.setLampEnable(true))).toBe('NACK');
  });

  it('spectrum timeout = integration x scans + margin -> TIMEOUT, late frame dropped', async () => {
    await hdx.connect({ integrationUs: 50_000, scans: 2 });
    server.spectrumDelayMs = 500; // > 100 ms + 200 ms margin
    const t0 = Date.now();
    const e = await hdx.getSpectrum().catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'TIMEOUT', timeoutMs: 300 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await hdx.serialNumber()).toBe('HDX01234'); // the late spectrum arrives meanwhile or after, never taken
    server.spectrumDelayMs = 0;
    await new Promise((r) => setTimeout(r, 300));
    expect((await hdx.getSpectrum()).counts).toHaveLength(2068);
  });

  it('no reply -> TIMEOUT on queries', async () => {
    await hdx.connect();
    server.silent = true;
    expect(await code(hdx.serialNumber())).toBe('TIMEOUT');
  });

  it('garbled reply -> PROTOCOL; stale frames of another type are skipped', async () => {
    await hdx.connect();
    const bad = encodeFrame({ messageType: OBP.serialNumber, flags: 1, payload: Buffer.from('x'), checksum: true });
    bad[30] = bad[30]! ^ 0xff;
    server.garbleNext = bad;
    expect(await code(hdx.serialNumber())).toBe('PROTOCOL');
    server.before.push(encodeFrame({ messageType: OBP.getSpectrum, flags: 1 }));
    let discarded = 0;
    hdx.on('frame-discarded', () => discarded++);
    expect(await hdx.serialNumber()).toBe('HDX01234');
    expect(discarded).toBe(1);
  });

  it('a truncated frame times out once, then is dropped as debris', async () => {
    await hdx.connect();
    const head = encodeFrame({ messageType: OBP.serialNumber, flags: 1, payload: Buffer.alloc(100_000) }).subarray(0, 44);
    server.garbleNext = Buffer.from(head);
    expect(await code(hdx.serialNumber())).toBe('TIMEOUT');
    expect(await hdx.serialNumber()).toBe('HDX01234');
  });

  it('wrong spectrum length and bad coefficient count -> PROTOCOL', async () => {
    await hdx.connect();
    server.pixels = 2000;
    expect(await code(hdx.getSpectrum())).toBe('PROTOCOL');
    server.coeffs = [];
    expect(await code(hdx.readWavelengths())).toBe('PROTOCOL');
  });

  it('disconnect -> DISCONNECTED for the pending and later requests, error emitted', async () => {
    await hdx.connect({ integrationUs: 1_000_000 });
    const errors: string[] = [];
    hdx.on('error', (e: DeviceError) => errors.push(e.code));
    const p = hdx.getSpectrum();
    await new Promise((r) => setTimeout(r, 50));
    server.dropClients();
    expect(await code(p)).toBe('DISCONNECTED');
    expect(await code(hdx.serialNumber())).toBe('DISCONNECTED');
    expect(errors).toEqual(['DISCONNECTED']);
    expect(hdx.describe().connected).toBe(false);
  });

  it('getSpectrum before connect -> DISCONNECTED; connectTcp to a closed port -> DISCONNECTED', async () => {
    expect(await code(hdx.getSpectrum())).toBe('DISCONNECTED');
    await server.close();
    expect(await code(connectTcp('127.0.0.1', port, 500))).toBe('DISCONNECTED');
  });
});
