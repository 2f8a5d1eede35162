import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { createConditionSpace, PUMP_IDS, planFlows, type PumpId } from '@sdfl/chemistry';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMax31855 } from '../src/devices/max31855';
import { createSimulatedPlatform, type SimulatedPlatform } from '../src/platform';
import { VirtualClock } from '../src/virtual-clock';
import { PromptReader, socatAvailable } from './devices/helpers';
import { countsOf, ObpTestClient } from './devices/obp-client';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

/** socat processes this test process started and that still run. */
const childSocats = () =>
  execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('socat')).length;

/** A driver-side serial port with a `>`-framed command helper. */
async function openPump(path: string) {
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, baudRate: 38_400 }, (err) => (err ? reject(err) : resolve(p)));
  });
  const reader = new PromptReader(port);
  return {
    port,
    ask: async (cmd: string) => {
      port.write(`${cmd}\r`);
      return (await reader.reply()).split('\r\n');
    },
    close: () => new Promise((r) => port.close(r)),
  };
}

describe.skipIf(!socatAvailable())('createSimulatedPlatform', () => {
  let platform: SimulatedPlatform | undefined;
  afterEach(async () => {
    await platform?.stop();
    platform = undefined;
  });

  it('starts in under 2 s, and stop() leaves no socat, link or listening port behind', async () => {
    const socatsBefore = childSocats();
    const t0 = performance.now();
    platform = await createSimulatedPlatform({ clock: new VirtualClock({ speed: 0 }) });
    const startMs = performance.now() - t0;
    expect(startMs).toBeLessThan(2000);
    const pids = PUMP_IDS.map((id) => platform!.pumps[id].link.pid);
    const paths = PUMP_IDS.map((id) => platform!.pumps[id].path);
    const ports = [platform.spectrometers.absorption.port, platform.spectrometers.pl.port];
    expect(new Set(pids).size).toBe(8);
    expect(pids.every(alive)).toBe(true);
    expect(childSocats()).toBe(socatsBefore + 8);
    expect(paths.every((p) => existsSync(p))).toBe(true);
    expect(await Promise.all(ports.map(refuses))).toEqual([false, false]);

    const t1 = performance.now();
    await platform.stop();
    const stopMs = performance.now() - t1;
    console.info(`createSimulatedPlatform: start ${startMs.toFixed(0)} ms, stop ${stopMs.toFixed(0)} ms`);
    expect(pids.some(alive)).toBe(false);
    expect(childSocats()).toBe(socatsBefore);
    expect(paths.some((p) => existsSync(p))).toBe(false);
    expect(await Promise.all(ports.map(refuses))).toEqual([true, true]);
    await platform.stop(); // idempotent
  });

  it('a failed start (spectrometer port taken) stops what it started: no socat left', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const before = childSocats();
      await expect(createSimulatedPlatform({ clock: new VirtualClock({ speed: 0 }), spectrometer: { pl: { port } } })).rejects.toThrow(/EADDRINUSE/);
      expect(childSocats()).toBe(before);
    } finally {
      blocker.close();
    }
  });

  it('on an accelerated clock an exposure takes clock time (integration x scans / speed of real time)', async () => {
    platform = await createSimulatedPlatform({ clock: new VirtualClock({ speed: 50 }) });
    const client = await ObpTestClient.connect(platform.spectrometers.absorption.port);
    const t0 = performance.now();
    const set = Buffer.alloc(4);
    set.writeUInt32LE(2_000_000); // 2 s of clock time = 40 ms real at x50
    await client.request({ type: 0x00110010, flags: 0x0004, imm: set });
    expect((await client.request({ type: 0x00101000 })).payload).toHaveLength(4136);
    expect(performance.now() - t0).toBeLessThan(500);
    client.close();
  });

  it('wires SSR -> plate -> MAX31855, and the e-stop input', async () => {
    const clock = new VirtualClock({ speed: 0 });
    platform = await createSimulatedPlatform({ clock, plant: { ambientC: 20, timeConstantS: 100, deadTimeS: 2 } });
    expect(decodeMax31855(platform.thermocouple.read()).thermocoupleC).toBeCloseTo(20, 0);
    await platform.gpio.write('ssr', 1);
    await clock.advance(102_000);
    const t = decodeMax31855(platform.thermocouple.read());
    expect(t.fault).toBe(false);
    expect(t.thermocoupleC).toBeCloseTo(20 + 250 * (1 - Math.exp(-1)), 0);
    platform.thermocouple.setFault('open');
    expect(decodeMax31855(platform.thermocouple.read())).toMatchObject({ fault: true, openCircuit: true });
    const edges: number[] = [];
    platform.gpio.watch('estop', (v) => edges.push(v));
    platform.gpio.pressEstop();
    expect(edges).toEqual([1]);
  });

  it('feeds the pumps actual rates and the plate temperature to the reactor; PL shows the product', async () => {
    const clock = new VirtualClock({ speed: 0 });
    platform = await createSimulatedPlatform({
      clock,
      pump: { replyLatencyMs: [1, 3] },
      plant: { initialC: 150, ambientC: 150 }, // a plate already at temperature
      spectrometer: { timeScale: 0.01 },
    });
    const calls: [string, number][] = [];
    const setCondition = platform.reactor.setCondition.bind(platform.reactor);
    platform.reactor.setCondition = (c, atMs) => {
      calls.push([c === null ? 'null' : `T${c.temperatureC.toFixed(0)} cuI${c.cuIUlMin.toFixed(2)}`, atMs]);
      setCondition(c, atMs);
    };
    const space = createConditionSpace();
    const flow = planFlows(space.fromCube([0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), space);
    if (!flow.ok) throw new Error('plan failed');
    const plan = flow.plan;
    const drivers = await Promise.all(PUMP_IDS.map((id) => openPump(platform!.pumps[id].path)));
    try {
      const t0 = clock.now();
      await Promise.all(
        PUMP_IDS.map(async (id: PumpId, i) => {
          const d = drivers[i]!;
          expect((await d.ask('set units 2'))[1]).toBe('units = 2');
          await d.ask(`set rate ${plan.ratesUlMin[id].toFixed(2)}`);
          await d.ask(`set volume ${plan.volumesUl[id].toFixed(2)}`);
          expect((await d.ask('start'))[1]).toBe('Pump start running...');
        }),
      );
      expect(platform.pumps.cuI.emulator.state().rateUlMin).toBeCloseTo(plan.ratesUlMin.cuI, 2);
      await clock.advance(1_000);
      expect(calls).toEqual([[`T150 cuI${plan.ratesUlMin.cuI.toFixed(2)}`, t0]]);
      expect(platform.condition?.oAmUlMin).toBeCloseTo(plan.ratesUlMin.oAm, 2);

      await clock.advance(plan.equilibrationS * 1000);
      await platform.gpio.write('uvLed', 1);
      const { port } = platform.spectrometers.pl;
      const client = await ObpTestClient.connect(port);
      const counts = countsOf(await client.request({ type: 0x00101000 }));
      client.close();
      const wl = platform.spectrometers.pl.emulator.model.wavelengthsNm;
      const peak = counts.indexOf(Math.max(...counts.slice(400)), 400);
      expect(wl[peak]!).toBeGreaterThan(430);
      expect(wl[peak]!).toBeLessThan(470);
      expect(counts[peak]!).toBeGreaterThan(5_000);

      await Promise.all(drivers.map((d) => d.ask('stop')));
      await clock.advance(1_000);
      expect(calls.at(-1)![0]).toBe('null');
      expect(platform.condition).toBeNull();
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
    }
  });
});
