import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChemyxPumpEmulator, type ChemyxPumpOptions } from '../../src/devices/chemyx-pump';
import { createDuplexPair } from '../../src/devices/duplex-pair';
import { serveOnPty, type SerialPtyLink } from '../../src/devices/serial-pty-server';
import { RealClock } from '@sdfl/hal';
import { PromptReader, socatAvailable } from './helpers';

/** One side of a live link to a pump emulator, as a driver would hold it. */
interface Rig {
  host: Duplex;
  pump: ChemyxPumpEmulator;
  reader: PromptReader;
  /** Simulates the host going away (closes the driver side only). */
  hostGone(): Promise<void>;
  /** Re-opens the driver side after `hostGone` or a link disconnect. */
  reopen(): Promise<void>;
  link?: SerialPtyLink;
  close(): Promise<void>;
}

type MakeRig = (options?: Partial<ChemyxPumpOptions>) => Promise<Rig>;
const FAST: Partial<ChemyxPumpOptions> = { replyLatencyMs: [2, 5] };

const inMemory: MakeRig = async (options) => {
  const pump = new ChemyxPumpEmulator({ clock: new RealClock(), ...FAST, ...options });
  const rig: Rig = {
    host: null as unknown as Duplex,
    pump,
    reader: null as unknown as PromptReader,
    async hostGone() {
      rig.host.destroy();
    },
    async reopen() {
      const [host, device] = createDuplexPair();
      pump.attach(device);
      rig.host = host;
      rig.reader = new PromptReader(host);
    },
    async close() {
      rig.host.destroy();
      pump.dispose();
    },
  };
  await rig.reopen();
  return rig;
};

const openPort = (path: string) =>
  new Promise<SerialPort>((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 38_400 }, (err) => (err ? reject(err) : resolve(port)));
  });

const overPty: MakeRig = async (options) => {
  const pump = new ChemyxPumpEmulator({ clock: new RealClock(), ...FAST, ...options });
  const link = await serveOnPty(pump, { baudRate: 38_400 });
  const rig: Rig = {
    host: null as unknown as Duplex,
    pump,
    link,
    reader: null as unknown as PromptReader,
    async hostGone() {
      const port = rig.host as SerialPort;
      if (port.isOpen) await new Promise((r) => port.close(r));
    },
    async reopen() {
      const port = await openPort(link.path);
      port.on('error', () => undefined);
      rig.host = port;
      rig.reader = new PromptReader(port);
    },
    async close() {
      await rig.hostGone().catch(() => undefined);
      await link.stop();
      pump.dispose();
    },
  };
  await rig.reopen();
  return rig;
};

