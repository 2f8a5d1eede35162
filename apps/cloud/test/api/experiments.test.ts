import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, experiments } from '../../src/db/schema';
import { EXPORT_PAGE } from '../../src/api/routes/experiments';
import { campaignStatus } from '../support/cloud';
import { startHarness, type Harness } from './api-harness';

let h: Harness;
let campaignId: string;
beforeAll(async () => {
  h = await startHarness({ api: true });
  await h.edge('rig-e');
  const c = await h.call('POST', '/campaigns', 'sci', { platform: 'rig-e', schedule: 'lhs 5', seed: 4 });
  campaignId = c.body.id as string;
  await campaignStatus(h.cloud, campaignId, 'done');
}, 90_000);
afterAll(() => h.stop());

type Exp = { id: string; seq: number; status: string; policy: string; value: number | null; condition: Record<string, number> };
const list = async (query: string) => (await h.call('GET', `/experiments?${query}`, 'vic')).body as { experiments: Exp[]; next: number | null };

describe('experiments', () => {
  it('lists with filters (campaign, platform, status, policy, dates) and pages', async () => {
    expect((await list(`campaign=${campaignId}`)).experiments).toHaveLength(5);
    expect((await list(`campaign=${campaignId}&status=done&policy=lhs&platform=rig-e`)).experiments).toHaveLength(5);
    expect((await list(`campaign=${campaignId}&status=failed`)).experiments).toHaveLength(0);
    expect((await list(`platform=other`)).experiments).toHaveLength(0);
    expect((await list(`campaign=${campaignId}&from=${new Date(Date.now() + 60_000).toISOString()}`)).experiments).toHaveLength(0);
    expect((await list(`campaign=${campaignId}&to=${new Date(Date.now() + 60_000).toISOString()}&from=2020-01-01T00:00:00Z`)).experiments).toHaveLength(5);
    const first = await list(`campaign=${campaignId}&limit=2`);
    expect(first.experiments).toHaveLength(2);
    expect(first.next).toBe(2);
    const last = await list(`campaign=${campaignId}&limit=2&offset=4`);
    expect(last.experiments).toHaveLength(1);
    expect(last.next).toBeNull();
    const seen = new Set([...first.experiments, ...(await list(`campaign=${campaignId}&limit=2&offset=2`)).experiments, ...last.experiments].map((e) => e.id));
    expect(seen.size).toBe(5);
    expect((await h.call('GET', '/experiments?from=yesterday', 'vic')).status).toBe(400);
    expect((await h.call('GET', '/experiments?limit=100000', 'vic')).status).toBe(400);
  });

  it('gets one with spectra, features, flow plan, timings and its provenance', async () => {
    const [e] = (await list(`campaign=${campaignId}&limit=1`)).experiments;
    const r = await h.call('GET', `/experiments/${e!.id}`, 'vic');
    expect(r.status).toBe(200);
    expect(r.body.experiment).toMatchObject({ id: e!.id, status: 'done', policy: 'lhs' });
    expect(r.body.decision).toMatchObject({ policy: 'lhs', stage: 0 });
    expect(r.body.command).toMatchObject({ accepted: true });
    expect(r.body.command.body.type).toBe('enqueue');
    const [result] = r.body.results;
    expect(result.spectra.pl.values.length).toBeGreaterThan(0);
    expect(result.features.plIntensity).toBeCloseTo(r.body.experiment.value as number, 6);
    expect(result.flowPlan).toHaveProperty('residenceTimeS');
    expect(result.timings).toHaveProperty('startedAt');
    expect((await h.call('GET', '/experiments/nope', 'vic')).status).toBe(404);
  });
});

describe('export over real HTTP (streamed)', () => {
  const get = (path: string, token = h.tokens.vic) => fetch(`${h.cloud.api!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('exports a finished campaign as CSV and JSON with the values the API reports', async () => {
    const csv = await get(`/campaigns/${campaignId}/export.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 3)).toEqual(['experiment_id', 'seq', 'status']);
    expect(lines).toHaveLength(6);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    const api = (await list(`campaign=${campaignId}`)).experiments;
    for (const row of rows) {
      const e = api.find((x) => x.id === row.experiment_id)!;
      expect(Number(row.value)).toBeCloseTo(e.value!, 9);
      expect(Number(row.temperatureC)).toBeCloseTo(e.condition.temperatureC!, 9);
      expect(Number(row.plIntensity)).toBeCloseTo(e.value!, 6);
    }
    const json = await get(`/campaigns/${campaignId}/export.json`);
    const body = (await json.json()) as { campaign: { id: string }; experiments: (Exp & { result: { features: object; spectra?: unknown } })[] };
    expect(body.campaign.id).toBe(campaignId);
    expect(body.experiments.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(body.experiments[0]!.result.features).toHaveProperty('plIntensity');
    expect(body.experiments[0]!.result.spectra).toBeUndefined();
    const withSpectra = (await (await get(`/campaigns/${campaignId}/export.json?spectra=true`)).json()) as typeof body;
    expect(withSpectra.experiments[0]!.result.spectra).toHaveProperty('pl');
    expect((await get('/campaigns/nope/export.csv')).status).toBe(404);
    expect((await fetch(`${h.cloud.api!.url}/campaigns/${campaignId}/export.csv`)).status).toBe(401);
  });

  it('streams a campaign of many pages in order, chunked (no content-length)', async () => {
    const n = EXPORT_PAGE * 2 + 50;
    await h.cloud.db.db.insert(campaigns).values({ id: 'c-big', name: 'big', owner: 'sci', space: {}, objective: { feature: 'plIntensity', direction: 'maximize' }, schedule: [{ policy: 'lhs', count: n }], seed: 1, planned: n, status: 'done' });
    const cond = { temperatureC: 100, cuIUlMin: 1, csOleateUlMin: 1, oaCsUlMin: 1, oaCuIUlMin: 1, oAmUlMin: 1, odeCuIUlMin: 1 };
    for (let i = 0; i < n; i += 100) {
      await h.cloud.db.db.insert(experiments).values(
        Array.from({ length: Math.min(100, n - i) }, (_, k) => ({ id: `c-big-${i + k + 1}`, campaignId: 'c-big', seq: i + k + 1, suggestionId: `s${i + k + 1}`, cube: [0.5], condition: cond, policy: 'lhs', stage: 0, status: 'done', value: i + k + 1 })),
      );
    }
    const csv = await get('/campaigns/c-big/export.csv');
    expect(csv.headers.get('content-length')).toBeNull();
    expect(csv.headers.get('transfer-encoding')).toBe('chunked');
    const reader = csv.body!.getReader();
    let text = '';
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      text += new TextDecoder().decode(value as Uint8Array);
    }
    const lines = text.trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(n);
    expect(lines.map((l) => Number(l.split(',')[1]))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(chunks).toBeGreaterThan(1);
    const json = (await (await get('/campaigns/c-big/export.json')).json()) as { experiments: { value: number }[] };
    expect(json.experiments.map((e) => e.value)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });
});
