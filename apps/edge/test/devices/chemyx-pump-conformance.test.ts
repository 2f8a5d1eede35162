/**
 * One pump suite (docs/conventions.md §3) run against the packages/sim Chemyx emulator in memory and
 * over a socat PTY with a real `serialport`, and against a real pump when SDFL_CHEMYX_PORT names
 * its port (read-only checks there: nothing is pumped).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChemyxPump } from '../../src/devices/chemyx-pump';
import { openSerialTransport, type SerialTransport } from '../../src/devices/chemyx-link';
import { DeviceError } from '../../src/devices/errors';
import { ChemyxPumpEmulator, createDuplexPair, RealClock, serveOnPty, socatAvailable } from './helpers/sim';

const limits = { syringeVolumeUl: 50_000, innerDiameterMm: 28.6, minRateUlMin: 5, maxRateUlMin: 5_000 };

interface Rig {
  transport: SerialTransport;
  emulator?: ChemyxPumpEmulator;
  /** Link down (as an unplugged adapter). */
  unplug?: () => Promise<void>;
  /** Link back up; returns a fresh transport. */
  replug?: () => Promise<SerialTransport>;
  cleanup: () => Promise<void>;
}

const code = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof DeviceError)) throw new Error(`expected a DeviceError, got ${String(e)}`);
  return e.code;
};
const until = async (cond: () => Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

// Emulator: 1 mm/min max plunger speed -> max rate ~642 uL/min with 28.6 mm, below our 5000 limit,
// so the clamp (LIMIT) path is reachable with an in-limit request. Latency 5-10 ms keeps tests quick.
const makeEmulator = () =>
  new ChemyxPumpEmulator({ clock: new RealClock(), diameterMm: 28.6, maxSpeedMmMin: 1, replyLatencyMs: [5, 10] });

function describePump(label: string, setup: () => Promise<Rig>, opts: { faults: boolean }) {
  describe(`ChemyxPump conformance: ${label}`, () => {
    let rig: Rig;
    let pump: ChemyxPump;
    beforeEach(async () => {
      rig = await setup();
      pump = new ChemyxPump(rig.transport, { name: `pump:${label}`, limits, timeoutMs: 500, reopen: rig.replug });
    });
    afterEach(async () => {
      await pump.close();
      await rig.cleanup();
    });

    it('connects and reads status', async () => {
      await pump.connect();
      expect(['stopped', 'running', 'paused', 'delayed', 'stalled']).toContain(await pump.status());
      expect(pump.describe()).toMatchObject({ connected: true, units: 'uL/min', diameterMm: 28.6 });
    });

    if (!opts.faults) return;

    it('runs to the programmed volume and stops by itself', async () => {
      await pump.connect();
      await pump.run({ rateUlMin: 600, volumeUl: 2, contentsUl: 10_000 });
      expect(await pump.status()).toBe('running');
      await until(async () => (await pump.status()) === 'stopped');
      expect(await pump.dispensedUl()).toBeCloseTo(2, 3);
      expect(await pump.elapsedMin()).toBeGreaterThanOrEqual(0); // 0.2 s shows as 0.00 min
    });

    it('pause and stop', async () => {
      await pump.connect();
      await pump.run({ rateUlMin: 10, volumeUl: 100, contentsUl: 10_000 });
      await pump.pause();
      expect(await pump.status()).toBe('paused');
      await pump.stop();
      expect(await pump.status()).toBe('stopped');
    });

    it('silent clamp -> LIMIT', async () => {
      await pump.connect();
      const e = await pump.set({ rateUlMin: 1000, volumeUl: 10, contentsUl: 10_000 }).catch((err: unknown) => err);
      expect(e).toMatchObject({ code: 'LIMIT', requested: 1000 });
      expect((e as { actual: number }).actual).toBeCloseTo(642.4, 0);
    });

    it('reads the limit parameters in the configured order', async () => {
      await pump.connect();
      const area = (Math.PI * 28.6 ** 2) / 4;
      const l = await pump.readLimits('volume-first');
      expect(l.maxRateUlMin).toBeCloseTo(area * 1, 3); // emulator: 1 mm/min, volume-first by default
      expect(l.maxVolumeUl).toBeCloseTo(area * 130, 2);
      expect(l.minVolumeUl).toBeLessThan(l.maxVolumeUl);
    });

    it('stall -> status stalled', async () => {
      await pump.connect();
      await pump.run({ rateUlMin: 10, volumeUl: 100, contentsUl: 10_000 });
      rig.emulator!.injectStall();
      expect(await pump.status()).toBe('stalled');
      await pump.stop();
    });

    it('no reply -> TIMEOUT, then recovers', async () => {
      await pump.connect();
      rig.emulator!.setNoReply(true);
      expect(await code(pump.status())).toBe('TIMEOUT');
      rig.emulator!.setNoReply(false);
      expect(await pump.status()).toBe('stopped');
    });

    it('garbled -> PROTOCOL', async () => {
      await pump.connect();
      rig.emulator!.setGarbled(true);
      expect(await code(pump.status())).toBe('PROTOCOL');
      rig.emulator!.setGarbled(false);
      expect(await pump.status()).toBe('stopped');
    });

    it('disconnect -> DISCONNECTED; the run goes on; reconnect re-arms the link', async () => {
      await pump.connect();
      await pump.run({ rateUlMin: 600, volumeUl: 50, contentsUl: 10_000 });
      const errors: string[] = [];
      pump.on('error', (e: DeviceError) => errors.push(e.code));
      const gone = new Promise((r) => pump.once('disconnect', r));
      await rig.unplug!();
      // Over a PTY the loss may show only when the driver next writes (EIO): poll until it does.
      await until(async () => (await code(pump.status()).catch(() => 'x')) === 'DISCONNECTED');
      await gone;
      expect(await code(pump.status())).toBe('DISCONNECTED');
      expect(errors).toContain('DISCONNECTED');
      expect(rig.emulator!.state().status).toBe(1); // docs/devices.md §1 safety fact: the run continues
      await pump.reconnect();
      expect(await pump.status()).toBe('running');
      await pump.stop();
    });
  });
}

describe('ChemyxPump limit order (sources disagree, docs/devices.md §1)', () => {
  it('rate-first emulator read with rate-first order', async () => {
    const emulator = new ChemyxPumpEmulator({ clock: new RealClock(), diameterMm: 28.6, maxSpeedMmMin: 1, replyLatencyMs: [1, 2], limitOrder: 'rate-first' });
    const [host, dev] = createDuplexPair();
    emulator.attach(dev);
    const pump = new ChemyxPump(host, { name: 'pump:lim', limits });
    await pump.connect();
    const l = await pump.readLimits('rate-first');
    expect(l.maxRateUlMin).toBeCloseTo((Math.PI * 28.6 ** 2) / 4, 3);
    expect(l.maxVolumeUl).toBeGreaterThan(l.maxRateUlMin);
    await pump.close();
    emulator.dispose();
  });
});

describePump(
  'emulator in memory',
  async () => {
    const emulator = makeEmulator();
    let [host, dev] = createDuplexPair();
    emulator.attach(dev);
    return {
      transport: host,
      emulator,
      unplug: async () => void host.destroy(),
      replug: async () => {
        [host, dev] = createDuplexPair();
        emulator.attach(dev);
        return host;
      },
      cleanup: async () => emulator.dispose(),
    };
  },
  { faults: true },
);

if (socatAvailable()) {
  describePump(
    'emulator over a socat PTY',
    async () => {
      const emulator = makeEmulator();
      const link = await serveOnPty(emulator, { baudRate: 38_400 });
      return {
        transport: await openSerialTransport(link.path, 38_400, 'pump:pty'),
        emulator,
        unplug: () => link.disconnect(),
        replug: async () => {
          await link.reconnect();
          return openSerialTransport(link.path, 38_400, 'pump:pty');
        },
        cleanup: async () => {
          await link.stop();
          emulator.dispose();
        },
      };
    },
    { faults: true },
  );
} else {
  it.skip('ChemyxPump over a socat PTY (apt-get install socat)', () => undefined);
}

const realPort = process.env.SDFL_CHEMYX_PORT;
if (realPort) {
  const baud = Number(process.env.SDFL_CHEMYX_BAUD ?? 9600);
  describePump('real pump', async () => ({ transport: await openSerialTransport(realPort, baud), cleanup: async () => undefined }), { faults: false });
}
