/**
 * The README's scripted client, end to end with child processes: `sdfl user add` (database
 * direct), `sdfl serve` (PGlite + aedes + API), then only the HTTP client: register a platform,
 * start `sdfl-edge --sim` with the credentials it printed, clear SAFE, create an approval-gated
 * campaign, approve its proposals (one edited), watch it to the end over SSE, export it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSimEdge, type SimEdge } from '../../src/demo/edge-process';
import { freePort } from '../support/free-port';

const BIN = fileURLToPath(new URL('../../bin/sdfl.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sdfl-client-'));
const children: ChildProcess[] = [];
let edge: SimEdge | undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sdfl ...args` to completion; never throws on a non-zero exit. */
function sdfl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, SDFL_LOG_LEVEL: 'warn', ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Spawns `sdfl ...args` in the background, collecting its output. */
function sdflChild(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SDFL_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out.stderr += b.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return { child, out, exited };
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A tiny CSV reader for the export (fields quoted when they hold a comma, quote or newline). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === '\n') {
      row.push(field);
      field = '';
      if (ch === '\n') {
        rows.push(row);
        row = [];
      }
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

afterAll(async () => {
  await edge?.stop(10_000);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())))));
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('sdfl as a client of the HTTP API against sdfl serve', () => {
  it('logs in, registers a platform, starts a gated campaign, approves it, watches it and exports it', async () => {
    // Bootstrap before serve: PGlite allows one process on the data folder.
    const user = await sdfl(['user', 'add', 'ada', '--role', 'admin', '--data-dir', dir]);
    expect(user.code, user.stderr).toBe(0);
    const token = /^\s+(\S+)\s*$/m.exec(user.stdout)?.[1];
    expect(token).toBeDefined();

    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const serve = sdflChild(['serve', '--data-dir', dir, '--mqtt-port', String(mqttPort), '--api-port', String(apiPort)], {});
    const url = await until('sdfl serve to listen', 60_000, async () => {
      if (serve.child.exitCode !== null) throw new Error(`sdfl serve exited ${serve.child.exitCode}: ${serve.out.stderr}`);
      return /API (http:\/\/\S+)/.exec(serve.out.stdout)?.[1];
    });
    expect(url).toBe(`http://127.0.0.1:${apiPort}`);
    const env = { SDFL_URL: url, SDFL_TOKEN: token! };

    // Refusals print the API's code and per-field messages and exit non-zero.
    const anonymous = await sdfl(['platform', 'list'], { SDFL_URL: url, SDFL_TOKEN: '' });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/error UNAUTHORIZED \(HTTP 401\)/);

    const mosq = join(dir, 'mosquitto');
    const added = await sdfl(['platform', 'add', 'rig-e2e', '--mosquitto-dir', mosq], env);
    expect(added.code, added.stderr).toBe(0);
    const password = /password: (\S+)/.exec(added.stdout)?.[1];
    expect(password).toBeDefined();
    expect(readFileSync(join(mosq, 'passwords'), 'utf8')).toMatch(/^rig-e2e:\$7\$/m);
    expect(readFileSync(join(mosq, 'acl'), 'utf8')).toMatch(/user rig-e2e/);
    const again = await sdfl(['platform', 'add', 'rig-e2e'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/error CONFLICT \(HTTP 409\).*already registered/);

    edge = spawnSimEdge({ platformId: 'rig-e2e', password: password!, brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, speed: 30, seed: 3, dataDir: join(dir, 'edge'), logFile: join(dir, 'edge.log') });
    await until('the platform to come online', 60_000, async () => {
      const r = await sdfl(['platform', 'show', 'rig-e2e', '--json'], env);
      return r.code === 0 && (JSON.parse(r.stdout) as { status: string }).status === 'online' ? true : undefined;
    });
    // With the platform's limits known (its birth), bounds outside them are refused per field.
    const bad = await sdfl(['campaign', 'create', '--platform', 'rig-e2e', '--schedule', 'lhs 3 -> nope 2', '--bound', 'temperatureC=500:900'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error VALIDATION \(HTTP 400\)/);
    expect(bad.stderr).toMatch(/^ {2}schedule: /m);
    expect(bad.stderr).toMatch(/^ {2}space[.\w]*: /m);

    const cleared = await sdfl(['platform', 'clear-safe', 'rig-e2e', '--reason', 'rig checked by the test', '--wait', '10000'], env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/clearSafe accepted by rig-e2e/);

    const created = await sdfl(['campaign', 'create', '--platform', 'rig-e2e', '--schedule', 'lhs 3', '--approval-gate', '--seed', '5', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const campaignId = (JSON.parse(created.stdout) as { id: string }).id;
    const watch = sdflChild(['campaign', 'watch', campaignId], env);

    // Review every proposal as it comes: the first one edited, an out-of-bounds edit refused.
    const approved: string[] = [];
    let editedTo: number | undefined;
    while (approved.length < 3) {
      const waiting = await until('a proposal to review', 60_000, async () => {
        const r = await sdfl(['campaign', 'approvals', campaignId, '--json'], env);
        expect(r.code, r.stderr).toBe(0);
        const list = (JSON.parse(r.stdout) as { id: string; condition: { temperatureC: number } }[]).filter((e) => !approved.includes(e.id));
        return list.length > 0 ? list : undefined;
      });
      for (const e of waiting) {
        if (approved.length === 0) {
          const refused = await sdfl(['approve', e.id, '--edit', 'temperatureC=1000'], env);
          expect(refused.code).toBe(1);
          expect(refused.stderr).toMatch(/error VALIDATION/);
          expect(refused.stderr).toMatch(/temperature 1000.* outside/);
          editedTo = Math.round(e.condition.temperatureC * 10) / 10;
          const ok = await sdfl(['approve', e.id, '--edit', `temperatureC=${editedTo}`, '--note', 'rounded'], env);
          expect(ok.code, ok.stderr).toBe(0);
          expect(ok.stdout).toMatch(new RegExp(`approved ${e.id} .*as edited: .*temperatureC=${editedTo}( |$)`, "m"));
        } else {
          const ok = await sdfl(['approve', e.id], env);
          expect(ok.code, ok.stderr).toBe(0);
        }
        approved.push(e.id);
        if (approved.length === 3) break;
      }
    }

    const watchCode = await Promise.race([watch.exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`watch did not end: ${watch.out.stdout}`)), 180_000))]);
    expect(watchCode, watch.out.stderr).toBe(0);
    const lines = watch.out.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toMatch(new RegExp(`^${campaignId} \\[#{20}\\] 3/3 · done`));
    expect(lines.at(-1)).toMatch(/best plIntensity \d/);

    const csvFile = join(dir, 'export.csv');
    const csv = await sdfl(['export', campaignId, '--format', 'csv', '--out', csvFile], env);
    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(csvFile, 'utf8')).filter((r) => r.length > 1);
    const col = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => r[col('experiment_id')]).sort()).toEqual([...approved].sort());
    for (const r of rows) {
      expect(r[col('status')]).toBe('done');
      expect(Number.isFinite(Number(r[col('value')])) && r[col('value')] !== '').toBe(true);
      expect(r[col('reviewed_by')]).toBe('ada');
    }
    expect(Number(rows.find((r) => r[col('experiment_id')] === approved[0])![col('temperatureC')])).toBe(editedTo);

    const json = await sdfl(['export', campaignId, '--format', 'json'], env);
    expect(json.code, json.stderr).toBe(0);
    const exported = JSON.parse(json.stdout) as { campaign: { id: string; status: string }; experiments: { id: string }[] };
    expect(exported.campaign).toMatchObject({ id: campaignId, status: 'done' });
    expect(exported.experiments).toHaveLength(3);

    const missing = await sdfl(['export', 'c-nope', '--format', 'csv', '--out', join(dir, 'nope.csv')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error NOT_FOUND \(HTTP 404\)/);

    // The ask/tell study API from the same client, no MQTT involved.
    const study = await sdfl(['study', 'create', '--name', 'two knobs', '--param', 'x=0:1', '--param', 'n=1:8:integer', '--objective', 'y', '--schedule', 'lhs 2', '--seed', '3', '--json'], env);
    expect(study.code, study.stderr).toBe(0);
    const studyId = (JSON.parse(study.stdout) as { id: string }).id;
    const asked = await sdfl(['study', 'ask', studyId, '-n', '2', '--json'], env);
    expect(asked.code, asked.stderr).toBe(0);
    const suggestions = (JSON.parse(asked.stdout) as { suggestions: { id: string; params: { x: number; n: number } }[] }).suggestions;
    expect(suggestions).toHaveLength(2);
    for (const t of suggestions) {
      expect(Number.isInteger(t.params.n)).toBe(true);
      const told = await sdfl(['study', 'tell', studyId, t.id, '--value', String(t.params.x + t.params.n)], env);
      expect(told.code, told.stderr).toBe(0);
      expect(told.stdout).toMatch(/^told: /);
    }
    const both = await sdfl(['study', 'tell', studyId, suggestions[0]!.id, '--value', '1', '--failed'], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^ {2}value: give exactly one of/m);
    const shown = await sdfl(['study', 'show', studyId, '--json'], env);
    const state = JSON.parse(shown.stdout) as { progress: { observations: number }; best: { value: number } };
    expect(state.progress.observations).toBe(2);
    expect(state.best.value).toBe(Math.max(...suggestions.map((t) => t.params.x + t.params.n)));

    expect(await edge.stop(15_000)).toBe(0);
    const passwordsBefore = readFileSync(join(mosq, 'passwords'), 'utf8');
    const rotated = await sdfl(['platform', 'rotate', 'rig-e2e', '--reason', 'test rotation', '--mosquitto-dir', mosq], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(/password: (\S+)/.exec(rotated.stdout)?.[1]).not.toBe(password);
    expect(readFileSync(join(mosq, 'passwords'), 'utf8')).not.toBe(passwordsBefore);
    const revoked = await sdfl(['platform', 'revoke', 'rig-e2e', '--reason', 'test over', '--mosquitto-dir', mosq], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(readFileSync(join(mosq, 'acl'), 'utf8')).not.toMatch(/user rig-e2e/);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 420_000);
});
