import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryGpio } from '../../src/devices/gpio';
import { HdxSpectrometerEmulator, type HdxSpectrometerOptions } from '../../src/devices/hdx-spectrometer';
import type { OpticalSampleSource } from '../../src/optics';
import { RealClock } from '@sdfl/hal';
import { buildFrame, countsOf, ObpTestClient } from './obp-client';

const T = {
  reset: 0x00000000,
  serial: 0x00000100,
  abort: 0x00100000,
  spectrum: 0x00101000,
  getInt: 0x00110000,
  setInt: 0x00110010,
  lamp: 0x00110410,
  setScans: 0x00120010,
  setBoxcar: 0x00121010,
  wlCount: 0x00180100,
  wlCoeff: 0x00180101,
  nlCount: 0x00181100,
  nlCoeff: 0x00181101,
};
const ACK_REQ = 0x0004;
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u16 = (v: number) => [v & 0xff, v >> 8];

/** A sample of constant absorbance 1 and no emission. */
const greySample: OpticalSampleSource = {
  sampleAt: () => ({ absorbance: (wl) => new Float64Array(wl.length).fill(1), emission: (wl) => new Float64Array(wl.length) }),
};

describe('HDX spectrometer emulator over TCP (OBP, docs/devices.md §2)', () => {
  let gpio: InMemoryGpio;
  let hdx: HdxSpectrometerEmulator;
  let client: ObpTestClient;
  const start = async (options: Partial<HdxSpectrometerOptions> = {}) => {
    await hdx?.stop();
    client?.close();
    hdx = new HdxSpectrometerEmulator({ role: 'absorption', clock: new RealClock(), light: gpio, timeScale: 0.02, ...options });
    const { port } = await hdx.start();
    client = await ObpTestClient.connect(port);
  };
  beforeEach(async () => {
    gpio = new InMemoryGpio();
    await start();
  });
  afterEach(async () => {
    client.close();
    await hdx.stop();
  });

  it('answers a query with an exact 64-byte frame: start, version, flags, type, immediate data, footer', async () => {
    const r = await client.request({ type: T.serial, regarding: 0xabcd });
    expect(r.raw).toHaveLength(64);
    expect([...r.raw.subarray(0, 4)]).toEqual([0xc1, 0xc0, 0x00, 0x11]);
    expect(r).toMatchObject({ flags: 0x0001, errorNo: 0, type: T.serial, regarding: 0xabcd, checksumType: 0, remaining: 20 });
    expect(r.imm.toString('ascii')).toBe('HDX-SIM-A1');
    expect([...r.raw.subarray(r.immLen + 24, 40)].every((b) => b === 0)).toBe(true);
    expect([...r.checksum].every((b) => b === 0)).toBe(true);
    expect([...r.footer]).toEqual([0xc5, 0xc4, 0xc3, 0xc2]);
  });

  it('ACKs a set-command when asked, stays silent otherwise, and keeps request order', async () => {
    const ack = await client.request({ type: T.setInt, flags: ACK_REQ, imm: u32(250_000) });
    expect(ack.raw).toHaveLength(64);
    expect(ack).toMatchObject({ flags: 0x0003, errorNo: 0, type: T.setInt, immLen: 0 });
    client.send(buildFrame({ type: T.setInt, imm: u32(20_000) }));
    const got = await client.request({ type: T.getInt });
    expect(got.imm.readUInt32LE(0)).toBe(20_000);
    expect(hdx.settings().integrationUs).toBe(20_000);
  });

  it('verifies MD5 checksums and signs its reply the same way', async () => {
    const ok = await client.request({ type: T.getInt, checksumType: 1 });
    expect(ok.checksumType).toBe(1);
    expect(ok.checksum.equals(createHash('md5').update(ok.raw.subarray(0, 44)).digest())).toBe(true);
    const bad = await client.request({ type: T.getInt, checksumType: 1, badSum: true });
    expect(bad).toMatchObject({ flags: 0x0009, errorNo: 3, type: T.getInt });
  });

  it('NACKs bad frames with the error numbers of docs/devices.md §2', async () => {
    const nack = async (spec: Parameters<typeof buildFrame>[0]) => {
      const r = await client.request(spec);
      expect(r.flags & 0x0008).toBe(0x0008);
      expect(r.raw).toHaveLength(64);
      return r.errorNo;
    };
    expect(await nack({ type: 0x00fe0000 })).toBe(2); // unknown message
    expect(await nack({ type: T.getInt, version: 0x1000 })).toBe(1); // bad protocol
    expect(await nack({ type: T.getInt, checksumType: 7 })).toBe(8); // unknown checksum type
    expect(await nack({ type: T.getInt, immLen: 17 })).toBe(5); // immediate length > 16
    expect(await nack({ type: T.getInt, remaining: 12 })).toBe(5); // bytes remaining < 16 + 4
    expect(await nack({ type: T.setInt, flags: ACK_REQ, imm: [1, 2] })).toBe(5); // uint32 expected
    expect(await nack({ type: T.setInt, flags: ACK_REQ, imm: u32(5_999) })).toBe(6); // < 6 ms
    expect(await nack({ type: T.setInt, flags: ACK_REQ, imm: u32(10_000_001) })).toBe(6); // > 10 s
    expect(await nack({ type: T.setScans, flags: ACK_REQ, imm: u16(0) })).toBe(6);
    expect(await nack({ type: T.wlCoeff, imm: [4] })).toBe(12); // no such coefficient
    expect(await nack({ type: T.getInt, payload: Buffer.alloc(8) })).toBe(5); // a <= 16-byte payload outside the immediate field
    // Garbage before a frame: one NACK 1, then the frame itself is still understood.
    client.send(Buffer.from('garbage!'));
    expect((await client.next()).errorNo).toBe(1);
    expect((await client.request({ type: T.getInt })).errorNo).toBe(0);
  });

  it('reassembles frames split across TCP segments and splits frames sent together', async () => {
    const two = Buffer.concat([buildFrame({ type: T.getInt, regarding: 1 }), buildFrame({ type: T.serial, regarding: 2 })]);
    for (const byte of two) {
      client.send(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    expect((await client.next()).regarding).toBe(1);
    expect((await client.next()).regarding).toBe(2);
  });

  it('returns the wavelength calibration (cubic, ~200-900 nm) and nonlinearity as float32', async () => {
    const n = (await client.request({ type: T.wlCount })).imm[0]!;
    expect(n).toBe(4);
    const c: number[] = [];
    for (let i = 0; i < n; i++) c.push((await client.request({ type: T.wlCoeff, imm: [i] })).imm.readFloatLE(0));
    const lambda = (p: number) => c.reduce((s, ck, k) => s + ck * p ** k, 0);
    expect(lambda(0)).toBeCloseTo(200, 0);
    expect(lambda(2067)).toBeCloseTo(900, 0);
    for (let p = 1; p < 2068; p++) expect(lambda(p)).toBeGreaterThan(lambda(p - 1));
    expect(c).toEqual(hdx.model.wavelengthCoeffs);
    const m = (await client.request({ type: T.nlCount })).imm[0]!;
    expect(m).toBe(8);
    expect((await client.request({ type: T.nlCoeff, imm: [0] })).imm.readFloatLE(0)).toBe(1);
  });

  it('returns a 2068-pixel spectrum (4136-byte payload) after integration x scans', async () => {
    await start({ timeScale: 1 });
    client.send(buildFrame({ type: T.setInt, imm: u32(60_000) }));
    client.send(buildFrame({ type: T.setScans, imm: u16(3) }));
    const t0 = performance.now();
    const r = await client.request({ type: T.spectrum, checksumType: 1 }, 2000);
    const dt = performance.now() - t0;
    expect(dt).toBeGreaterThanOrEqual(179);
    expect(dt).toBeLessThan(1000); // generous: CI runs every project in parallel
    expect(r).toMatchObject({ flags: 0x0001, errorNo: 0, type: T.spectrum, immLen: 0, remaining: 4136 + 20 });
    expect(r.payload).toHaveLength(4136);
    expect(r.raw).toHaveLength(4200);
    expect(r.checksum.equals(createHash('md5').update(r.raw.subarray(0, 44 + 4136)).digest())).toBe(true);
  });

  it('absorption: shutter closed gives dark only; open gives lamp x 10^-A', async () => {
    await start({ sample: greySample });
    const spectrum = async () => countsOf(await client.request({ type: T.spectrum }));
    const dark = await spectrum();
    expect(Math.max(...dark)).toBeLessThan(1700);
    await gpio.write('shutter', 1);
    const grey = await spectrum();
    await hdx.stop();
    await start(); // blank cell, same seed: the reference
    await gpio.write('shutter', 1);
    const ref = await spectrum();
    const peak = ref.indexOf(Math.max(...ref));
    expect(ref[peak]!).toBeGreaterThan(30_000);
    const t = (grey[peak]! - dark[peak]!) / (ref[peak]! - dark[peak]!);
    expect(t).toBeGreaterThan(0.095);
    expect(t).toBeLessThan(0.11); // 10^-1, within noise and ~1 % nonlinearity
    client.send(buildFrame({ type: T.lamp, imm: [0] }));
    expect(Math.max(...(await spectrum()))).toBeLessThan(1700); // lamp disabled
  });

  it('averaging scans lowers the noise by about sqrt(scans); boxcar smooths', async () => {
    const std = (a: number[], b: number[]) => {
      const d = a.map((x, i) => x - b[i]!);
      const m = d.reduce((s, x) => s + x, 0) / d.length;
      return Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / d.length);
    };
    const spectrum = async () => countsOf(await client.request({ type: T.spectrum }));
    const one = std(await spectrum(), await spectrum());
    client.send(buildFrame({ type: T.setScans, imm: u16(16) }));
    const sixteen = std(await spectrum(), await spectrum());
    expect(one / sixteen).toBeGreaterThan(2.5);
    client.send(buildFrame({ type: T.setScans, imm: u16(1) }));
    client.send(buildFrame({ type: T.setBoxcar, imm: [5] }));
    expect(std(await spectrum(), await spectrum())).toBeLessThan(one / 2);
  });

  it('abort jumps the queue: ACK at once, the running spectrum gets NACK 7', async () => {
    await start({ timeScale: 1 });
    client.send(buildFrame({ type: T.setInt, imm: u32(2_000_000) }));
    client.send(buildFrame({ type: T.spectrum }));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const ack = await client.request({ type: T.abort, flags: ACK_REQ });
    expect(ack).toMatchObject({ flags: 0x0003, type: T.abort });
    const aborted = await client.next();
    expect(aborted).toMatchObject({ flags: 0x0009, errorNo: 7, type: T.spectrum });
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('reset restores the power-on settings', async () => {
    client.send(buildFrame({ type: T.setInt, imm: u32(20_000) }));
    expect((await client.request({ type: T.reset, flags: ACK_REQ })).flags).toBe(0x0003);
    expect((await client.request({ type: T.getInt })).imm.readUInt32LE(0)).toBe(100_000);
  });

  it('timeout fault: no reply at all until cleared', async () => {
    hdx.setTimeoutFault();
    await expect(client.request({ type: T.getInt }, 300)).rejects.toThrow(/no frame/);
    hdx.setTimeoutFault(false);
    expect((await client.request({ type: T.getInt })).errorNo).toBe(0);
  });

  it('saturation fault: lit pixels clip at 65535', async () => {
    await gpio.write('shutter', 1);
    hdx.setSaturation();
    const counts = countsOf(await client.request({ type: T.spectrum }));
    expect(counts.filter((c) => c === 65_535).length).toBeGreaterThan(500);
  });

  it('disconnect fault: the connection drops and new ones are refused until reconnect', async () => {
    const { port } = hdx.address;
    hdx.disconnect();
    await expect(client.next(500)).rejects.toThrow(/closed/);
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => resolve(true));
      s.on('close', () => resolve(true));
      s.on('data', () => resolve(false));
    });
    expect(refused).toBe(true);
    hdx.reconnect();
    client = await ObpTestClient.connect(port);
    expect((await client.request({ type: T.getInt })).errorNo).toBe(0);
  });
});
