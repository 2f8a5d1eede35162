import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadCloudConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { credentialVerifier } from '../../src/engine/platforms.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/sdfl.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sdfl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cloud config', () => {
  it('lists every problem with the variable that caused it', () => {
    const error = (() => {
      try {
        loadCloudConfig({}, { MQTT_URL: 'http://nope', SDFL_MQTT_PORT: '70000', SDFL_LOG_LEVEL: 'loud' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toMatch(/mqttUrl \(MQTT_URL\)/);
    expect(text).toMatch(/mqttPort \(SDFL_MQTT_PORT\)/);
    expect(text).toMatch(/logLevel \(SDFL_LOG_LEVEL\)/);
    expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
  });

  it('defaults to PGlite in the data folder and the embedded broker on loopback', () => {
    const c = loadCloudConfig({}, {});
    expect(c.databaseUrl).toBe(join('.data/cloud', 'db'));
    expect(c.mqttUrl).toBeUndefined();
    expect(c.mqttHost).toBe('127.0.0.1');
    expect(Object.isFrozen(c)).toBe(true);
  });
});

describe('sdfl CLI', () => {
  it('sdfl serve with a bad config exits 1 listing every problem', async () => {
    const r = await run(process.execPath, [BIN, 'serve', '--mqtt-port', 'x'], { env: { ...process.env, MQTT_URL: 'mqtt://127.0.0.1:1' } }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toMatch(/mqttPort/);
    expect((r as { stderr: string }).stderr).toMatch(/MQTT_PASSWORD is required/);
  }, 60_000);

  it('sdfl platform add prints the credentials once, stores only a hash, and writes the Mosquitto files', async () => {
    const mosq = join(dir, 'mosquitto');
    const { stdout } = await run(process.execPath, [BIN, 'platform', 'add', 'rig-cli', '--data-dir', dir, '--mosquitto-dir', mosq]);
    const password = /password: (\S+)/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    expect(readFileSync(join(mosq, 'passwords'), 'utf8')).toMatch(/^rig-cli:\$7\$/m);
    expect(readFileSync(join(mosq, 'acl'), 'utf8')).toMatch(/user rig-cli/);
    const db = await openDatabase({ url: join(dir, 'db') });
    try {
      expect(await credentialVerifier(db.db, { password: 'x' })('rig-cli', password!)).toEqual({ kind: 'platform', platformId: 'rig-cli' });
      const rows = await db.db.query.platforms.findMany();
      expect(JSON.stringify(rows)).not.toContain(password);
    } finally {
      await db.close();
    }
    const again = await run(process.execPath, [BIN, 'platform', 'add', 'rig-cli', '--data-dir', dir]).catch((e: { code: number; stderr: string }) => e);
    expect((again as { code: number }).code).toBe(1);
    expect((again as { stderr: string }).stderr).toMatch(/already registered/);
  }, 60_000);
});
