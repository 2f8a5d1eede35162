/**
 * Crash-safe reagent bookkeeping: the emulated pumps keep pumping while the agent is dead (as a
 * Chemyx does when its host dies), and the next boot books what they delivered against the
 * interrupted attempt, or marks the syringe uncertain when the volume cannot be read.
 */
import { createConditionSpace, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { afterEach, describe, expect, it } from 'vitest';
import { openEdgeDb, type EdgeDb } from '../../src/store/index';
import { createMemoryPlatform, type MemoryPlatform } from '../rig/memory-platform';
import { attachAgent, rigConfig, type RigAgent } from '../rig/rig-agent';

/** The emulator's Chemyx status code for running (0 stopped, 1 running, 2 paused, 4 stalled). */
const RUNNING = 1;
const space = createConditionSpace();
const condition = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
const config = rigConfig();
const full = (id: PumpId) => config.chemistry.pumps[id].syringeVolumeUl;

describe('boot recovery of delivered volumes', { timeout: 120_000 }, () => {
  let platform: MemoryPlatform | undefined;
  let db: EdgeDb | undefined;
  const agents: RigAgent[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => undefined);
    await platform?.stop();
    db?.close();
  });

  /** Runs exp-1 into its equilibration wait, lets the pumps run on, and kills the agent. */
  async function crashMidExperiment(): Promise<{ atCrash: Record<PumpId, number> }> {
    platform = await createMemoryPlatform({ initialC: condition.temperatureC + 2 });
    db = openEdgeDb(':memory:');
    const a = await attachAgent(platform, db, config);
    expect((await a.link.send({ type: 'clearSafe', operator: 'test', reason: 'rig' })).accepted).toBe(true);
    expect((await a.link.send({ type: 'enqueue', experiments: [{ experimentId: 'exp-1', condition }] })).accepted).toBe(true);
    await a.link.until(() => a.link.events.some((e) => e.type === 'stage' && e.to === 'equilibrating'), 'equilibrating');
    await platform.clock.sleep(3_000);
    await a.crash();
    const atCrash = Object.fromEntries(PUMP_IDS.map((id) => [id, platform!.pumps[id].state().dispensedUl])) as Record<PumpId, number>;
    // Dead host, live pumps: 10 s of sim time with nobody watching.
    await platform.clock.sleep(10_000);
    return { atCrash };
  }

  it('books, at the next boot, everything the pumps delivered up to it, against the interrupted attempt', async () => {
    const { atCrash } = await crashMidExperiment();
    const b = await attachAgent(platform!, db!, config);
    agents.push(b);
    const inventory = b.agent.inventory.describe();
    for (const id of PUMP_IDS) {
      const delivered = platform!.pumps[id].state().dispensedUl;
      expect(delivered, `${id} kept pumping after the crash`).toBeGreaterThan(atCrash[id]);
      expect(inventory.contentsUl[id]).toBeCloseTo(full(id) - delivered, 0);
      expect(platform!.pumps[id].state().status, `${id} stopped at boot`).not.toBe(RUNNING);
    }
    expect(inventory.inFlight).toEqual({});
    expect(inventory.uncertain).toEqual({});
    const aborted = b.link.results.find((r) => r.experimentId === 'exp-1' && r.attempt === 1);
    expect(aborted).toMatchObject({ status: 'aborted', failure: { reason: 'INTERNAL', detail: 'agent restarted mid-experiment' } });
    expect(aborted?.warnings.filter((w) => /booked [\d.]+ uL delivered up to the restart/.test(w))).toHaveLength(PUMP_IDS.length);
    expect(b.agent.control.isSafe).toBe(true);
    expect(b.agent.store.next()).toMatchObject({ experimentId: 'exp-1', attempt: 2 });
  });

  it('marks a pump it cannot read uncertain (counted empty), refuses what it cannot cover, and a refill clears it', async () => {
    await crashMidExperiment();
    const b = await attachAgent(platform!, db!, config, (r) => {
      // The boot read of cuI fails once (a real driver, one method overridden).
      const read = r.pumps.cuI.read.bind(r.pumps.cuI);
      let failures = 1;
      r.pumps.cuI.read = () => (failures-- > 0 ? Promise.reject(new Error('pump:cuI: no reply')) : read());
    });
    agents.push(b);
    const inventory = b.agent.inventory;
    expect(Object.keys(inventory.uncertain())).toEqual(['cuI']);
    expect(inventory.usableUl().cuI).toBe(0);
    expect(inventory.describe().contentsUl.oAm).toBeLessThan(full('oAm'));
    expect(b.link.events).toContainEqual(expect.objectContaining({ type: 'alarm', code: 'INVENTORY_UNCERTAIN', severity: 'warning' }));
    await b.link.until(() => b.link.published.telemetry.length > 0, 'telemetry');
    expect(b.link.published.telemetry.at(-1)!.body.syringeContentsUl.cuI).toBe(0);

    // An enqueue is accepted, with the caveat; the re-run of exp-1 is refused before anything moves; SAFE is not latched by it.
    expect(await b.link.send({ type: 'enqueue', experiments: [{ experimentId: 'exp-0', condition }] })).toMatchObject({
      accepted: true,
      detail: expect.stringMatching(/contents unknown for cuI: .*until refilled/),
    });
    await b.link.send({ type: 'cancel', scope: 'experiment', experimentId: 'exp-0' });
    await b.link.send({ type: 'clearSafe', operator: 'test', reason: 'after crash' });
    await b.link.until(() => b.link.results.some((r) => r.experimentId === 'exp-1' && r.attempt === 2), 'exp-1#2 result');
    const refused = b.link.results.find((r) => r.experimentId === 'exp-1' && r.attempt === 2)!;
    expect(refused).toMatchObject({ status: 'failed', failure: { reason: 'INSUFFICIENT_REAGENT' } });
    expect(refused.status === 'failed' && refused.failure.detail).toMatch(/contents unknown for cuI .*send refilled/);
    expect(refused.warnings.join(' ')).toMatch(/CuI.*contents unknown/i);
    expect(b.link.events.some((e) => e.type === 'stage' && e.to === 'flowing' && e.experimentId === 'exp-1')).toBe(false);
    expect(b.agent.control.isSafe).toBe(false);

    // A refill clears it; the next experiment starts its pumps.
    expect(await b.link.send({ type: 'refilled', pump: 'cuI', volumeUl: full('cuI') })).toMatchObject({ accepted: true });
    expect(inventory.uncertain()).toEqual({});
    expect(inventory.usableUl().cuI).toBe(full('cuI'));
    await b.link.send({ type: 'enqueue', experiments: [{ experimentId: 'exp-2', condition }] });
    await b.link.until(() => b.link.events.some((e) => e.type === 'stage' && e.to === 'flowing' && e.experimentId === 'exp-2'), 'exp-2 flowing');
  });

  it('after a graceful stop mid-experiment, books at stop and has nothing left in flight at the next boot', async () => {
    platform = await createMemoryPlatform({ initialC: condition.temperatureC + 2 });
    db = openEdgeDb(':memory:');
    const a = await attachAgent(platform, db, config);
    await a.link.send({ type: 'clearSafe', operator: 'test', reason: 'rig' });
    await a.link.send({ type: 'enqueue', experiments: [{ experimentId: 'exp-1', condition }] });
    await a.link.until(() => a.link.events.some((e) => e.type === 'stage' && e.to === 'equilibrating'), 'equilibrating');
    await a.stop();
    const booked = a.agent.inventory.describe();
    expect(booked.inFlight).toEqual({});
    for (const id of PUMP_IDS) expect(booked.contentsUl[id]).toBeCloseTo(full(id) - platform.pumps[id].state().dispensedUl, 0);
    const b = await attachAgent(platform, db, config);
    agents.push(b);
    expect(b.agent.inventory.describe()).toEqual(booked);
  });
});
