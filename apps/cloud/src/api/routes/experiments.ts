/**
 * `/experiments`: list and filter (campaign, platform, status, policy, created between dates;
 * paginated), get one with its spectra, features, flow plan, timings and provenance, and export a
 * campaign as CSV or JSON. Exports are streamed: rows are read in pages of {@link EXPORT_PAGE} and
 * written as they come, so a long campaign is never held in memory. Any role may read.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, desc, eq, gt, gte, inArray, lte } from 'drizzle-orm';
import { stream } from 'hono/streaming';
import { FEATURE_NAMES } from '@sdfl/protocol';
import type { CloudDrizzle } from '../../db/open';
import { campaigns, experiments, results } from '../../db/schema';
import { provenance } from '../../engine/provenance';
import type { ApiDeps, ApiEnv } from '../app';
import { ApiError, errorResponses } from '../errors';
import { idParams, idSchema, iso, pageQuery, safeText } from '../schemas/common';
import { experimentDetailSchema, experimentSchema, toCampaign, toExperiment, toExperimentDetail } from '../schemas/resources';

/** Rows read from the database per page while exporting. */
export const EXPORT_PAGE = 200;

const security = [{ bearer: [] }];
const tags = ['experiments'];
const STATUSES = ['proposed', 'rejected', 'queued', 'dispatched', 'accepted', 'running', 'done', 'failed', 'aborted', 'withdrawn'] as const;
const q = (name: string) => ({ param: { name, in: 'query' as const } });

