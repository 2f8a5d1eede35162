import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sdNotify, watchdogIntervalMs } from '../src/agent/systemd';

const hasTools = spawnSync('which', ['systemd-notify', 'socat']).status === 0;

describe.skipIf(!hasTools)('systemd notify protocol', () => {
  let listener: ChildProcess | undefined;
  afterEach(() => {
    listener?.kill();
    delete process.env.NOTIFY_SOCKET;
    delete process.env.WATCHDOG_USEC;
  });

  it('sends READY=1 and WATCHDOG=1 to $NOTIFY_SOCKET (a datagram socket, as systemd provides)', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'notify-')), 'notify.sock');
    listener = spawn('socat', ['-u', `UNIX-RECV:${socket}`, 'STDOUT']);
    let received = '';
    listener.stdout!.on('data', (d: Buffer) => (received += d.toString()));
    while (!existsSync(socket)) await new Promise((r) => setTimeout(r, 20));
    process.env.NOTIFY_SOCKET = socket;
    await sdNotify('READY=1');
    await sdNotify('WATCHDOG=1');
    const deadline = Date.now() + 3_000;
    while (!received.includes('WATCHDOG=1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received).toContain('READY=1');
    expect(received).toContain('WATCHDOG=1');
  });

  it('does nothing outside systemd, and pings at half of WatchdogSec', async () => {
    await expect(sdNotify('READY=1')).resolves.toBeUndefined();
    expect(watchdogIntervalMs()).toBeNull();
    process.env.WATCHDOG_USEC = '10000000';
    expect(watchdogIntervalMs()).toBe(5_000);
  });
});
