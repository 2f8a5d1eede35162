/**
 * Command decisions (agent/commands.ts) as the agent makes them: through its command handler, on
 * the real store, inventory, runner and control loop of the in-memory platform rig.
 */
import { createConditionSpace } from '@sdfl/chemistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEdgeDb, type EdgeDb } from '../../src/store/index';
import { createMemoryPlatform, type MemoryPlatform } from '../rig/memory-platform';
import { attachAgent, rigConfig, type RigAgent } from '../rig/rig-agent';

const space = createConditionSpace();
const condition = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));

describe('command decisions', { timeout: 60_000 }, () => {
  let platform: MemoryPlatform;
  let db: EdgeDb;
  let r: RigAgent;
  beforeAll(async () => {
    platform = await createMemoryPlatform({ initialC: condition.temperatureC + 2 });
    db = openEdgeDb(':memory:');
    r = await attachAgent(platform, db, rigConfig());
  });
  afterAll(async () => {
    await r.stop();
    await platform.stop();
    db.close();
  });

  it('clearSafe: refused while an interlock is active (SAFE_LATCHED), accepted once it is not, refused outside SAFE (NOT_SAFE)', async () => {
    platform.gpio.pressEstop();
    await platform.clock.sleep(1_000);
    expect(await r.link.send({ type: 'clearSafe', operator: 'test', reason: 'try' })).toMatchObject({ accepted: false, reason: 'SAFE_LATCHED' });
    platform.gpio.releaseEstop();
    await platform.clock.sleep(1_000);
    expect(await r.link.send({ type: 'clearSafe', operator: 'test', reason: 'released' })).toMatchObject({ accepted: true });
    expect(r.agent.control.isSafe).toBe(false);
    expect(await r.link.send({ type: 'clearSafe', operator: 'test', reason: 'again' })).toMatchObject({ accepted: false, reason: 'NOT_SAFE' });
  });

  it('pause holds the queue, enqueue validates every experiment first and refuses duplicates, cancel marks queued attempts', async () => {
    expect(await r.link.send({ type: 'pause' })).toMatchObject({ accepted: true });
    expect(await r.link.send({ type: 'enqueue', experiments: [{ experimentId: 'a', condition }, { experimentId: 'b', condition }] })).toMatchObject({ accepted: true, detail: '2 queued' });
    const hot = { ...condition, temperatureC: 400 };
    expect(await r.link.send({ type: 'enqueue', experiments: [{ experimentId: 'c', condition }, { experimentId: 'd', condition: hot }] })).toMatchObject({ accepted: false, reason: 'OUT_OF_LIMITS' });
    expect(r.agent.store.get('c', 1)).toBeUndefined(); // all or nothing
    expect(await r.link.send({ type: 'enqueue', experiments: [{ experimentId: 'a', condition }] })).toMatchObject({ accepted: false, reason: 'DUPLICATE' });
    await platform.clock.sleep(3_000);
    expect(r.agent.runner.state).toMatchObject({ paused: true, current: null });
    expect(await r.link.send({ type: 'cancel', scope: 'experiment', experimentId: 'nope' })).toMatchObject({ accepted: false, reason: 'UNKNOWN_EXPERIMENT' });
    expect(await r.link.send({ type: 'cancel', scope: 'experiment', experimentId: 'a' })).toMatchObject({ accepted: true });
    expect(r.agent.store.get('a', 1)?.status).toBe('cancelled');
    expect(await r.link.send({ type: 'cancel', scope: 'all' })).toMatchObject({ accepted: true });
    expect(r.agent.store.list(['queued'])).toEqual([]);
    expect(await r.link.send({ type: 'resume' })).toMatchObject({ accepted: true });
    expect(r.agent.runner.state.paused).toBe(false);
  });

  it('refilled: refuses more than the syringe holds and leaves the inventory as it was', async () => {
    const max = r.config.chemistry.pumps.cuI.syringeVolumeUl;
    const before = r.agent.inventory.describe();
    expect(await r.link.send({ type: 'refilled', pump: 'cuI', volumeUl: max + 1 })).toMatchObject({ accepted: false, reason: 'OUT_OF_LIMITS' });
    expect(r.agent.inventory.describe()).toEqual(before);
    expect(await r.link.send({ type: 'refilled', pump: 'cuI', volumeUl: max - 100 })).toMatchObject({ accepted: true });
    expect(r.agent.inventory.usableUl().cuI).toBe(max - 100);
  });

  it('modelSnapshot is stored under the standby policy; ping answers pong', async () => {
    expect(await r.link.send({ type: 'modelSnapshot', version: 'v1', snapshot: { anything: true } })).toMatchObject({ accepted: true, detail: expect.stringMatching(/standby/) });
    expect(await r.link.send({ type: 'ping' })).toMatchObject({ accepted: true, detail: 'pong' });
  });
});
