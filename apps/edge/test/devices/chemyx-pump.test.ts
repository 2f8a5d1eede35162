import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import { ChemyxPump } from '../../src/devices/chemyx-pump';
import { DeviceError } from '../../src/devices/errors';
import { ScriptedChemyx } from './helpers/scripted-chemyx';

const limits = { syringeVolumeUl: 50_000, innerDiameterMm: 28.6, minRateUlMin: 5, maxRateUlMin: 5_000 };
const pumps: ChemyxPump[] = [];
const make = (dev = new ScriptedChemyx(), timeoutMs = 200) => {
  const pump = new ChemyxPump(dev, { name: 'pump:test', limits, timeoutMs });
  pumps.push(pump);
  return { dev, pump };
};
afterEach(async () => {
  await Promise.all(pumps.splice(0).map((p) => p.close()));
});

const code = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(DeviceError);
  return (e as DeviceError).code;
};

describe('ChemyxPump over an in-memory duplex', () => {
  it('connects: units 2, diameter with 3 decimals, verified', async () => {
    const { dev, pump } = make();
    await pump.connect();
    expect(dev.received).toEqual(['set units 2', 'set diameter 28.6', 'status']);
    expect(pump.describe()).toMatchObject({ kind: 'chemyx-fusion-6000', connected: true, diameterMm: 28.6, lastStatus: 'stopped' });
  });

  it('runs: set rate + set volume verified, then start; reads status and dispensed volume', async () => {
    const { dev, pump } = make();
    await pump.connect();
    await pump.run({ rateUlMin: 650, volumeUl: 110, contentsUl: 10_000 });
    expect(dev.received.slice(3)).toEqual(['set units 2', 'set diameter 28.6', 'set rate 650', 'set volume 110', 'start']);
    dev.dispensed = 12.5;
    const r = await pump.read();
    expect(r).toMatchObject({ status: 'running', dispensedUl: 12.5 });
    expect(await pump.elapsedMin()).toBe(0.12);
    await pump.pause();
    expect(await pump.status()).toBe('paused');
    await pump.stop();
    expect(await pump.status()).toBe('stopped');
    expect(pump.describe().programmed).toEqual({ rateUlMin: 650, volumeUl: 110 });
  });

  it('tolerates no echo and \\n\\r line ends', async () => {
    const { pump } = make(new ScriptedChemyx({ echo: false, eol: '\n\r' }));
    await pump.connect();
    await pump.set({ rateUlMin: 10.25, volumeUl: -100, contentsUl: 0 });
  });

  it('queues concurrent commands one at a time', async () => {
    const { dev, pump } = make();
    await pump.connect();
    dev.status = 1;
    dev.dispensed = 3;
    const [s, d, s2] = await Promise.all([pump.status(), pump.dispensedUl(), pump.status()]);
    expect([s, d, s2]).toEqual(['running', 3, 'running']);
  });

  it('reports stall as status stalled', async () => {
    const { dev, pump } = make();
    await pump.connect();
    dev.status = 4;
    expect(await pump.status()).toBe('stalled');
  });

  it('silent clamp -> LIMIT with requested and actual values', async () => {
    const { pump } = make(new ScriptedChemyx({ maxRate: 1000 }));
    await pump.connect();
    const e = await pump.set({ rateUlMin: 2000, volumeUl: 100, contentsUl: 10_000 }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'LIMIT', requested: 2000, actual: 1000 });
    await expect(pump.start()).rejects.toMatchObject({ code: 'LIMIT' });
  });

  it('refuses runs outside the limits or larger than contents - margin, without sending', async () => {
    const { dev, pump } = make();
    await pump.connect();
    const n = dev.received.length;
    expect(await code(pump.run({ rateUlMin: 1, volumeUl: 100, contentsUl: 10_000 }))).toBe('LIMIT');
    expect(await code(pump.run({ rateUlMin: 6000, volumeUl: 100, contentsUl: 10_000 }))).toBe('LIMIT');
    expect(await code(pump.run({ rateUlMin: 100, volumeUl: 9_600, contentsUl: 10_000 }))).toBe('LIMIT');
    expect(await code(pump.run({ rateUlMin: 100, volumeUl: -45_000, contentsUl: 5_000 }))).toBe('LIMIT');
    expect(await code(pump.run({ rateUlMin: 100, volumeUl: 0, contentsUl: 5_000 }))).toBe('LIMIT');
    expect(await code(pump.run({ rateUlMin: NaN, volumeUl: 1, contentsUl: 5_000 }))).toBe('LIMIT');
    expect(dev.received.length).toBe(n);
    await pump.run({ rateUlMin: 100, volumeUl: 9_500, contentsUl: 10_000 });
  });

  it('no reply -> TIMEOUT, then recovers and drops the late stale reply', async () => {
    const { dev, pump } = make(new ScriptedChemyx({ delayMs: 2 }), 100);
    await pump.connect();
    dev.silent = true;
    expect(await code(pump.status())).toBe('TIMEOUT');
    expect(pump.describe().consecutiveTimeouts).toBe(1);
    dev.silent = false;
    const discarded = vi.fn();
    pump.on('frame-discarded', discarded);
    // The late reply to `status` arrives while `dispensed volume` is in flight: it must be dropped.
    dev.dispensed = 7;
    const p = pump.dispensedUl();
    dev.send('status\r\n0\r\n>');
    expect(await p).toBe(7);
    expect(discarded).toHaveBeenCalledTimes(1);
    expect(pump.describe().consecutiveTimeouts).toBe(0);
  });

  it('ignores bare prompts and unsolicited frames', async () => {
    const { dev, pump } = make();
    dev.send('>\r\n>');
    await pump.connect();
    dev.send('hello>');
    expect(await pump.status()).toBe('stopped');
  });

  it('garbled reply -> PROTOCOL', async () => {
    const { dev, pump } = make();
    await pump.connect();
    dev.garbleNext = '\x00\xff#@!>';
    expect(await code(pump.status())).toBe('PROTOCOL');
    dev.garbleNext = 'rate = abc>';
    expect(await code(pump.set({ rateUlMin: 100, volumeUl: 10, contentsUl: 5000 }))).toBe('PROTOCOL');
    dev.garbleNext = 'dispensed volume\r\nnothing>';
    expect(await code(pump.dispensedUl())).toBe('PROTOCOL');
  });

  it('read limit parameter without four numbers -> PROTOCOL', async () => {
    const { dev, pump } = make();
    await pump.connect();
    dev.garbleNext = 'read limit parameter\r\n1 2 3\r\n>';
    expect(await code(pump.readLimits('volume-first'))).toBe('PROTOCOL');
  });

  it('Invalid Command! -> NACK', async () => {
    const { dev, pump } = make();
    await pump.connect();
    dev.garbleNext = 'status\r\nInvalid Command!\r\n>';
    expect(await code(pump.status())).toBe('NACK');
  });

  it('disconnect -> DISCONNECTED for pending and later commands, emitted as error and disconnect', async () => {
    const { dev, pump } = make();
    await pump.connect();
    const errors: DeviceError[] = [];
    pump.on('error', (e: DeviceError) => errors.push(e));
    dev.silent = true;
    const p = pump.status();
    await new Promise((r) => setTimeout(r, 10));
    dev.destroy();
    expect(await code(p)).toBe('DISCONNECTED');
    expect(await code(pump.status())).toBe('DISCONNECTED');
    expect(errors.map((e) => e.code)).toEqual(['DISCONNECTED']);
    expect(pump.describe().connected).toBe(false);
  });

  it('does not throw when the link dies and nobody listens for errors', async () => {
    const { dev, pump } = make();
    await pump.connect();
    dev.emit('error', new Error('EIO'));
    expect(await code(pump.status())).toBe('DISCONNECTED');
  });

  it('reconnects through reopen() and requires a new set before start', async () => {
    let dev = new ScriptedChemyx();
    const pump = new ChemyxPump(dev, { name: 'pump:r', limits, timeoutMs: 200, reopen: async () => (dev = new ScriptedChemyx()) });
    pumps.push(pump);
    await pump.connect();
    await pump.set({ rateUlMin: 100, volumeUl: 10, contentsUl: 5000 });
    dev.destroy();
    await pump.reconnect();
    expect(dev.received).toEqual(['set units 2', 'set diameter 28.6', 'status']);
    expect(await code(pump.start())).toBe('LIMIT');
  });
});

