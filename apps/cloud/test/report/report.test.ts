/**
 * The campaign report over real HTTP: a test cloud (PGlite in memory, aedes, the API on a port, the
 * optimizer inline) runs a campaign to the end on a protocol-faithful platform, then a viewer
 * downloads `GET /campaigns/{id}/report.html` with fetch and `sdfl report` (a child process)
 * writes the report and the exports. A second, approval-gated campaign has reviews but no model.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createToken } from '../../src/api/identity';
import type { RunningCloud } from '../../src/cloud';
import { twinReports } from '../../src/db/schema';
import { reviewExperiment } from '../../src/engine/approvals';
import { addPlatform } from '../../src/engine/platforms';
import { esc, num } from '../../src/report';
import { externalUrls } from '../charts/svg-checks';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';

const BIN = fileURLToPath(new URL('../../bin/sdfl.js', import.meta.url));
const HOSTILE_NAME = '<b>Best</b> & "PL" <script>alert(1)</script>';

let cloud: RunningCloud;
let url: string;
let token: string;
let done: string;
let gated: string;
let edge: ProtocolEdge;
const dir = mkdtempSync(join(tmpdir(), 'sdfl-report-'));

beforeAll(async () => {
  cloud = await startTestCloud({}, { inlineOptimizer: true });
  url = cloud.api!.url;
  await addUser(cloud.db.db, 'vic', 'viewer', 'test');
  token = (await createToken(cloud.db.db, 'vic', { actor: 'test' })).token;
  const creds = await addPlatform(cloud.db.db, 'rig-1', { actor: 'test' });
  edge = new ProtocolEdge({ platformId: 'rig-1', url: cloud.mqttUrl, password: creds.password, runMs: 20 });
  await edge.start();
  await until(async () => (await cloud.db.db.query.platforms.findFirst({ where: (p, { eq: is }) => is(p.id, 'rig-1') }))?.status === 'online', 10_000, 'birth');
  done = (await cloud.engine.createCampaign({ platform: 'rig-1', name: HOSTILE_NAME, schedule: 'lhs 6 -> ei 4', seed: 3 }, 'test')).id;
  gated = (await cloud.engine.createCampaign({ platform: 'rig-1', name: 'gated one', schedule: 'lhs 3', seed: 4, approvalGate: true }, 'test')).id;
  await campaignStatus(cloud, done, 'done', 120_000);
  // The gated campaign starts next: approve one proposal, reject another.
  const proposals = await until(async () => {
    const rows = await cloud.db.db.query.experiments.findMany({ where: (e, { and: all, eq: is }) => all(is(e.campaignId, gated), is(e.status, 'proposed')) });
    return rows.length >= 2 ? rows : undefined;
  }, 30_000, 'proposals');
  await reviewExperiment(cloud.db.db, proposals[0]!.id, { action: 'approve' }, 'ada', 'looks sensible');
  await reviewExperiment(cloud.db.db, proposals[1]!.id, { action: 'reject' }, 'ada', 'too close to <the> last one');
}, 180_000);

afterAll(async () => {
  await edge.stop().catch(() => undefined);
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, t: string | null = token) => fetch(url + path, { headers: t ? { authorization: `Bearer ${t}` } : {} });

/** The charts of a report: `data-chart` of each figure, and how many inline SVGs there are. */
function charts(html: string): { names: string[]; svgs: number } {
  return { names: [...html.matchAll(/<figure class="chart" data-chart="([^"]+)" aria-label="[^"]+"><svg/g)].map((m) => m[1]!), svgs: (html.match(/<svg/g) ?? []).length };
}

/** Text between `<section id="{id}">` and its end. */
const section = (html: string, id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));

/** Everything outside tags' text: the markup itself (tags and attributes). */
const markup = (html: string) => (html.match(/<[^>]*>/g) ?? []).join('');

