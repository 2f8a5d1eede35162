import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSurrogate } from '@sdfl/optimizer';
import { createApp } from '../../src/api/app';
import { addUser, createToken } from '../../src/api/identity';
import type { RunningCloud } from '../../src/cloud';
import { modelSnapshots, twinReports } from '../../src/db/schema';
import { addPlatform } from '../../src/engine/platforms';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';

let cloud: RunningCloud;
let app: ReturnType<typeof createApp>;
let token: string;
let campaignId: string;
const edges: ProtocolEdge[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({}, { api: false });
  app = createApp({ db: cloud.db.db, engine: cloud.engine, log: cloud.log, brokerUp: () => true });
  await addUser(cloud.db.db, 'vic', 'viewer', 'test');
  token = (await createToken(cloud.db.db, 'vic', { actor: 'test' })).token;
  const creds = await addPlatform(cloud.db.db, 'rig-1', { actor: 'test' });
  const edge = new ProtocolEdge({ platformId: 'rig-1', url: cloud.mqttUrl, password: creds.password, runMs: 20 });
  edges.push(edge);
  await edge.start();
  await until(async () => (await cloud.db.db.query.platforms.findFirst({ where: (p, { eq: is }) => is(p.id, 'rig-1') }))?.status === 'online', 10_000, 'birth');
  campaignId = (await cloud.engine.createCampaign({ platform: 'rig-1', schedule: 'lhs 6 -> ei 4', seed: 3 }, 'test')).id;
  await campaignStatus(cloud, campaignId, 'done', 120_000);
}, 180_000);
afterAll(async () => {
  for (const e of edges) await e.stop().catch(() => undefined);
  await cloud.stop();
});

const get = (path: string, t: string | null = token) => app.request(path, { headers: t ? { authorization: `Bearer ${t}` } : {} });

describe('campaign models and twin reports', () => {
  it('lists model versions and downloads a snapshot that loadSurrogate rebuilds', async () => {
    expect((await get(`/campaigns/${campaignId}/models`, null)).status).toBe(401);
    expect((await get(`/campaigns/nope/models`)).status).toBe(404);
    const { models } = (await (await get(`/campaigns/${campaignId}/models`)).json()) as { models: { version: number; nTrain: number; report: string }[] };
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((m) => m.report === 'none')).toBe(true);
    const last = models.at(-1)!;
    const r = await get(`/campaigns/${campaignId}/models/${last.version}/snapshot`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain(`${campaignId}-model-v${last.version}.json`);
    const model = await loadSurrogate(await r.json());
    expect(model.dim).toBe(7);
    expect((await get(`/campaigns/${campaignId}/models/999/snapshot`)).status).toBe(404);
    expect((await get(`/campaigns/${campaignId}/models/x/report`)).status).toBe(400);
  });

  it('computes the twin report off the request path, once per version, and serves it from the database', async () => {
    const [m] = await cloud.db.db.select().from(modelSnapshots).where(eq(modelSnapshots.campaignId, campaignId)).orderBy(desc(modelSnapshots.version)).limit(1);
    const path = `/campaigns/${campaignId}/models/${m!.version}/report`;
    const first = await get(path);
    expect(first.status).toBe(202);
    expect(first.headers.get('retry-after')).toBe('2');
    const ready = await until(async () => {
      const r = await get(`${path}?wait=5`);
      return r.status === 200 ? ((await r.json()) as { computeMs: number; report: Record<string, unknown> }) : undefined;
    }, 120_000, 'twin report');
    const report = ready.report as {
      n: number;
      labels: string[];
      holdout: { testR2: number; nTest: number; parity: { test: { actual: number; predicted: number; std: number }[] } };
      kfold: { k: number; r2: number; parity: unknown[] };
      calibration: { k: number; fraction: number; expected: number }[];
      uncertainty: { n: number; meanStd: number }[];
      shapley: { ranking: { label: string; meanAbs: number; memberStd: number }[]; values: number[][]; spread: number[][]; base: number };
      surface: { x: string; y: string; mean: number[][]; std: number[][] };
    };
    expect(report.n).toBe((m!.metrics as { nTrain: number }).nTrain);
    expect(report.holdout.parity.test).toHaveLength(report.holdout.nTest);
    expect(Number.isFinite(report.holdout.testR2)).toBe(true);
    expect(report.kfold.parity).toHaveLength(report.n);
    expect(report.calibration.map((c) => c.k)).toEqual([1, 2]);
    expect(report.uncertainty.at(-1)!.n).toBe(report.n);
    expect(report.shapley.ranking).toHaveLength(7);
    expect(report.shapley.ranking.every((f) => f.memberStd >= 0)).toBe(true);
    expect(report.shapley.values[0]).toHaveLength(7);
    expect([report.surface.x, report.surface.y]).toEqual([report.shapley.ranking[0]!.label, report.shapley.ranking[1]!.label]);
    expect(report.surface.mean).toHaveLength(21);
    console.log(`twin report of ${report.n} points computed in ${ready.computeMs.toFixed(0)} ms (worker)`);
    // Stored once; a second app (another process) serves it without computing.
    const rows = await cloud.db.db.select().from(twinReports).where(and(eq(twinReports.campaignId, campaignId), eq(twinReports.version, m!.version)));
    expect(rows).toHaveLength(1);
    const other = createApp({ db: cloud.db.db, engine: cloud.engine, log: cloud.log, brokerUp: () => true });
    const again = await other.request(path, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { report: unknown }).report).toEqual(ready.report);
    const { models } = (await (await get(`/campaigns/${campaignId}/models`)).json()) as { models: { version: number; report: string }[] };
    expect(models.find((x) => x.version === m!.version)!.report).toBe('ready');
  }, 180_000);

  it('refuses a report for a version fitted on too few points (409, nothing stored)', async () => {
    const [m] = await cloud.db.db.select().from(modelSnapshots).where(eq(modelSnapshots.campaignId, campaignId)).orderBy(modelSnapshots.version).limit(1);
    if ((m!.metrics as { nTrain: number }).nTrain >= 5) return; // this seed's first model already had enough
    const r = await get(`/campaigns/${campaignId}/models/${m!.version}/report`);
    expect(r.status).toBe(409);
    expect(await r.text()).toMatch(/at least 5/);
    expect(await cloud.db.db.select().from(twinReports).where(and(eq(twinReports.campaignId, campaignId), eq(twinReports.version, m!.version)))).toEqual([]);
  });
});