describe('ChemyxPump over SerialPortMock', () => {
  it('talks through the serialport stream; close() closes the port', async () => {
    const path = '/dev/fake-chemyx';
    // docs/conventions.md §13 trap: create the port through SerialPortMock's own binding copy (ESM loads a second one).
    const mockBinding = SerialPortMock.binding as unknown as { createPort(path: string, opts: { echo: boolean; record: boolean }): void };
    mockBinding.createPort(path, { echo: false, record: true });
    const port = new SerialPortMock({ path, baudRate: 9600, autoOpen: false });
    // Answer every command written to the mock's binding with a canned reply; re-hooked on every
    // open, since each open makes a new binding port (typed loosely: its package types are not a direct dependency).
    const answer = (line: string) => (line.startsWith('set units') ? 'units = 2' : line.startsWith('set diameter') ? 'diameter = 28.600' : '0');
    const hookBinding = () => {
      const binding = port.port as unknown as { emitData(d: string): void; write(b: Buffer): Promise<void> };
      const origWrite = binding.write.bind(binding);
      binding.write = async (b: Buffer) => {
        for (const line of b.toString().split('\r').filter(Boolean)) setTimeout(() => binding.emitData(`${line}\r\n${answer(line)}\r\n>`), 1);
        return origWrite(b);
      };
    };
    port.on('open', hookBinding);
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    const pump = new ChemyxPump(port, { name: 'pump:mock', limits, timeoutMs: 300 });
    pumps.push(pump);
    await pump.connect();
    expect(await pump.status()).toBe('stopped');
    await pump.close();
    expect(port.isOpen).toBe(false);
    expect(await code(pump.status())).toBe('DISCONNECTED');
    // Without a reopen() option, reconnect re-opens the same port.
    await pump.reconnect();
    expect(port.isOpen).toBe(true);
    expect(await pump.status()).toBe('stopped');
  });

  it('reconnect without reopen() on a transport that cannot open -> DISCONNECTED', async () => {
    const { pump } = make();
    await pump.connect();
    expect(await code(pump.reconnect())).toBe('DISCONNECTED');
  });
});