/** Conformance suite of the Chemyx wire protocol (docs/devices.md §1), run on every transport. */
function describeChemyxWire(name: string, makeRig: MakeRig, enabled = true): void {
  describe.skipIf(!enabled)(`Chemyx Fusion 6000 emulator over ${name}`, () => {
    let rig: Rig;
    const send = async (cmd: string, timeoutMs = 1000) => {
      rig.host.write(cmd);
      return rig.reader.reply(timeoutMs);
    };
    const ask = async (cmd: string) => (await send(`${cmd}\r`)).split('\r\n');
    const statusOf = async () => Number((await ask('status'))[1]);

    beforeEach(async () => {
      rig = await makeRig();
    });
    afterEach(async () => {
      await rig.close();
    });

    it('echoes the command, ends reply lines with \\r\\n and prompts with a bare >', async () => {
      expect(await send('set units 2\r')).toBe('set units 2\r\nunits = 2\r\n>');
      expect(await send('set diameter 26.594\r')).toBe('set diameter 26.594\r\ndiameter = 26.594\r\n>');
      expect(await send('set units 0\r')).toBe('set units 0\r\nunits = 0\r\n>');
      expect(await send('set volume 0.11\r')).toBe('set volume 0.11\r\nvolume = 0.110000\r\n>');
      expect(await send('set rate 0.65,1\r')).toBe('set rate 0.65,1\r\nrate = 0.650000,1.000000\r\n>');
      expect(await send('set delay 1\r')).toBe('set delay 1\r\ndelay = 1.000000\r\n>');
      expect(rig.reader.drain().length).toBe(0);
    });

    it('accepts \\r\\n as one terminator and rejects a bare \\n, a leading space and upper case', async () => {
      expect(await send('status\r\n')).toBe('status\r\n0\r\n>');
      expect(await send('status\n')).toBe('status\r\nInvalid Command!\r\n>');
      expect(await send(' status\r')).toBe(' status\r\nInvalid Command!\r\n>');
      expect(await send('STATUS\r')).toBe('STATUS\r\nInvalid Command!\r\n>');
      expect(await send('set rate fast\r')).toBe('set rate fast\r\nInvalid Command!\r\n>');
      expect(await send('pump status\r')).toBe('pump status\r\n0\r\n>');
      await new Promise((r) => setTimeout(r, 50));
      expect(rig.reader.drain().length).toBe(0); // nothing extra, e.g. for the \n of \r\n
    });

    it('answers commands in order when they arrive in one write', async () => {
      rig.host.write('set units 2\rset volume 5\r');
      expect(await rig.reader.reply()).toBe('set units 2\r\nunits = 2\r\n>');
      expect(await rig.reader.reply()).toBe('set volume 5\r\nvolume = 5.000000\r\n>');
    });

    it('clamps out-of-range settings and shows the clamped value (no error codes)', async () => {
      await ask('set units 2');
      await ask('set diameter 28.6');
      const limits = (await ask('read limit parameter'))[1]!.split(' ').map(Number);
      expect(limits).toHaveLength(4);
      const [maxVol, minVol, maxRate, minRate] = limits as [number, number, number, number];
      const area = (Math.PI * 28.6 ** 2) / 4;
      expect(maxRate).toBeCloseTo(area * 60, 4);
      expect(maxVol).toBeGreaterThan(minVol);
      expect(minRate).toBeGreaterThan(0);
      expect((await ask('set rate 99999999'))[1]).toBe(`rate = ${maxRate.toFixed(6)}`);
      expect((await ask('set volume -99999999'))[1]).toBe(`volume = ${(-maxVol).toFixed(6)}`);
      expect((await ask('set diameter 500'))[1]).toBe('diameter = 60.000');
      expect((await ask('set units 7'))[1]).toBe('units = 3');
    });

    it('converts units, derives the rate from set time, and lists the parameters', async () => {
      await ask('set units 2');
      await ask('set diameter 28.6');
      await ask('set volume 120');
      expect((await ask('set time 2'))[1]).toBe('time = 2.000000'); // 120 uL over 2 min -> 60 uL/min
      expect((await ask('set units 1'))[1]).toBe('units = 1'); // mL/hr: the same physical settings
      expect(await ask('view parameter')).toEqual([
        'view parameter',
        'units = 1',
        'diameter = 28.600',
        'rate = 3.600000',
        'volume = 0.120000',
        'delay = 0.000000',
        'time = 2.000000',
        '>',
      ]);
      const help = await ask('help');
      expect(help).toContain('read limit parameter');
      expect(help.at(-1)).toBe('>');
    });

    it('runs rate x time, stops by itself at the programmed volume, and start from stopped resets', async () => {
      await ask('set units 2');
      await ask('set volume 20');
      await ask('set rate 6000'); // 100 uL/s: 20 uL take 200 ms
      const before = rig.pump.state().contentsUl;
      expect((await ask('start'))[1]).toBe('Pump start running...');
      expect(await statusOf()).toBe(1);
      await new Promise((r) => setTimeout(r, 350));
      expect(await statusOf()).toBe(0);
      const dispensed = (await ask('dispensed volume'))[1]!;
      expect(dispensed).toBe('dispensed volume = 20.0000');
      expect((await ask('elapsed time'))[1]).toMatch(/^elapsed time = 0\.00$/);
      expect(rig.pump.state().contentsUl).toBeCloseTo(before - 20, 6);
      await ask('start');
      const restarted = Number((await ask('dispensed volume'))[1]!.split(' ').at(-1));
      expect(restarted).toBeLessThan(20);
      await ask('stop');
    });

    it('reports stopped 0, running 1, paused 2, delayed 3 and stalled 4', async () => {
      await ask('set volume 1000');
      await ask('set rate 100');
      expect(await statusOf()).toBe(0);
      await ask('start');
      expect(await statusOf()).toBe(1);
      expect((await ask('pause'))[1]).toBe('Pump pause!');
      expect(await statusOf()).toBe(2);
      await ask('start');
      expect(await statusOf()).toBe(1);
      expect((await ask('stop'))[1]).toBe('Pump stop!');
      expect(await statusOf()).toBe(0);
      await ask('set delay 1');
      await ask('start');
      expect(await statusOf()).toBe(3);
      await ask('stop');
    });

    it('stall fault: status 4 and the dispensed volume stays flat', async () => {
      await ask('set volume 1000');
      await ask('set rate 6000');
      await ask('start');
      rig.pump.injectStall();
      expect(await statusOf()).toBe(4);
      const a = (await ask('dispensed volume'))[1];
      await new Promise((r) => setTimeout(r, 100));
      expect((await ask('dispensed volume'))[1]).toBe(a);
      expect(rig.pump.state().rateUlMin).toBe(0);
    });

    it('no-reply fault: no echo, no prompt; the pump answers again once cleared', async () => {
      rig.pump.setNoReply();
      await expect(send('status\r', 300)).rejects.toThrow(/no '>'/);
      expect(rig.reader.drain().length).toBe(0);
      rig.pump.setNoReply(false);
      expect(await send('status\r')).toBe('status\r\n0\r\n>');
    });

    it('garbled fault: a prompt-framed reply whose bytes are not the reply', async () => {
      rig.pump.setGarbled();
      const reply = await send('status\r');
      expect(reply.endsWith('>')).toBe(true);
      expect(reply).toHaveLength('status\r\n0\r\n>'.length);
      expect(reply).not.toContain('status');
      expect(reply.slice(0, -1)).not.toMatch(/[\r\n>]/);
    });

    it('keeps running when the host goes away', async () => {
      await ask('set volume 30');
      await ask('set rate 6000');
      await ask('start');
      await rig.hostGone();
      await new Promise((r) => setTimeout(r, 400));
      expect(rig.pump.state().status).toBe(0);
      expect(rig.pump.state().dispensedUl).toBeCloseTo(30, 6);
      await rig.reopen();
      expect((await ask('dispensed volume'))[1]).toBe('dispensed volume = 30.0000');
    });

    it('disconnect fault: the host side sees the link die, the run goes on', async () => {
      await ask('set volume 1000');
      await ask('set rate 600');
      await ask('start');
      const closed = new Promise<void>((resolve) => rig.host.once('close', () => resolve()));
      rig.pump.disconnect();
      // A PTY only reports the dead master on the next write (EIO), like an unplugged USB adapter.
      if (rig.link) {
        await new Promise((r) => setTimeout(r, 50));
        rig.host.write('status\r');
      }
      await closed;
      expect(rig.pump.attached).toBe(false);
      expect(rig.pump.state().status).toBe(1);
      if (rig.link) {
        expect(rig.link.connected).toBe(false);
        await rig.link.reconnect();
      }
      await rig.reopen();
      expect(await statusOf()).toBe(1);
      await ask('stop');
    });
  });
}

