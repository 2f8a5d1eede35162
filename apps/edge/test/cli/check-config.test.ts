import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const edge = resolve(import.meta.dirname, '../..');
const repo = resolve(edge, '../..');
const exampleConfig = join(repo, 'infra/edge/edge.example.yaml');

/**
 * Runs `sdfl-edge <args>` in a child process under the module recorder and returns every module it
 * loaded (file URLs, deduplicated) with its exit status and output.
 */
function runRecorded(args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'sdfl-modules-')), 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', join(import.meta.dirname, 'record-modules.js'), join(edge, 'bin/sdfl-edge.js'), ...args], {
    cwd: repo,
    env: { ...process.env, SDFL_RECORD_MODULES: out },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const modules = [...new Set(readFileSync(out, 'utf8').split('\n').filter((u) => u.startsWith('file:')))];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules };
}

/** What the Pi never needs for validating a config: the simulator, the embedded broker, tfjs, the optimizer. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['packages/sim', /\/packages\/sim\//],
  ['the sim mode (apps/edge/src/sim)', /\/apps\/edge\/src\/sim\//],
  ['aedes', /\/node_modules\/aedes[^/]*\//],
  ['tfjs', /\/node_modules\/@tensorflow\//],
  ['packages/optimizer', /\/packages\/optimizer\//],
];

describe('sdfl-edge --check-config', () => {
  it('validates a config while loading nothing of the simulator, aedes, tfjs or the optimizer', () => {
    const r = runRecorded(['--config', exampleConfig, '--check-config']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valid \(platform rig-1\)/);
    // The recorder saw the modules that do the work, so an empty list cannot pass for a clean one.
    expect(r.modules.some((u) => u.endsWith('/apps/edge/src/config.ts'))).toBe(true);
    expect(r.modules.some((u) => u.includes('/node_modules/zod/'))).toBe(true);
    const loaded = FORBIDDEN.map(([name, re]) => ({ name, files: r.modules.filter((u) => re.test(u)).map((u) => u.slice(u.indexOf(repo) + repo.length + 1)) }));
    expect(loaded.filter((l) => l.files.length > 0)).toEqual([]);
  });

  it('lists every problem of a bad config and exits 1, still without the simulator', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdfl-cfg-'));
    const bad = join(dir, 'edge.yaml');
    writeFileSync(bad, 'platformId: a/b\nofflinePolicy: cloudless\n');
    const r = runRecorded(['--config', bad, '--check-config']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/platformId: /);
    expect(r.stderr).toMatch(/offlinePolicy: /);
    expect(r.modules.filter((u) => FORBIDDEN.some(([, re]) => re.test(u)))).toEqual([]);
  });
});
