/**
 * Kill -9 the cloud mid-campaign and start it again: its decision lease is freed at start (the
 * embedded database admits one process), nothing is lost or duplicated, and the
 * campaign chooses exactly the conditions an undisturbed run chooses (the platform here measures
 * deterministically, so two runs of the same campaign can be compared condition by condition).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open';
import { campaigns, experiments, platforms, results } from '../../src/db/schema';
import { createCampaign } from '../../src/engine/campaigns';
import { addPlatform } from '../../src/engine/platforms';
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

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

/** Runs one campaign; `killAfter` results, the cloud is SIGKILLed and restarted. */
async function run(killAfter: number | null): Promise<{ cubes: number[][]; experiments: number; results: number; statuses: string[]; kills: number }> {
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
    const rows = await db.db.select().from(experiments).orderBy(asc(experiments.seq));
    const stored = await db.db.select().from(results);
    return { cubes: rows.map((r) => r.cube as number[]), experiments: rows.length, results: stored.length, statuses: rows.map((r) => r.status), kills };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('cloud restart', () => {
  afterEach(() => undefined);

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

  it('continues after kill -9 with no lost or duplicated experiment and the same choices as an undisturbed run', async () => {
    const undisturbed = await run(null);
    const killed = await run(5);
    expect(killed.kills).toBe(1);
    expect(undisturbed.experiments).toBe(PLANNED);
    expect(killed.experiments).toBe(PLANNED);
    expect(killed.results).toBe(PLANNED);
    expect(killed.statuses).toEqual(Array(PLANNED).fill('done'));
    expect(killed.cubes).toEqual(undisturbed.cubes);
  }, 600_000);
});