describe('GET /campaigns/{id}/report.html', () => {
  it('is a self-contained HTML download with the settings, every chart as inline SVG and the twin the model route serves', async () => {
    const res = await get(`/campaigns/${done}/report.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${done}-report.html"`);
    expect(res.headers.get('x-twin-report')).toBe('ready');
    const html = await res.text();
    // The name is escaped everywhere, and no script or external reference exists.
    expect(html).toContain(esc(HOSTILE_NAME));
    expect(html).not.toContain('<b>Best</b>');
    expect(html).not.toMatch(/<script/i);
    expect(externalUrls(markup(html))).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//);
    // Settings.
    const settings = section(html, 'settings');
    for (const s of ['maximise plIntensity', 'lhs 6 → ei 4', 'platform rig-1', 'Approval gate', 'Temperature', 'Reaction time', '<dt>Owner</dt><dd>cli</dd>', 'done (budget reached)']) expect(settings).toContain(s);
    // Every chart: history, parallel coordinates, slices, the best result's two spectra, and the twin's five.
    const { names, svgs } = charts(html);
    expect(names.sort()).toEqual(['absorptionSpectrum', 'bestSoFar', 'parallelCoordinates', 'parity', 'parity', 'plSpectrum', 'shapSummary', 'slices', 'surface', 'uncertaintyVsSize'].sort());
    expect(svgs).toBe(names.length);
    // Ids are unique across the inline SVGs.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    // The experiments table has a row per experiment.
    const experiments = (await (await get(`/experiments?campaign=${done}&limit=500`)).json()) as { experiments: { id: string }[] };
    const table = section(html, 'experiments');
    expect((table.match(/<tr>/g) ?? []).length - 1).toBe(experiments.experiments.length);
    for (const e of experiments.experiments) expect(table).toContain(`>${e.id}<`);
    // The twin part is the stored report of the latest version, the one the model route serves (computed once).
    const { models } = (await (await get(`/campaigns/${done}/models`)).json()) as { models: { version: number; report: string }[] };
    const latest = models.at(-1)!;
    expect(latest.report).toBe('ready');
    const twin = (await (await get(`/campaigns/${done}/models/${latest.version}/report`)).json()) as { report: { holdout: { testR2: number }; kfold: { r2: number }; n: number } };
    const stored = await cloud.db.db.select().from(twinReports).where(and(eq(twinReports.campaignId, done), eq(twinReports.version, latest.version)));
    expect(stored).toHaveLength(1);
    const twinSection = section(html, 'twin');
    expect(twinSection).toContain(`Model version ${latest.version}, fitted on ${twin.report.n}`);
    expect(twinSection).toContain(`<td class="num">${num(twin.report.holdout.testR2)}</td>`);
    expect(twinSection).toContain(`<td class="num">${num(twin.report.kfold.r2)}</td>`);
    // Provenance.
    const provenance = section(html, 'provenance');
    expect(provenance).toContain('campaign.create');
    expect(provenance).toContain('embedded PGlite (in memory)');
    expect(provenance).toMatch(/@sdfl\/cloud \d+\.\d+\.\d+/);
  }, 120_000);

  it('without a model says so, and lists who approved and rejected what (escaped)', async () => {
    const res = await get(`/campaigns/${gated}/report.html?wait=0`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-twin-report')).toBe('none');
    const html = await res.text();
    expect(section(html, 'twin')).toContain('No model yet');
    expect(section(html, 'settings')).toContain('yes (2 proposals kept waiting ahead)');
    const provenance = section(html, 'provenance');
    expect(provenance).toMatch(/ada<\/td><td>experiment\.approve<\/td><td>[^<]+<\/td><td>looks sensible/);
    expect(provenance).toContain('experiment.reject');
    expect(provenance).toContain('too close to &lt;the&gt; last one');
    expect(html).not.toContain('<the>');
    // The experiment charts are there (the approved proposal may have run already); no twin chart.
    const names = charts(html).names;
    expect(names).toEqual(expect.arrayContaining(['bestSoFar', 'parallelCoordinates', 'slices']));
    for (const twinChart of ['parity', 'uncertaintyVsSize', 'shapSummary', 'surface']) expect(names).not.toContain(twinChart);
  });

  it('is 404 for an unknown campaign and 401 without a token', async () => {
    const missing = await get('/campaigns/nope/report.html');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect((await get(`/campaigns/${done}/report.html`, null)).status).toBe(401);
    const doc = (await (await get('/openapi.json', null)).json()) as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }> };
    expect(Object.keys(doc.paths['/campaigns/{id}/report.html']!.get!.responses['200']!.content!)).toEqual(['text/html']);
  });
});

describe('sdfl report', () => {
  const sdfl = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, SDFL_URL: url, SDFL_TOKEN: token, SDFL_LOG_LEVEL: 'warn' } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('writes the report, the CSV and the JSON into --out and prints their paths', async () => {
    const out = join(dir, 'out');
    const run = await sdfl(['report', done, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const files = [`${done}-report.html`, `${done}-experiments.csv`, `${done}-experiments.json`].map((f) => join(out, f));
    expect(run.stdout.trim().split('\n')).toEqual(files);
    expect(readdirSync(out).sort()).toEqual([...files].map((f) => f.slice(out.length + 1)).sort());
    const html = readFileSync(files[0]!, 'utf8');
    expect(html).toContain(esc(HOSTILE_NAME));
    expect(charts(html).names).toHaveLength(10);
    const csv = readFileSync(files[1]!, 'utf8').trim().split('\n');
    const json = JSON.parse(readFileSync(files[2]!, 'utf8')) as { campaign: { id: string; name: string }; experiments: { id: string }[] };
    expect(json.campaign).toMatchObject({ id: done, name: HOSTILE_NAME });
    expect(csv[0]).toMatch(/^experiment_id,seq,status/);
    expect(csv.length - 1).toBe(json.experiments.length);
  }, 60_000);

  it('fails with the API error and leaves no file for an unknown campaign', async () => {
    const out = join(dir, 'missing');
    const run = await sdfl(['report', 'nope', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error NOT_FOUND (HTTP 404)');
    expect(existsSync(join(out, 'nope-report.html'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});
