import { pbkdf2Sync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addPlatformToMosquitto,
  mosquittoPasswordLine,
  removePlatformFromMosquitto,
  setMosquittoCloudUser,
  writeMosquittoFiles,
} from '../../src/broker/mosquitto-files';

describe('Mosquitto files', () => {
  let dir: string;
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfl-mosq-files-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes $7$ PBKDF2-SHA512 lines with a fresh 12-byte salt each time', () => {
    const a = mosquittoPasswordLine('rig-1', 'pw');
    const b = mosquittoPasswordLine('rig-1', 'pw');
    expect(a).not.toBe(b);
    const match = /^rig-1:\$7\$101\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(a);
    expect(match).not.toBeNull();
    const salt = Buffer.from(match![1]!, 'base64');
    expect(salt).toHaveLength(12);
    expect(pbkdf2Sync('pw', salt, 101, 64, 'sha512').toString('base64')).toBe(match![2]);
  });

  it('writes the cloud and every platform, each with its own ACL block', async () => {
    await writeMosquittoFiles(dir, { cloud: { password: 'c' }, platforms: [{ id: 'rig-a', password: 'a' }, { id: 'rig-b', password: 'b' }] });
    expect((await read('passwords')).trim().split('\n').map((l) => l.split(':')[0])).toEqual(['sdfl-cloud', 'rig-a', 'rig-b']);
    const acl = await read('acl');
    expect(acl).toContain('user sdfl-cloud\ntopic read sdfl/v1/#\ntopic write sdfl/v1/+/cmd\ntopic write sdfl/v1/+/receipt\ntopic write sdfl/v1/+/state');
    expect(acl).toContain(
      [
        'user rig-b',
        'topic write sdfl/v1/rig-b/state',
        'topic write sdfl/v1/rig-b/telemetry',
        'topic write sdfl/v1/rig-b/ack',
        'topic write sdfl/v1/rig-b/result',
        'topic write sdfl/v1/rig-b/event',
        'topic read sdfl/v1/rig-b/cmd',
        'topic read sdfl/v1/rig-b/receipt',
      ].join('\n'),
    );
    expect(acl).not.toMatch(/^pattern/m);
  });

  it('adds, re-adds and removes platforms idempotently, keeping everyone else', async () => {
    await setMosquittoCloudUser(dir, 'c');
    await addPlatformToMosquitto(dir, 'rig-a', 'a1');
    await addPlatformToMosquitto(dir, 'rig-b', 'b');
    const blockOf = (acl: string, user: string) => acl.split('\n\n').find((b) => b.startsWith(`user ${user}\n`))?.trim();
    const aclOnce = await read('acl');
    const lineA1 = (await read('passwords')).split('\n').find((l) => l.startsWith('rig-a:'));
    await addPlatformToMosquitto(dir, 'rig-a', 'a2');
    const aclTwice = await read('acl');
    expect(aclTwice.match(/^user rig-a$/gm)).toHaveLength(1);
    for (const user of ['sdfl-cloud', 'rig-a', 'rig-b']) expect(blockOf(aclTwice, user)).toBe(blockOf(aclOnce, user));
    const passwords = (await read('passwords')).trim().split('\n');
    expect(passwords.map((l) => l.split(':')[0])).toEqual(['sdfl-cloud', 'rig-b', 'rig-a']);
    expect(passwords).not.toContain(lineA1);
    await removePlatformFromMosquitto(dir, 'rig-a');
    await removePlatformFromMosquitto(dir, 'rig-a');
    expect(await read('acl')).not.toContain('rig-a');
    expect(await read('passwords')).not.toContain('rig-a:');
    expect(await read('acl')).toContain('user rig-b');
    expect(await read('acl')).toContain('user sdfl-cloud');
  });

  it('refuses ids Mosquitto or the protocol cannot take, and writes nothing then', async () => {
    await addPlatformToMosquitto(dir, 'rig-a', 'a');
    const before = [await read('passwords'), await read('acl')];
    for (const id of ['sdfl-cloud', 'rig:1', 'rig/1', 'rig+', '#', '', 'a b', 'x\ny']) {
      await expect(addPlatformToMosquitto(dir, id, 'pw'), JSON.stringify(id)).rejects.toThrow(TypeError);
    }
    await expect(addPlatformToMosquitto(dir, 'rig-c', '')).rejects.toThrow(/password/);
    await expect(addPlatformToMosquitto(dir, 'rig-c', 'pw\nrig-d:x')).rejects.toThrow(/line break/);
    await expect(
      writeMosquittoFiles(dir, { cloud: { password: 'c' }, platforms: [{ id: 'rig-a', password: 'a' }, { id: 'rig-a', password: 'b' }] }),
    ).rejects.toThrow(/duplicate/);
    expect([await read('passwords'), await read('acl')]).toEqual(before);
  });
});
