/**
 * `sdfl-edge --sim --broker ...` as a cloud sees it: a separate process that authenticates with a
 * username and a password from the environment, boots into SAFE, runs what it is sent, forgets
 * results once they are receipted, and stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/sim/embedded-broker';
import { Operator } from '../../src/sim/operator';
import { openEdgeDb } from '../../src/store/index';
import { describeWithSocat, enqueue, fiveConditions } from './harness';

const bin = resolve(import.meta.dirname, '../../bin/sdfl-edge.js');
const PLATFORM = 'sim-e2e';
const USERS = { [PLATFORM]: 'edge-secret', cloud: 'cloud-secret' };

describeWithSocat('sdfl-edge --sim as a platform process', { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdfl-platform-'));
  let broker: EmbeddedBroker;
  let operator: Operator | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child?.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL'); // its group: the emulators' socat processes too
      } catch {
        // already gone
      }
    }
    await operator?.stop();
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('authenticates, boots SAFE, runs two commanded experiments, and exits 0 on SIGTERM leaving an offline state', async () => {
    broker = await startEmbeddedBroker({ users: USERS });
    // The broker really checks credentials: a wrong password gets no session.
    await expect(mqtt.connectAsync(broker.url, { username: 'cloud', password: 'wrong', reconnectPeriod: 0, protocolVersion: 4 })).rejects.toThrow();

    operator = new Operator(PLATFORM, broker.url, { username: 'cloud', password: USERS.cloud });
    await operator.start();
    const args = [bin, '--sim', '--broker', broker.url, '--platform-id', PLATFORM, '--username', PLATFORM, '--speed', '25', '--seed', '7', '--data-dir', dataDir];
    child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, SDFL_MQTT_PASSWORD: USERS[PLATFORM], SDFL_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('\n')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no online line; stderr: ${stderr.slice(-2_000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stdout).toBe(`sdfl-edge: platform ${PLATFORM} online (broker ${broker.url}, sim speed x25)\n`);
    expect(stderr).not.toContain(USERS[PLATFORM]); // the password is never logged

    // Boots into SAFE and queues nothing by itself.
    await operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === 'safe', 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(operator.state?.body).toMatchObject({ status: 'online', safe: true, safeReason: 'boot' });

    const clear = await operator.send({ type: 'clearSafe', operator: 'test', reason: 'platform-mode e2e' });
    expect((await operator.ackFor(clear)).body).toMatchObject({ accepted: true });
    const cleared = await operator.waitFor('event', (e) => e.body.type === 'faultCleared');
    expect(cleared.body).toMatchObject({ by: 'test', commandId: clear });
    const conditions = fiveConditions();
    await enqueue(operator, [conditions[0]!, conditions[2]!]);
    await operator.waitFor('result', () => operator!.results.length >= 2, 240_000);
    expect(operator.results.map((r) => `${r.body.experimentId}:${r.body.status}`)).toEqual(['exp-1:done', 'exp-2:done']);

    // Every result and event it recorded is receipted (the edge may then forget them).
    const recorded = [...operator.results, ...operator.events].map((m) => m.id);
    const receiptedAll = () => recorded.every((id) => operator!.receipted.has(id));
    while (!receiptedAll()) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // the receipts reach the edge

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(operator.state?.body).toMatchObject({ status: 'offline', reason: 'shutdown' });
    expect(stderr).toMatch(/stopping: SAFE outputs, offline state/);

    // The edge's outbox holds no result: both were receipted before it stopped.
    const db = openEdgeDb(join(dataDir, 'edge.db'));
    try {
      expect(db.sqlite.prepare(`SELECT count(*) FROM outbox WHERE kind = 'result'`).pluck().get()).toBe(0);
      expect(db.sqlite.prepare(`SELECT status FROM queue ORDER BY position`).pluck().all()).toEqual(['done', 'done']);
    } finally {
      db.close();
    }
  });
});
