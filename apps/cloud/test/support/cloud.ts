/** A cloud on embedded defaults for tests: in-memory PGlite (or a given URL), aedes on a free port. */
import { pino } from 'pino';
import { startCloud, type RunningCloud, type StartCloudOptions } from '../../src/cloud';
import { addUser, createToken, type Role } from '../../src/api/identity';
import { loadCloudConfig, type CloudConfigInput } from '../../src/config';
import type { CampaignRow } from '../../src/engine/campaigns';
import { eq } from 'drizzle-orm';
import { campaigns } from '../../src/db/schema';

export async function startTestCloud(config: Partial<CloudConfigInput> = {}, options: StartCloudOptions = {}): Promise<RunningCloud> {
  return startCloud(loadCloudConfig({ databaseUrl: 'memory://', mqttPort: 0, apiPort: 0, logLevel: 'silent', ackTimeoutMs: 1000, ...config }, {}), {
    log: pino({ level: process.env.SDFL_TEST_LOG ?? 'silent' }),
    tickMs: 100,
    ...options,
  });
}

/** Adds a user with `role` and returns a fresh API token for it. */
export async function userToken(cloud: RunningCloud, name: string, role: Role): Promise<string> {
  await addUser(cloud.db.db, name, role, 'test');
  return (await createToken(cloud.db.db, name, { actor: 'test' })).token;
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until a campaign reaches a status. */
export async function campaignStatus(cloud: RunningCloud, id: string, status: string, timeoutMs = 60_000): Promise<CampaignRow> {
  return until(async () => {
    const [c] = await cloud.db.db.select().from(campaigns).where(eq(campaigns.id, id));
    return c?.status === status ? c : undefined;
  }, timeoutMs, `campaign ${id} ${status}`);
}
