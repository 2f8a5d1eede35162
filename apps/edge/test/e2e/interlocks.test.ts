import { Writable } from 'node:stream';
import { createConditionSpace, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { pino } from 'pino';
import type { SimulatedPlatform } from '@sdfl/sim';
import { afterEach, expect, it } from 'vitest';
import { describeWithSocat, enqueue, type Rig, startRig } from './harness';

const space = createConditionSpace();
// 110 C: a short heat-up from room temperature.
const condition = space.quantize(space.fromCube([0.15, 0.5, 0.6, 0.5, 0.3, 0.5, 0.5]));

type Fault = (p: SimulatedPlatform, rig: Rig) => void | Promise<unknown>;

/** A process log kept in memory, one parsed JSON line per entry. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

async function waitForStage(rig: Rig, stage: string) {
  await rig.operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === stage, 120_000);
}

/** SAFE as docs/devices.md §6 defines it, checked on the emulators themselves. */
async function expectSafe(rig: Rig, except: PumpId[] = []) {
  const p = rig.sim.platform;
  expect(p.gpio.isSsrOn()).toBe(false);
  expect(p.gpio.isUvLedOn()).toBe(false);
  expect(p.gpio.isShutterOpen()).toBe(false);
  expect(rig.sim.agent.control.status().setpointC).toBeNull();
  const deadline = Date.now() + 3_000;
  const running = () => PUMP_IDS.filter((id) => !except.includes(id) && p.pumps[id].emulator.state().status === 1);
  while (running().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(running()).toEqual([]);
}

const cases: { interlock: string; stage: string; before?: Fault; fault: Fault; unreachable?: PumpId[] }[] = [
  { interlock: 'overTemperature', stage: 'equilibrating', fault: (p) => p.plant.setAmbient(600) },
  { interlock: 'thermocoupleFault', stage: 'equilibrating', fault: (p) => p.thermocouple.setFault('open') },
  { interlock: 'heaterCannotHeat', stage: 'heating', before: (p) => p.plant.setHeaterBroken(true), fault: () => undefined },
  { interlock: 'heaterRunaway', stage: 'equilibrating', fault: (p) => p.plant.setAmbient(-400) },
  { interlock: 'pumpStalled', stage: 'equilibrating', fault: (p) => p.pumps.cuI.emulator.injectStall() },
  { interlock: 'pumpLinkLost', stage: 'equilibrating', fault: (p) => p.pumps.oAm.emulator.setNoReply(true), unreachable: ['oAm'] },
  {
    interlock: 'syringeLow',
    stage: 'equilibrating',
    fault: (_p, rig) => rig.operator.send({ type: 'refilled', pump: 'cuI', volumeUl: 1_000 }),
  },
  { interlock: 'spectrometerTimeout', stage: 'equilibrating', fault: (p) => p.spectrometers.pl.emulator.setTimeoutFault(true) },
  { interlock: 'estop', stage: 'flowing', fault: (p) => p.gpio.pressEstop() },
];

describeWithSocat('interlocks on the running platform (emulator fault hooks)', { timeout: 180_000 }, () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  for (const c of cases) {
    it(`${c.interlock}: SAFE in under 100 ms, event published, experiment aborted, SAFE latched`, async () => {
      const { log, lines } = memoryLog();
      rig = await startRig({ config: { runner: { rerunAborted: false } }, log });
      const platform = rig.sim.platform;
      await c.before?.(platform, rig);
      await enqueue(rig.operator, [condition]);
      await waitForStage(rig, c.stage);
      await c.fault(platform, rig);
      const event = await rig.operator.waitFor('event', (e) => e.body.type === 'interlock', 120_000);
      if (event.body.type !== 'interlock') throw new Error('unreachable');
      expect(event.body.interlock).toBe(c.interlock);
      expect(event.body.latencyMs).toBeLessThan(100);
      await expectSafe(rig, c.unreachable);
      const result = await rig.operator.waitFor('result', () => true, 60_000);
      expect(result.body).toMatchObject({ experimentId: 'exp-1', status: 'aborted', failure: { reason: 'INTERLOCK', interlock: c.interlock } });
      expect(rig.sim.agent.control.status().safeReasons).toContain(c.interlock);
      // The process log (journald on a Pi) says it too, without the cloud.
      expect(lines).toContainEqual(expect.objectContaining({ name: 'edge:agent', level: 50, interlock: c.interlock }));
      expect(lines).toContainEqual(expect.objectContaining({ name: 'edge:agent', experimentId: 'exp-1', status: 'aborted', reason: 'INTERLOCK' }));
      // Latched: nothing else runs, and the birth state says so.
      await rig.operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === 'safe', 10_000);
      expect(rig.sim.agent.runner.state.current).toBeNull();
    });
  }
});
