/**
 * A real Mosquitto (Debian's 2.0.x), configured by infra/cloud/mosquitto.conf and the files
 * writeMosquittoFiles writes: the shared access suite, plus adding and removing platforms.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformClientId } from '../../src/broker/identity';
import {
  addPlatformToMosquitto,
  mosquittoPasswordLine,
  removePlatformFromMosquitto,
  setMosquittoCloudUser,
  writeMosquittoFiles,
} from '../../src/broker/mosquitto-files';
import { generateSecret } from '../../src/broker/secrets';
import { requireMosquitto, startMosquitto, type TestMosquitto } from '../support/mosquitto';
import { describeBrokerAccess, type BrokerUsers } from './access-suite';
import { connectCloud, connectOutcome, connectPlatform, options, settle, within } from './clients';

const binary = requireMosquitto();
const infraConfig = fileURLToPath(new URL('../../../../infra/cloud/mosquitto.conf', import.meta.url));

async function startWithFiles(users: BrokerUsers): Promise<TestMosquitto & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sdfl-mosquitto-files-'));
  const { passwordFile, aclFile } = await writeMosquittoFiles(dir, { cloud: { password: users.cloudPassword }, platforms: users.platforms });
  const broker = await startMosquitto({ binary: binary!, passwordFile, aclFile, baseConfig: await readFile(infraConfig, 'utf8') });
  return {
    ...broker,
    dir,
    stop: async () => {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Mosquitto 2.0 answers a bad password or unknown user with 5 (not authorized), not 4, and grants
// denied subscriptions (then delivers nothing on them).
describeBrokerAccess('Mosquitto', startWithFiles, { badCredentialsCode: 5, noCredentialsCode: 5, deniedSubackCode: 1 }, binary === undefined);

describe('infra/cloud/mosquitto.conf', () => {
  it('listens on loopback only and admits no anonymous client', async () => {
    const lines = (await readFile(infraConfig, 'utf8')).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines.filter((l) => /^(listener|port|bind_address)\b/.test(l))).toEqual(['listener 1883 127.0.0.1']);
    expect(lines).toContain('allow_anonymous false');
    expect(lines.filter((l) => /^(password_file|acl_file)\b/.test(l))).toHaveLength(2);
  });
});

describe.skipIf(binary === undefined)('Mosquitto files', () => {
  const run = promisify(execFile);

  it('writes password lines that mosquitto_passwd would write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfl-passwd-'));
    try {
      const file = join(dir, 'pw');
      await run('mosquitto_passwd', ['-c', '-b', file, 'rig-1', 'sêcret pass']);
      const line = (await readFile(file, 'utf8')).trim();
      const [, , iterations, salt] = line.split('$');
      expect(mosquittoPasswordLine('rig-1', 'sêcret pass', { salt: Buffer.from(salt!, 'base64'), iterations: Number(iterations) })).toBe(line);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves a folder built user by user (setMosquittoCloudUser + addPlatformToMosquitto)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfl-mosquitto-steps-'));
    const cloudPassword = generateSecret();
    const rigPassword = generateSecret();
    await setMosquittoCloudUser(dir, cloudPassword);
    await addPlatformToMosquitto(dir, 'rig-s', rigPassword);
    const broker = await startMosquitto({
      binary: binary!,
      passwordFile: join(dir, 'passwords'),
      aclFile: join(dir, 'acl'),
      baseConfig: await readFile(infraConfig, 'utf8'),
    });
    try {
      const cloud = await connectCloud(broker.url, cloudPassword);
      await cloud.subscribe(['sdfl/v1/+/result']);
      const rig = await connectPlatform(broker.url, 'rig-s', rigPassword);
      await rig.subscribe(['sdfl/v1/rig-s/cmd']);
      await rig.client.publishAsync('sdfl/v1/rig-s/result', 'r', { qos: 1 });
      await cloud.client.publishAsync('sdfl/v1/rig-s/cmd', 'c', { qos: 1 });
      await cloud.waitFor((m) => m.payload === 'r');
      await rig.waitFor((m) => m.payload === 'c');
      await Promise.all([cloud.end(), rig.end()]);
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('splits results between cloud processes of one shared-subscription group', async () => {
    const users: BrokerUsers = { cloudPassword: generateSecret(), platforms: [{ id: 'rig-a', password: generateSecret() }] };
    const broker = await startWithFiles(users);
    try {
      const ingest = [await connectCloud(broker.url, users.cloudPassword), await connectCloud(broker.url, users.cloudPassword)];
      for (const c of ingest) expect(await c.subscribe(['$share/ingest/sdfl/v1/+/result'])).toEqual([1]);
      const rig = await connectPlatform(broker.url, 'rig-a', users.platforms[0]!.password);
      const sent = Array.from({ length: 20 }, (_, i) => `r${i}`);
      for (const payload of sent) await rig.client.publishAsync('sdfl/v1/rig-a/result', payload, { qos: 1 });
      const deadline = Date.now() + 5_000;
      while (ingest[0]!.received.length + ingest[1]!.received.length < sent.length && Date.now() < deadline) await settle(50);
      await settle();
      const got = ingest.flatMap((c) => c.received.map((m) => m.payload));
      expect(got.sort()).toEqual([...sent].sort()); // each result to exactly one member
      expect(ingest.every((c) => c.received.length > 0)).toBe(true);
      await Promise.all([...ingest, rig].map((c) => c.end()));
    } finally {
      await broker.stop();
    }
  });

  describe('adding and removing platforms on a running broker', () => {
    const users: BrokerUsers = { cloudPassword: generateSecret(), platforms: [{ id: 'rig-a', password: generateSecret() }] };
    let broker: Awaited<ReturnType<typeof startWithFiles>>;
    beforeAll(async () => {
      broker = await startWithFiles(users);
    }, 30_000);
    afterAll(async () => broker?.stop());

    /** Polls until the reloaded broker gives `expected` (SIGHUP is handled on its next loop turn). */
    async function eventually(id: string, password: string, expected: number | 'connected') {
      let outcome: number | string = 'none';
      for (let i = 0; i < 40 && outcome !== expected; i += 1) {
        outcome = await connectOutcome(broker.url, options(id, password, platformClientId(id)));
        if (outcome !== expected) await settle(100);
      }
      return outcome;
    }

    it('a platform added with addPlatformToMosquitto can connect after SIGHUP, and only on its own topics', async () => {
      const password = generateSecret();
      expect(await connectOutcome(broker.url, options('rig-new', password, platformClientId('rig-new')))).toBe(5);
      await addPlatformToMosquitto(broker.dir, 'rig-new', password);
      await addPlatformToMosquitto(broker.dir, 'rig-new', password); // idempotent
      const acl = await readFile(join(broker.dir, 'acl'), 'utf8');
      expect(acl.match(/^user rig-new$/gm)).toHaveLength(1);
      await broker.reload();
      expect(await eventually('rig-new', password, 'connected')).toBe('connected');

      const cloud = await connectCloud(broker.url, users.cloudPassword);
      await cloud.subscribe(['sdfl/v1/+/result']);
      const rig = await connectPlatform(broker.url, 'rig-new', password);
      await rig.client.publishAsync('sdfl/v1/rig-a/result', 'forged', { qos: 1 });
      await rig.client.publishAsync('sdfl/v1/rig-new/result', 'genuine', { qos: 1 });
      await cloud.waitFor((m) => m.payload === 'genuine');
      await settle();
      expect(cloud.received.map((m) => m.payload)).toEqual(['genuine']);
      // The existing platform was untouched.
      expect(await connectOutcome(broker.url, options('rig-a', users.platforms[0]!.password, platformClientId('rig-a')))).toBe('connected');
      await Promise.all([cloud.end(), rig.end()]);
    });

    it('a new password replaces the old one; a removed platform is refused and cut off after SIGHUP', async () => {
      const first = generateSecret();
      const second = generateSecret();
      await addPlatformToMosquitto(broker.dir, 'rig-rot', first);
      await broker.reload();
      expect(await eventually('rig-rot', first, 'connected')).toBe('connected');
      await addPlatformToMosquitto(broker.dir, 'rig-rot', second);
      await broker.reload();
      expect(await eventually('rig-rot', first, 5)).toBe(5);
      const open = await connectPlatform(broker.url, 'rig-rot', second);
      const closed = new Promise<void>((resolve) => open.client.once('close', () => resolve()));
      await removePlatformFromMosquitto(broker.dir, 'rig-rot');
      await broker.reload();
      // Mosquitto 2.0 re-checks connected clients on reload and drops those whose user is gone.
      await within(closed, 'revoked connection closed');
      await open.end();
      expect(await eventually('rig-rot', second, 5)).toBe(5);
      expect(await readFile(join(broker.dir, 'passwords'), 'utf8')).not.toMatch(/^rig-rot:/m);
    });
  });
});