const list = createRoute({
  method: 'get',
  path: '/experiments',
  tags,
  summary: 'Experiments, newest first, filtered; paginated with limit and offset',
  security,
  request: {
    query: z.object({
      campaign: idSchema.optional().openapi(q('campaign')),
      platform: idSchema.optional().openapi(q('platform')),
      status: z.enum(STATUSES).optional().openapi(q('status')),
      policy: safeText(32, 1).optional().openapi(q('policy')),
      from: z.iso.datetime({ offset: true }).optional().openapi({ ...q('from'), description: 'created at or after (ISO 8601)' }),
      to: z.iso.datetime({ offset: true }).optional().openapi({ ...q('to'), description: 'created at or before (ISO 8601)' }),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      description: 'a page of experiments',
      content: { 'application/json': { schema: z.object({ experiments: z.array(experimentSchema), limit: z.number(), offset: z.number(), next: z.number().nullable().openapi({ description: 'offset of the next page, null at the end' }) }) } },
    },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED'),
  },
});

const getOne = createRoute({
  method: 'get',
  path: '/experiments/{id}',
  tags,
  summary: 'One experiment: spectra, features, flow plan, timings and its provenance (decision, model version, command)',
  security,
  request: { params: idParams },
  responses: { 200: { description: 'the experiment', content: { 'application/json': { schema: experimentDetailSchema } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND') },
});

const exportCsv = createRoute({
  method: 'get',
  path: '/campaigns/{id}/export.csv',
  tags,
  summary: "A campaign's experiments as CSV (streamed), one row per experiment with its condition, value and features",
  security,
  request: { params: idParams },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND') },
});

const exportJson = createRoute({
  method: 'get',
  path: '/campaigns/{id}/export.json',
  tags,
  summary: "A campaign and its experiments as JSON (streamed); spectra included with spectra=true",
  security,
  request: { params: idParams, query: z.object({ spectra: z.enum(['true', 'false']).default('false').openapi(q('spectra')) }) },
  responses: {
    200: { description: '{ campaign, experiments: [{ ...experiment, result }] }', content: { 'application/json': { schema: z.object({ campaign: z.unknown(), experiments: z.array(z.unknown()) }) } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND'),
  },
});

const CONDITION_KEYS = ['temperatureC', 'cuIUlMin', 'csOleateUlMin', 'oaCsUlMin', 'oaCuIUlMin', 'oAmUlMin', 'odeCuIUlMin'] as const;
const CSV_HEADER = [
  'experiment_id',
  'seq',
  'status',
  'policy',
  'stage',
  'attempt',
  'platform_id',
  ...CONDITION_KEYS,
  'value',
  'acquisition_value',
  'predicted_mean',
  'predicted_std',
  'model_version',
  ...FEATURE_NAMES,
  'failure_reason',
  'reviewed_by',
  'created_at',
  'started_at',
  'finished_at',
];

/** One CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type Row = typeof experiments.$inferSelect;
type ResultRow = typeof results.$inferSelect;

/** The campaign's experiments by seq, one page at a time, each with its latest result. */
async function* pages(db: CloudDrizzle, campaignId: string, withSpectra: boolean): AsyncGenerator<{ e: Row; r: Partial<ResultRow> | undefined }[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(experiments)
      .where(and(eq(experiments.campaignId, campaignId), gt(experiments.seq, after)))
      .orderBy(asc(experiments.seq))
      .limit(EXPORT_PAGE);
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const rs = await db
      .select({
        experimentId: results.experimentId,
        attempt: results.attempt,
        status: results.status,
        features: results.features,
        flowPlan: results.flowPlan,
        timings: results.timings,
        failure: results.failure,
        ...(withSpectra ? { spectra: results.spectra } : {}),
      })
      .from(results)
      .where(inArray(results.experimentId, ids))
      .orderBy(asc(results.attempt));
    const latest = new Map<string, Partial<ResultRow>>();
    for (const r of rs) latest.set(r.experimentId, r);
    yield rows.map((e) => ({ e, r: latest.get(e.id) }));
    after = rows.at(-1)!.seq;
    if (rows.length < EXPORT_PAGE) return;
  }
}

/** The `reason` of a stored failure body, if it has one. */
function failureReason(f: unknown): string | undefined {
  return f !== null && typeof f === 'object' && 'reason' in f && typeof f.reason === 'string' ? f.reason : undefined;
}

function csvLine(e: Row, r: Partial<ResultRow> | undefined): string {
  const cond = (e.condition ?? {}) as Record<string, unknown>;
  const features = (r?.features ?? {}) as Record<string, unknown>;
  return [
    e.id,
    e.seq,
    e.status,
    e.policy,
    e.stage,
    e.attempt,
    e.platformId,
    ...CONDITION_KEYS.map((k) => cond[k]),
    e.value,
    e.acquisitionValue,
    e.predictedMean,
    e.predictedStd,
    e.modelVersion,
    ...FEATURE_NAMES.map((k) => features[k]),
    failureReason(e.failure ?? r?.failure),
    e.reviewedBy,
    iso(e.createdAt),
    iso(e.startedAt),
    iso(e.finishedAt),
  ]
    .map(csvField)
    .join(',');
}

export function experimentRoutes(deps: ApiDeps) {
  const { db } = deps;
  const campaignOf = async (id: string) => {
    const [c] = await db.select().from(campaigns).where(eq(campaigns.id, id));
    if (!c) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
    return c;
  };
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => {
      const f = c.req.valid('query');
      const rows = await db
        .select()
        .from(experiments)
        .where(
          and(
            f.campaign ? eq(experiments.campaignId, f.campaign) : undefined,
            f.platform ? eq(experiments.platformId, f.platform) : undefined,
            f.status ? eq(experiments.status, f.status) : undefined,
            f.policy ? eq(experiments.policy, f.policy) : undefined,
            f.from ? gte(experiments.createdAt, new Date(f.from)) : undefined,
            f.to ? lte(experiments.createdAt, new Date(f.to)) : undefined,
          ),
        )
        .orderBy(desc(experiments.createdAt), desc(experiments.id))
        .limit(f.limit + 1)
        .offset(f.offset);
      const more = rows.length > f.limit;
      return c.json({ experiments: rows.slice(0, f.limit).map(toExperiment), limit: f.limit, offset: f.offset, next: more ? f.offset + f.limit : null }, 200);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const p = await provenance(db, id);
      if (!p) throw new ApiError('NOT_FOUND', `no experiment '${id}'`);
      return c.json(toExperimentDetail(p), 200);
    })
    .openapi(exportCsv, async (c) => {
      const { id } = c.req.valid('param');
      await campaignOf(id);
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${id}.csv"`);
      return stream(c, async (out) => {
        await out.write(CSV_HEADER.join(',') + '\n');
        for await (const page of pages(db, id, false)) await out.write(page.map(({ e, r }) => csvLine(e, r) + '\n').join(''));
      });
    })
    .openapi(exportJson, async (c) => {
      const { id } = c.req.valid('param');
      const campaign = await campaignOf(id);
      const withSpectra = c.req.valid('query').spectra === 'true';
      c.header('content-type', 'application/json; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${id}.json"`);
      // Streamed, so not a typed JSON response; the schema above documents the shape.
      return stream(c, async (out) => {
        await out.write(`{"campaign":${JSON.stringify(toCampaign(campaign))},"experiments":[`);
        let first = true;
        for await (const page of pages(db, id, withSpectra)) {
          const parts = page.map(({ e, r }) => JSON.stringify({ ...toExperiment(e), result: r ? { ...r, experimentId: undefined } : null }));
          await out.write((first ? '' : ',') + parts.join(','));
          first = false;
        }
        await out.write(']}');
      }) as never;
    });
}
