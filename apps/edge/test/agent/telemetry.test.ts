/**
 * Telemetry while an experiment runs, on the in-memory platform rig: the experiment id, and only
 * while equilibrating the seconds left to the planned steady state, counting down from t_E.
 */
import { createConditionSpace, planFlows } from '@sdfl/chemistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEdgeDb, type EdgeDb } from '../../src/store/index';
import { createMemoryPlatform, type MemoryPlatform } from '../rig/memory-platform';
import { attachAgent, rigConfig, type RigAgent } from '../rig/rig-agent';

const space = createConditionSpace();
const condition = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));

describe('telemetry during a run', { timeout: 120_000 }, () => {
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

  it('reports steadyInS only while equilibrating, from t_E down to 0', async () => {
    expect(await r.link.send({ type: 'clearSafe', operator: 'test', reason: 'rig' })).toMatchObject({ accepted: true });
    expect(await r.link.send({ type: 'enqueue', experiments: [{ experimentId: 'x1', condition }] })).toMatchObject({ accepted: true });
    await r.link.until(() => r.link.published.result.length > 0, 'the result');
    const t = r.link.published.telemetry.map((m) => m.body);
    const equilibrating = t.filter((b) => b.stage === 'equilibrating');
    expect(equilibrating.length).toBeGreaterThan(2);
    const tE = planFlows(condition, space).plan!.equilibrationS;
    const left = equilibrating.map((b) => b.steadyInS!);
    expect(left.every((s) => s >= 0 && s <= tE)).toBe(true);
    expect(left).toEqual([...left].sort((a, b) => b - a)); // counts down
    expect(equilibrating.every((b) => b.experimentId === 'x1')).toBe(true);
    expect(t.filter((b) => b.stage !== 'equilibrating').every((b) => b.steadyInS === undefined)).toBe(true);
    expect(t.some((b) => b.stage === 'heating' && b.experimentId === 'x1')).toBe(true);
  });
});
