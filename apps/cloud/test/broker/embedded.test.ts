/**
 * The embedded aedes broker: the shared access suite, plus what only the embedded broker does
 * (client id binding, verifier failures, restart without memory, disconnecting a platform).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/broker/embedded';
import { CLOUD_USERNAME, platformClientId, type BrokerIdentity, type CredentialVerifier } from '../../src/broker/identity';
import { generateSecret, hashSecret, verifySecret } from '../../src/broker/secrets';
import { describeBrokerAccess, type BrokerUsers } from './access-suite';
import { connectCloud, connectOutcome, connectPlatform, options, settle, within } from './clients';

const silent = pino({ level: 'silent' });

/** A verifier over hashed secrets in memory, as the cloud's database-backed one works. */
async function memoryVerifier(users: BrokerUsers): Promise<CredentialVerifier & { revoke(id: string): void }> {
  const hashes = new Map<string, { hash: string; identity: BrokerIdentity }>();
  hashes.set(CLOUD_USERNAME, { hash: await hashSecret(users.cloudPassword), identity: { kind: 'cloud' } });
  for (const p of users.platforms) {
    hashes.set(p.id, { hash: await hashSecret(p.password), identity: { kind: 'platform', platformId: p.id } });
  }
  const verify = async (username: string, password: string) => {
    const entry = hashes.get(username);
    return entry !== undefined && (await verifySecret(password, entry.hash)) ? entry.identity : null;
  };
  return Object.assign(verify, { revoke: (id: string) => void hashes.delete(id) });
}

describeBrokerAccess(
  'embedded aedes',
  async (users) => startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent }),
  { badCredentialsCode: 4, noCredentialsCode: 4, deniedSubackCode: 128 },
);

describe('embedded broker', () => {
  let broker: EmbeddedBroker | undefined;
  const users: BrokerUsers = { cloudPassword: generateSecret(), platforms: [{ id: 'rig-a', password: generateSecret() }] };
  const rigA = users.platforms[0]!;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('listens on loopback, on an ephemeral port when asked for port 0', async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.listening).toBe(true);
  });

  it("refuses a platform that connects with another client id (its session is bound to sdfl-edge-{id})", async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    expect(await connectOutcome(broker.url, options('rig-a', rigA.password, 'sdfl-edge-rig-b'))).toBe(2);
    expect(await connectOutcome(broker.url, options('rig-a', rigA.password, 'my-own-id'))).toBe(2);
    expect(await connectOutcome(broker.url, options(CLOUD_USERNAME, users.cloudPassword, platformClientId('rig-a')))).toBe(2);
    expect(await connectOutcome(broker.url, options('rig-a', rigA.password, platformClientId('rig-a')))).toBe('connected');
  });

  it('answers "server unavailable" when the verifier fails, and keeps serving', async () => {
    let fail = true;
    const inner = await memoryVerifier(users);
    const verify: CredentialVerifier = async (u, p) => {
      if (fail) throw new Error('database down');
      return inner(u, p);
    };
    broker = await startEmbeddedBroker({ port: 0, verify, log: silent });
    expect(await connectOutcome(broker.url, options('rig-a', rigA.password, platformClientId('rig-a')))).toBe(3);
    fail = false;
    expect(await connectOutcome(broker.url, options('rig-a', rigA.password, platformClientId('rig-a')))).toBe('connected');
  });

  it('drops a denied publish and the connection that sent it, and logs client id and topic', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log });
    const a = await connectPlatform(broker.url, 'rig-a', rigA.password);
    const closed = new Promise<void>((resolve) => a.client.once('close', () => resolve()));
    a.client.publish('sdfl/v1/rig-b/result', 'forged', { qos: 1 });
    await within(closed, 'connection closed after a denied publish');
    await a.end();
    expect(lines).toContainEqual(
      expect.objectContaining({ module: 'cloud:broker', clientId: 'sdfl-edge-rig-a', topic: 'sdfl/v1/rig-b/result', msg: expect.stringMatching(/^publish denied/) }),
    );
  });

  it('restart() forgets sessions and retained messages, on the same port; clients reconnect', async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    const port = broker.port;
    const a = await connectPlatform(broker.url, 'rig-a', rigA.password);
    await a.client.publishAsync('sdfl/v1/rig-a/state', 'birth', { qos: 1, retain: true });
    await a.end();
    const before = await connectCloud(broker.url, users.cloudPassword);
    await before.subscribe(['sdfl/v1/+/state']);
    await before.waitFor((m) => m.payload === 'birth');
    await before.end();

    await broker.restart();
    expect(broker.port).toBe(port);
    const after = await connectCloud(broker.url, users.cloudPassword);
    await after.subscribe(['sdfl/v1/+/state']);
    await settle();
    expect(after.received).toEqual([]);
    await after.end();
  });

  it('restart({ keepSessions: true }) keeps retained messages', async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    const a = await connectPlatform(broker.url, 'rig-a', rigA.password);
    await a.client.publishAsync('sdfl/v1/rig-a/state', 'birth', { qos: 1, retain: true });
    await a.end();
    await broker.restart({ keepSessions: true });
    const c = await connectCloud(broker.url, users.cloudPassword);
    await c.subscribe(['sdfl/v1/+/state']);
    await c.waitFor((m) => m.payload === 'birth');
    await c.end();
  });

  it('stop() cuts every client off; restart() serves again', async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    const c = await connectCloud(broker.url, users.cloudPassword);
    const closed = new Promise<void>((resolve) => c.client.once('close', () => resolve()));
    await broker.stop();
    await within(closed, 'client cut off');
    expect(broker.listening).toBe(false);
    expect(await connectOutcome(broker.url, options(CLOUD_USERNAME, users.cloudPassword, 'x'))).toMatch(/ECONNREFUSED/);
    await broker.restart();
    expect(await connectOutcome(broker.url, options(CLOUD_USERNAME, users.cloudPassword, 'x'))).toBe('connected');
    await c.end();
  });

  it('disconnectPlatform() closes that platform only; a revoked platform cannot come back', async () => {
    const verify = await memoryVerifier(users);
    broker = await startEmbeddedBroker({ port: 0, verify, log: silent });
    const a = await connectPlatform(broker.url, 'rig-a', rigA.password);
    const c = await connectCloud(broker.url, users.cloudPassword);
    const closed = new Promise<void>((resolve) => a.client.once('close', () => resolve()));
    verify.revoke('rig-a');
    expect(broker.disconnectPlatform('rig-a')).toBe(1);
    await within(closed, 'platform disconnected');
    expect(broker.disconnectPlatform('rig-a')).toBe(0);
    expect(c.client.connected).toBe(true);
    expect(await connectOutcome(broker.url, options('rig-a', rigA.password, platformClientId('rig-a')))).toBe(4);
    await Promise.all([a.end(), c.end()]);
  });

  it('refuses shared subscriptions, which aedes 1.2 lacks, instead of silently matching nothing', async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    const c = await connectCloud(broker.url, users.cloudPassword);
    expect(await c.subscribe(['$share/ingest/sdfl/v1/+/result', 'sdfl/v1/+/result'])).toEqual([128, 1]);
    await c.end();
  });

  it('rejects a port already in use', async () => {
    broker = await startEmbeddedBroker({ port: 0, verify: await memoryVerifier(users), log: silent });
    await expect(startEmbeddedBroker({ port: broker.port, verify: await memoryVerifier(users), log: silent })).rejects.toThrow(/EADDRINUSE/);
  });
});
