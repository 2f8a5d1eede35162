/**
 * The cloud as a client of an external broker (MQTT_URL): a real Mosquitto configured from
 * infra/cloud/mosquitto.conf and the files `sdfl platform add --mosquitto-dir` writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { addPlatformToMosquitto, writeMosquittoFiles } from '../../src/broker/mosquitto-files';
import { generateSecret } from '../../src/broker/secrets';
import type { RunningCloud } from '../../src/cloud';
import { results } from '../../src/db/schema';
import { addPlatform } from '../../src/engine/platforms';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { requireMosquitto, startMosquitto, type TestMosquitto } from '../support/mosquitto';
import { ProtocolEdge } from '../support/protocol-edge';

const binary = requireMosquitto();
const infraConfig = fileURLToPath(new URL('../../../../infra/cloud/mosquitto.conf', import.meta.url));

describe.skipIf(binary === undefined)('cloud on an external Mosquitto', () => {
  let broker: TestMosquitto | undefined;
  let cloud: RunningCloud | undefined;
  let edge: ProtocolEdge | undefined;
  let dir = '';
  afterEach(async () => {
    await edge?.stop();
    await cloud?.stop();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a campaign through Mosquitto with per-platform credentials and ACL', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfl-ext-broker-'));
    const cloudPassword = generateSecret();
    const { passwordFile, aclFile } = await writeMosquittoFiles(dir, { cloud: { password: cloudPassword }, platforms: [] });
    broker = await startMosquitto({ binary: binary!, passwordFile, aclFile, baseConfig: await readFile(infraConfig, 'utf8') });
    cloud = await startTestCloud({ mqttUrl: broker.url, mqttPassword: cloudPassword });
    // What `sdfl platform add rig-x --mosquitto-dir DIR` does, then Mosquitto reloads its files.
    const creds = await addPlatform(cloud.db.db, 'rig-x', { actor: 'test' });
    await addPlatformToMosquitto(dir, 'rig-x', creds.password);
    await broker.reload();
    edge = new ProtocolEdge({ platformId: 'rig-x', url: broker.url, password: creds.password, runMs: 10 });
    await until(async () => edge!.start().then(() => true).catch(() => false), 20_000, 'platform connected');
    await until(async () => (await cloud!.db.db.query.platforms.findFirst({ where: (p, { eq }) => eq(p.id, 'rig-x') }))?.status === 'online', 10_000, 'its birth');
    const c = await cloud.engine.createCampaign({ platform: 'rig-x', schedule: 'lhs 3', seed: 5 }, 'test');
    await campaignStatus(cloud, c.id, 'done');
    expect(await cloud.db.db.select().from(results).where(eq(results.platformId, 'rig-x'))).toHaveLength(3);
    await until(() => edge!.unreceipted.size === 0, 5000, 'receipts through Mosquitto');
    expect(cloud.broker).toBeNull();
  }, 120_000);
});
