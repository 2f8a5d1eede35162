/**
 * Kill -9 the cloud mid-campaign and start it again: its decision lease is freed at start (the
 * embedded database admits one process), nothing is lost or duplicated, and the campaign chooses
 * exactly the conditions an undisturbed cloud chooses for the same results arriving in the same
 * order (the platform here measures deterministically). Choices depend on arrival order (a result
 * the edge re-sends after the outage may arrive after a later one), so each run is compared with
 * an in-process replay of its own stored arrivals, and the two runs with each other when their
 * arrivals agree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open';
import { campaigns, experiments, platforms, results } from '../../src/db/schema';
import { createCampaign } from '../../src/engine/campaigns';
import { addPlatform } from '../../src/engine/platforms';
import { studySpec } from '../../src/engine/stepper';
import { StudyCache } from '../../src/optimizer-host/study-ops';
import { startTestCloud, until } from '../support/cloud';
import { freePort } from '../support/free-port';
import { onlineState, ProtocolEdge } from '../support/protocol-edge';

const BIN = fileURLToPath(new URL('../../bin/sdfl.js', import.meta.url));
const PLANNED = 8;

function serve(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, [BIN, 'serve', '--data-dir', dir, '--mqtt-port', String(port)], {
    env: { ...process.env, SDFL_LOG_LEVEL: 'warn', SDFL_ACK_TIMEOUT_MS: '2000', SDFL_API_PORT: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

interface Run {
  cubes: number[][];
  /** Experiment seqs in the order their results were stored. */
  arrivals: number[];
  replayed: number[][];
  experiments: number;
  results: number;
  statuses: string[];
  kills: number;
}

/**
 * The cubes an undisturbed cloud chooses when the results arrive in the stored order: the worker's
 * own study code, told in arrival order and topped up to `queueDepth + 1` after each, as the stepper does.
 */
async function replay(campaign: typeof campaigns.$inferSelect, rows: (typeof experiments.$inferSelect)[], values: Map<string, number>, order: string[]): Promise<number[][]> {
  const spec = studySpec(campaign);
  const study = new StudyCache();
  const target = campaign.queueDepth + 1;
  const cubes: number[][] = [];
  let version = 0;
  const advance = async (steps: Parameters<StudyCache['advance']>[0]['steps']) => {
    const r = await study.advance({ spec, state: version === 0 ? null : { version }, steps });
    version++;
    cubes.push(...r.suggestions.map((s) => s.cube));
  };
  await advance([{ targetPending: target }]);
  for (const id of order) {
    const e = rows.find((r) => r.id === id)!;
    await advance([{ tell: { suggestionId: e.suggestionId, result: values.get(id)! }, targetPending: target }]);
  }
  return cubes;
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

/** Runs one campaign; `killAfter` results, the cloud is SIGKILLed and restarted. */
async function run(killAfter: number | null): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-restart-'));
  const port = await freePort();
  const setup = await openDatabase({ url: join(dir, 'db') });
  const creds = await addPlatform(setup.db, 'rig-r', { actor: 'test' });
  // As if it had been online before (its validated limits are known).
  await setup.db.update(platforms).set({ birth: onlineState() }).where(eq(platforms.id, 'rig-r'));
  await createCampaign(setup.db, { platform: 'rig-r', schedule: 'lhs 4 -> ei 4', seed: 11, queueDepth: 1 }, 'test');
  await setup.close();
  let cloud = serve(dir, port);
  const edge = new ProtocolEdge({ platformId: 'rig-r', url: `mqtt://127.0.0.1:${port}`, password: creds.password, runMs: 50 });
  let kills = 0;
  try {
    await until(async () => edge.start().then(() => true).catch(() => false), 60_000, 'the cloud to accept the platform');
    const receipted = () => edge.results.filter((r) => !edge.unreceipted.has(r.id)).length;
    if (killAfter !== null) {
      await until(() => receipted() >= killAfter, 120_000, `${killAfter} results stored`);
      cloud.kill('SIGKILL');
      await exited(cloud);
      kills++;
      cloud = serve(dir, port);
    }
    await until(() => edge.results.length >= PLANNED && edge.unreceipted.size === 0, 180_000, 'every result stored');
  } finally {
    await edge.stop();
    cloud.kill('SIGTERM');
    await exited(cloud);
  }
  const db = await openDatabase({ url: join(dir, 'db') });
  try {
    const [campaign] = await db.db.select().from(campaigns);
    const rows = await db.db.select().from(experiments).orderBy(asc(experiments.seq));
    const stored = await db.db.select().from(results);
    const seq = (id: string) => rows.find((r) => r.id === id)!.seq;
    // Arrival order as the stepper reads it: receive time, ties by seq.
    const order = stored.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || seq(a.experimentId) - seq(b.experimentId)).map((r) => r.experimentId);
    const values = new Map(stored.map((r) => [r.experimentId, (r.features as { plIntensity: number }).plIntensity]));
    return {
      cubes: rows.map((r) => r.cube as number[]),
      arrivals: order.map(seq),
      replayed: await replay(campaign!, rows, values, order),
      experiments: rows.length,
      results: stored.length,
      statuses: rows.map((r) => r.status),
      kills,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('cloud restart', () => {
  it('frees the decision lease a killed process left on the embedded database at once, not after it runs out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdfl-lease-'));
    try {
      const setup = await openDatabase({ url: join(dir, 'db') });
      await addPlatform(setup.db, 'rig-l', { actor: 'test' });
      await setup.db.update(platforms).set({ birth: onlineState() }).where(eq(platforms.id, 'rig-l'));
      const c = await createCampaign(setup.db, { platform: 'rig-l', schedule: 'lhs 2', seed: 1 }, 'test');
      await setup.db.update(campaigns).set({ leaseOwner: 'dead-host:1:x', leaseUntil: new Date(Date.now() + 3_600_000) }).where(eq(campaigns.id, c.id));
      await setup.close();
      const cloud = await startTestCloud({ databaseUrl: join(dir, 'db') }, { api: false });
      try {
        const [row] = await cloud.db.db.select({ owner: campaigns.leaseOwner }).from(campaigns).where(eq(campaigns.id, c.id));
        expect(row!.owner === null || !row!.owner.startsWith('dead-host')).toBe(true);
      } finally {
        await cloud.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('continues after kill -9 with no lost or duplicated experiment, choosing what an undisturbed cloud chooses for the same arrivals', async () => {
    const undisturbed = await run(null);
    const killed = await run(5);
    expect(killed.kills).toBe(1);
    expect(undisturbed.experiments).toBe(PLANNED);
    expect(killed.experiments).toBe(PLANNED);
    expect(killed.results).toBe(PLANNED);
    expect(killed.statuses).toEqual(Array(PLANNED).fill('done'));
    expect(undisturbed.cubes).toEqual(undisturbed.replayed);
    expect(killed.cubes).toEqual(killed.replayed);
    if (killed.arrivals.join() === undisturbed.arrivals.join()) expect(killed.cubes).toEqual(undisturbed.cubes);
  }, 600_000);
});
