import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/sim/embedded-broker';
import { Operator } from '../../src/sim/operator';
import { describeWithSocat, enqueue, fiveConditions } from './harness';

const child = join(import.meta.dirname, 'agent-child.ts');
const killGroup = (p: ChildProcess) => {
  try {
    process.kill(-p.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};

function startAgent(brokerUrl: string, dataDir: string): Promise<ChildProcess> {
  // Its own process group, so a SIGKILL of the group also takes the emulators' socat processes.
  const proc = spawn(process.execPath, ['--import', 'tsx', child, brokerUrl, dataDir], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve(proc));
    proc.once('exit', (code) => reject(new Error(`agent exited early (${code}): ${stderr.slice(-2_000)}`)));
  });
}

describeWithSocat('agent killed with SIGKILL mid-experiment', { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdfl-crash-'));
  let broker: EmbeddedBroker;
  let operator: Operator;
  let agent: ChildProcess | undefined;
  afterAll(async () => {
    if (agent) killGroup(agent);
    await operator?.stop();
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reboots into SAFE, aborts the interrupted attempt, re-runs it, and loses or duplicates no result', async () => {
    broker = await startEmbeddedBroker();
    operator = new Operator('sim-1', broker.url);
    await operator.start();
    agent = await startAgent(broker.url, dataDir);
    await operator.ackFor(await operator.send({ type: 'clearSafe', operator: 'test', reason: 'first boot' }));
    await enqueue(operator, fiveConditions().slice(0, 3));
    await operator.waitFor('result', (r) => r.body.experimentId === 'exp-1', 120_000);
    await operator.waitFor('event', (e) => e.body.type === 'stage' && e.body.to === 'equilibrating' && e.body.experimentId === 'exp-2', 120_000);

    const exited = new Promise((r) => agent!.once('exit', r));
    killGroup(agent);
    await exited;
    const eventsBefore = operator.events.length;
    agent = await startAgent(broker.url, dataDir);

    // Boots into SAFE and says so in its birth certificate; the interrupted attempt is reported aborted.
    const aborted = await operator.waitFor('result', (r) => r.body.experimentId === 'exp-2' && r.body.attempt === 1, 60_000);
    expect(aborted.body).toMatchObject({ status: 'aborted', failure: { detail: 'agent restarted mid-experiment' } });
    await new Promise((r) => setTimeout(r, 500));
    expect(operator.state?.body).toMatchObject({ status: 'online', safe: true, safeReason: 'boot' });
    // Nothing pumps until SAFE is cleared.
    expect(operator.events.slice(eventsBefore).some((e) => e.body.type === 'stage' && e.body.to === 'flowing')).toBe(false);

    await operator.ackFor(await operator.send({ type: 'clearSafe', operator: 'test', reason: 'checked after crash' }));
    await operator.waitFor('result', () => operator.results.filter((r) => r.body.status === 'done').length >= 3, 180_000);

    const seen = operator.results.map((r) => `${r.body.experimentId}#${r.body.attempt}:${r.body.status}`);
    expect(seen.sort()).toEqual(['exp-1#1:done', 'exp-2#1:aborted', 'exp-2#2:done', 'exp-3#1:done']);
    // One envelope per (experiment, attempt): a re-send after the crash keeps its id and is dropped by id.
    expect(new Set(operator.results.map((r) => r.id)).size).toBe(operator.results.length);
  });
});
