import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadCloudConfig } from '../../src/config';

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

  it('the client commands say which API they could not reach and exit 1 (platform add now goes through the API)', async () => {
    const r = await run(process.execPath, [BIN, 'platform', 'add', 'rig-cli', '--url', 'http://127.0.0.1:9', '--token', 'x']).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toMatch(/error NETWORK: cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  }, 60_000);

  it('sdfl user add and token create bootstrap identities in the database; an unknown user exits 1', async () => {
    const user = await run(process.execPath, [BIN, 'user', 'add', 'grace', '--role', 'scientist', '--data-dir', dir]);
    expect(user.stdout).toMatch(/user grace \(scientist\) created/);
    const token = await run(process.execPath, [BIN, 'token', 'create', '--user', 'grace', '--days', '0', '--data-dir', dir]);
    expect(token.stdout).toMatch(/expires never/);
    expect(/^\s+(\S+)\s*$/m.exec(token.stdout)?.[1]).not.toBe(/^\s+(\S+)\s*$/m.exec(user.stdout)?.[1]);
    const nobody = await run(process.execPath, [BIN, 'token', 'create', '--user', 'nobody', '--data-dir', dir]).catch((e: { code: number }) => e);
    expect((nobody as { code: number }).code).toBe(1);
  }, 60_000);
});
