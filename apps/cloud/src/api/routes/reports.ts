/**
 * `GET /campaigns/{id}/report.html`: the campaign's self-contained HTML report (any role), as a
 * download. The twin part is what `GET /campaigns/{id}/models/{version}/report` answers for the
 * latest model version: the request goes through those very routes (an internal app of
 * `modelRoutes`), so the report is computed once in the worker and stored in `twin_reports`, never
 * recomputed here. The `X-Twin-Report` header says what the report holds: `ready`, `computing`
 * (ask again), `unavailable` (too few points, or the computation failed) or `none` (no model yet).
 */
import { createRequire } from 'node:module';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import { campaigns, modelSnapshots } from '../../db/schema';
import type { TwinReport } from '../../optimizer-host/lab-protocol';
import { buildCampaignReport, databaseKind, loadReportData, type TwinState } from '../../report';
import type { ApiDeps, ApiEnv } from '../app';
import { ApiError, errorResponses } from '../errors';
import { idParams } from '../schemas/common';
import { modelRoutes } from './models';

const SOFTWARE_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

const report = createRoute({
  method: 'get',
  path: '/campaigns/{id}/report.html',
  tags: ['reports'],
  summary: "A campaign's report: settings, progress, best result, experiments, the twin's metrics and charts, provenance (one HTML file, no scripts)",
  description:
    'Charts are inline SVG. The twin part uses the stored twin report of the latest model version; if it is not computed yet the computation starts and the request waits up to `wait` seconds (default 60); the `X-Twin-Report` header is `ready`, `computing`, `unavailable` or `none`.',
  security: [{ bearer: [] }],
  request: { params: idParams, query: z.object({ wait: z.coerce.number().min(0).max(60).default(60).openapi({ param: { name: 'wait', in: 'query' } }) }) },
  responses: {
    200: {
      description: 'the report (Content-Disposition: attachment)',
      headers: { 'X-Twin-Report': { schema: { type: 'string', enum: ['ready', 'computing', 'unavailable', 'none'] } } },
      content: { 'text/html': { schema: z.string() } },
    },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND'),
  },
});

export function reportRoutes(deps: ApiDeps) {
  const { db } = deps;
  // The model routes themselves, reached without HTTP: their errors come back as the API's error body.
  const models = new OpenAPIHono<ApiEnv>().route('/', modelRoutes(deps));
  models.onError((error, c) =>
    error instanceof ApiError ? c.json({ error: { code: error.code, message: error.message } }, error.status) : c.json({ error: { code: 'INTERNAL', message: error.message } }, 500),
  );

  const twinState = async (campaignId: string, wait: number): Promise<TwinState> => {
    const [latest] = await db.select({ version: modelSnapshots.version }).from(modelSnapshots).where(eq(modelSnapshots.campaignId, campaignId)).orderBy(desc(modelSnapshots.version)).limit(1);
    if (!latest) return { status: 'none' };
    const version = latest.version;
    const res = await models.request(`/campaigns/${encodeURIComponent(campaignId)}/models/${version}/report?wait=${wait}`);
    if (res.status === 200) {
      const body = (await res.json()) as { computeMs: number; report: TwinReport };
      return { status: 'ready', version, computeMs: body.computeMs, report: body.report };
    }
    if (res.status === 202) return { status: 'computing', version };
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (res.status === 409) return { status: 'unavailable', version, reason: body.error?.message ?? 'the twin report cannot be computed' };
    deps.log.warn({ campaignId, version, status: res.status, error: body.error }, 'twin report for the campaign report failed');
    return { status: 'unavailable', version, reason: `the model route answered ${res.status}: ${body.error?.message ?? 'no message'}` };
  };

  return new OpenAPIHono<ApiEnv>().openapi(report, async (c) => {
    const { id } = c.req.valid('param');
    const [known] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id));
    if (!known) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
    // The twin first (it may wait), then the data, so the tables are as fresh as the download.
    const twin = await twinState(id, c.req.valid('query').wait);
    const data = await loadReportData(db, id);
    if (!data) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
    const html = await buildCampaignReport(data, twin, { generatedAt: new Date(), softwareVersion: SOFTWARE_VERSION, database: databaseKind(db) });
    c.header('Content-Disposition', `attachment; filename="${id}-report.html"`);
    c.header('X-Twin-Report', twin.status);
    return c.html(html, 200);
  });
}
