import { defaultChemistryConfig, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { ChemyxPumpEmulator, createDuplexPair, VirtualClock } from '@sdfl/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { PumpPoller } from '../../src/agent/pump-poller';
import type { PumpObservation } from '../../src/control/interlocks';
import { ChemyxPump } from '../../src/devices/chemyx-pump';
import { Inventory } from '../../src/runner/inventory';

/** Real drivers over in-memory duplex pairs to the emulators, on a clock only the test moves. */
async function rig() {
  const clock = new VirtualClock({ speed: 0, startMs: 0 });
  const emulators = {} as Record<PumpId, ChemyxPumpEmulator>;
  const drivers = {} as Record<PumpId, ChemyxPump>;
  for (const id of PUMP_IDS) {
    const limits = defaultChemistryConfig.pumps[id];
    emulators[id] = new ChemyxPumpEmulator({ clock, diameterMm: limits.innerDiameterMm, capacityUl: limits.syringeVolumeUl, replyLatencyMs: [1, 2] });
    const [host, device] = createDuplexPair();
    emulators[id].attach(device);
    drivers[id] = new ChemyxPump(host, { name: `pump:${id}`, limits, now: () => clock.now() });
    await drivers[id].connect();
  }
  const full = Object.fromEntries(PUMP_IDS.map((id) => [id, defaultChemistryConfig.pumps[id].syringeVolumeUl])) as Record<PumpId, number>;
  const inventory = new Inventory({ contentsUl: full, uncertain: {}, inFlight: {} }, () => undefined, {});
  const observed: { id: PumpId; obs: PumpObservation }[] = [];
  const contents: Partial<Record<PumpId, number>>[] = [];
  const poller = new PumpPoller(drivers, clock, { observePump: (id, obs) => observed.push({ id, obs }), setContents: (c) => contents.push(c) }, () => inventory.usableUl());
  const last = (id: PumpId) => observed.filter((o) => o.id === id).at(-1)!.obs;
  return { clock, emulators, drivers, inventory, poller, observed, contents, full, last, close: () => Promise.all(PUMP_IDS.map((id) => drivers[id].close())) };
}

describe('PumpPoller', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => close?.());

  it('feeds the interlocks each pump\'s status and live contents (booked minus the running volume) and keeps telemetry', async () => {
    const r = await rig();
    close = r.close;
    await r.drivers.cuI.run({ rateUlMin: 60, volumeUl: 500, contentsUl: r.full.cuI });
    await r.clock.advance(30_000);
    await r.poller.poll();
    const cuI = r.last('cuI');
    expect(cuI).toMatchObject({ status: 'running', missedPolls: 0, atMs: 30_000 });
    expect(cuI.dispensedUl).toBeCloseTo(30, 0);
    expect(r.last('oAm')).toMatchObject({ status: 'stopped', dispensedUl: 0 });
    expect(r.contents.at(-1)!.cuI).toBeCloseTo(r.full.cuI - 30, 0);
    expect(r.contents.at(-1)!.oAm).toBe(r.full.oAm);
    expect(r.poller.states().cuI).toMatchObject({ status: 'running', rateUlMin: 60 });
    expect(r.poller.states().oAm).toMatchObject({ status: 'stopped', rateUlMin: 0 });
  });

  it('reports an uncertain syringe as empty to the interlocks (syringeLow trips if it runs)', async () => {
    const r = await rig();
    close = r.close;
    r.inventory.markUncertain('pfo', 'read failed');
    await r.poller.poll();
    expect(r.contents.at(-1)!.pfo).toBe(0);
  });

  it('counts missed polls per pump when a read fails, and resets them on the next good read', async () => {
    const r = await rig();
    close = r.close;
    const read = r.drivers.oaCs.read.bind(r.drivers.oaCs);
    let failing = true;
    r.drivers.oaCs.read = () => (failing ? Promise.reject(new Error('no reply')) : read());
    for (let i = 0; i < 3; i++) await r.poller.poll();
    expect(r.observed.filter((o) => o.id === 'oaCs').map((o) => [o.obs.status, o.obs.missedPolls])).toEqual([
      ['unknown', 1],
      ['unknown', 2],
      ['unknown', 3],
    ]);
    expect(r.poller.states().oaCs?.status).toBe('unknown');
    failing = false;
    await r.poller.poll();
    expect(r.last('oaCs')).toMatchObject({ status: 'stopped', missedPolls: 0 });
  });

  it('passes a stall through as status stalled', async () => {
    const r = await rig();
    close = r.close;
    await r.drivers.odeCs.run({ rateUlMin: 60, volumeUl: 500, contentsUl: r.full.odeCs });
    await r.clock.advance(5_000);
    r.emulators.odeCs.injectStall();
    await r.poller.poll();
    expect(r.last('odeCs').status).toBe('stalled');
  });
});