const socat = socatAvailable();
describeChemyxWire('an in-memory duplex pair', inMemory);
describeChemyxWire('a socat PTY opened with serialport', overPty, socat);

describe('Chemyx emulator limit order', () => {
  it("'rate-first' puts maxRate minRate before maxVol minVol", async () => {
    const rig = await inMemory({ limitOrder: 'rate-first', diameterMm: 10, maxSpeedMmMin: 10, maxTravelMm: 100 });
    try {
      rig.host.write('read limit parameter\r');
      const [, line] = (await rig.reader.reply()).split('\r\n');
      const area = (Math.PI * 100) / 4;
      expect(line!.split(' ').map(Number)[0]).toBeCloseTo(area * 10, 5);
      expect(line!.split(' ').map(Number)[2]).toBeCloseTo(area * 100, 5);
    } finally {
      await rig.close();
    }
  });
});

describe.skipIf(!socat)('Chemyx emulator defaults over a PTY', () => {
  it('answers after 50-100 ms of real time', async () => {
    const rig = await overPty({ replyLatencyMs: undefined });
    try {
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        rig.host.write('status\r');
        await rig.reader.reply();
        const dt = performance.now() - t0;
        expect(dt).toBeGreaterThanOrEqual(49);
        expect(dt).toBeLessThan(300); // generous: CI runs every project in parallel
      }
    } finally {
      await rig.close();
    }
  });
});
