/**
 * The cloud with real edge agents: `sdfl-edge --sim` processes (simulated reactor, pump emulators
 * on PTYs, spectrometer emulators on TCP) that the cloud commands over the embedded broker.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, ne } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { commands, events, experiments, platforms, results } from '../../src/db/schema';
import { spawnSimEdge, type SimEdge } from '../../src/demo/edge-process';
import { addPlatform } from '../../src/engine/platforms';
import { provenance } from '../../src/engine/provenance';
import { requireBinary } from '../support/require-binary';
import { campaignStatus, startTestCloud, until } from '../support/cloud';

const SPEED = 30;
const socat = requireBinary('socat', ['/usr/bin/socat'], 'apt-get install socat');
let cloud: RunningCloud | undefined;
let dir: string;
const edges: SimEdge[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdfl-sim-edges-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  const codes = await Promise.all(edges.splice(0).map((e) => e.stop()));
  await cloud?.stop();
  cloud = undefined;
  expect(codes.every((c) => c === 0)).toBe(true);
});

async function simPlatform(id: string, seed: number): Promise<SimEdge> {
  const creds = await addPlatform(cloud!.db.db, id, { actor: 'test' });
  const edge = spawnSimEdge({ platformId: id, password: creds.password, brokerUrl: cloud!.mqttUrl, speed: SPEED, seed, dataDir: join(dir, id), logFile: join(dir, `${id}.log`) });
  edges.push(edge);
  await until(async () => (await cloud!.db.db.select().from(platforms).where(eq(platforms.id, id)))[0]?.status === 'online', 60_000, `${id} online`);
  const ack = await cloud!.engine.ackOf(await cloud!.engine.clearSafe(id, 'test-operator', 'simulated rig checked'));
  expect(ack?.accepted).toBe(true);
  return edge;
}

/** Waits for a campaign to finish; a timeout says where each experiment stood and what the edge logged last. */
async function campaignDone(id: string, platformId: string): Promise<void> {
  try {
    await campaignStatus(cloud!, id, 'done', 300_000);
  } catch (error) {
    const rows = await cloud!.db.db.select().from(experiments).where(eq(experiments.campaignId, id)).orderBy(asc(experiments.seq));
    const alarms = await cloud!.db.db.select().from(events).where(and(eq(events.platformId, platformId), ne(events.severity, 'info')));
    const log = readFileSync(join(dir, `${platformId}.log`), 'utf8').trim().split('\n').slice(-40).join('\n');
    const said = alarms.map((e) => `${e.type} ${JSON.stringify(e.body)}`).join('; ') || 'none';
    throw new Error(`${(error as Error).message}; experiments: ${rows.map((r) => `${r.id} ${r.status}`).join(', ')}; ${platformId} alarms: ${said}; log tail:\n${log}`);
  }
}

describe.skipIf(socat === undefined)('real edge agents in --sim mode', () => {
  it('runs two campaigns on two platforms at once to completion, with provenance back to the spectra', async () => {
    cloud = await startTestCloud();
    await Promise.all([simPlatform('sim-a', 1), simPlatform('sim-b', 2)]);
    // With two queued ahead, the first two EI picks are made before the third LHS result (space
    // filling below minFitData); the third is the first from a model.
    const a = await cloud.engine.createCampaign({ platform: 'sim-a', schedule: 'lhs 3 -> ei 3', seed: 1 }, 'test');
    const b = await cloud.engine.createCampaign({ platform: 'sim-b', schedule: 'lhs 3 -> ei 3', seed: 2 }, 'test');
    await Promise.all([campaignDone(a.id, 'sim-a'), campaignDone(b.id, 'sim-b')]);
    for (const c of [a, b]) {
      const rows = await cloud.db.db.select().from(experiments).where(eq(experiments.campaignId, c.id)).orderBy(asc(experiments.seq));
      expect(rows.map((r) => r.status)).toEqual(Array(6).fill('done'));
      expect(rows.every((r) => r.platformId === c.targetPlatform)).toBe(true);
      const p = await provenance(cloud.db.db, rows[5]!.id);
      expect(p!.decision.modelVersion).not.toBeNull();
      expect(p!.model).not.toBeNull();
      expect(p!.decision.policy).toBe('ei');
      expect(p!.command!.accepted).toBe(true);
      const [r] = p!.results;
      expect(r!.status).toBe('done');
      expect((r!.spectra as { pl: { values: number[] } }).pl.values.length).toBeGreaterThan(100);
      expect(Object.keys((r!.flowPlan as { ratesUlMin: object }).ratesUlMin)).toHaveLength(8);
      expect((r!.features as { plIntensity: number }).plIntensity).toBe(rows[5]!.value);
    }
    // Every model version went to its platform for the offline `local` policy, and the edge took it.
    const shipped = await until(async () => {
      const rows = await cloud!.db.db.select().from(commands).where(eq(commands.type, 'modelSnapshot'));
      return rows.length >= 2 && new Set(rows.map((r) => r.platformId)).size === 2 && rows.every((r) => r.ackedAt !== null) ? rows : undefined;
    }, 30_000, 'model snapshots acked');
    expect(shipped.every((r) => r.accepted)).toBe(true);
    expect(new Set(shipped.map((r) => r.platformId))).toEqual(new Set(['sim-a', 'sim-b']));
  }, 400_000);

  it('loses nothing when the broker restarts without persistence while the cloud is not subscribed', async () => {
    cloud = await startTestCloud();
    await simPlatform('sim-r', 3);
    const c = await cloud.engine.createCampaign({ platform: 'sim-r', schedule: 'lhs 4', seed: 3, queueDepth: 3 }, 'test');
    const stored = async () => (await cloud!.db.db.select().from(results)).length;
    await until(async () => (await stored()) >= 1, 200_000, 'a first result');
    // The cloud leaves; the edge keeps running what it holds and publishes into a broker with no subscriber.
    await cloud.link.stop();
    const before = await stored();
    await new Promise((r) => setTimeout(r, (45 / SPEED) * 1000 * 2));
    await cloud.broker!.restart(); // a fresh broker: sessions and anything queued are gone
    await cloud.link.start();
    await campaignDone(c.id, 'sim-r');
    expect(before).toBeLessThan(4);
    const rows = await cloud.db.db.select().from(results);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.experimentId)).size).toBe(4);
  }, 400_000);
});
