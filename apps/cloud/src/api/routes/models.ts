/**
 * `/campaigns/{id}/models`: a campaign's model versions, each version's twin report and its
 * snapshot. A report is computed off the request path, in the optimizer worker (it refits the
 * surrogate for the hold-out, k-fold and size studies), once per (campaign, version): the result
 * is stored in `twin_reports`, so it survives restarts and is shared by every cloud process on the
 * database; only the in-flight computations are kept in memory (one per key).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createConditionSpace, type ChemistryConfigInput } from '@sdfl/chemistry';
import type { StudyState } from '@sdfl/optimizer';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { ApiDeps, ApiEnv } from '../app';
import { campaigns, modelSnapshots, studyStates, twinReports } from '../../db/schema';
import type { TwinReport, TwinRequest } from '../../optimizer-host/lab-protocol';
import { TWIN_MIN_POINTS } from '../../optimizer-host/twin-ops';
import { ApiError, errorResponses } from '../errors';

const base = { tags: ['models'], security: [{ bearer: [] }] };
const campaignParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }) });
const versionParam = campaignParam.extend({ version: z.coerce.number().int().min(1).openapi({ param: { name: 'version', in: 'path' } }) });

const modelSchema = z.object({ version: z.number().int(), nTrain: z.number().int().nullable(), createdAt: z.string(), report: z.enum(['ready', 'computing', 'none']) }).openapi('ModelVersion');

const list = createRoute({
  ...base,
  method: 'get',
  path: '/campaigns/{id}/models',
  summary: "A campaign's model versions",
  request: { params: campaignParam },
  responses: { 200: { description: 'versions, oldest first', content: { 'application/json': { schema: z.object({ models: z.array(modelSchema) }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});
const report = createRoute({
  ...base,
  method: 'get',
  path: '/campaigns/{id}/models/{version}/report',
  summary: 'The twin report of a model version (202 while it is computed)',
  description:
    'Test R^2 (seeded 80/20 hold-out and k-fold), parity data, calibration, uncertainty vs data-set size, exact Shapley values with the spread across members, and the surface of the two most influential inputs (cube units). The first request starts the computation and answers 202 with Retry-After; `wait` holds the request up to that many seconds.',
  request: { params: versionParam, query: z.object({ wait: z.coerce.number().min(0).max(60).default(0) }) },
  responses: {
    200: { description: 'the report', content: { 'application/json': { schema: z.object({ version: z.number().int(), computeMs: z.number(), report: z.record(z.string(), z.unknown()) }).openapi('TwinReport') } } },
    202: { description: 'computing; ask again', content: { 'application/json': { schema: z.object({ status: z.literal('computing') }) } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT'),
  },
});
const snapshot = createRoute({
  ...base,
  method: 'get',
  path: '/campaigns/{id}/models/{version}/snapshot',
  summary: 'Download a model snapshot (loadSurrogate rebuilds it)',
  request: { params: versionParam },
  responses: { 200: { description: 'the serialized surrogate', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});

/** The routes. */
export function modelRoutes(deps: ApiDeps) {
  const { db } = deps;
  const inFlight = new Map<string, Promise<void>>();
  const failures = new Map<string, string>();

  const version = async (campaignId: string, v: number) => {
    const [m] = await db.select().from(modelSnapshots).where(and(eq(modelSnapshots.campaignId, campaignId), eq(modelSnapshots.version, v)));
    if (!m) throw new ApiError('NOT_FOUND', `campaign '${campaignId}' has no model version ${v}`);
    return m;
  };

  /** What the worker needs: the data version v was fitted on (the first nTrain successes of the latest state). */
  const request = async (campaignId: string, m: typeof modelSnapshots.$inferSelect): Promise<TwinRequest> => {
    const [c] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    const [s] = await db.select({ state: studyStates.state }).from(studyStates).where(eq(studyStates.campaignId, campaignId)).orderBy(desc(studyStates.version)).limit(1);
    const state = s?.state as StudyState | undefined;
    const nTrain = (m.metrics as { nTrain?: number }).nTrain ?? Infinity;
    const ok = (state?.observations ?? []).filter((o) => o.value !== null).slice(0, nTrain);
    if (ok.length < TWIN_MIN_POINTS) throw new ApiError('CONFLICT', `a twin report needs at least ${TWIN_MIN_POINTS} successful observations; version ${m.version} was fitted on ${ok.length}`);
    return {
      snapshot: m.snapshot,
      data: { x: ok.map((o) => o.cube), y: ok.map((o) => o.value!) },
      labels: createConditionSpace(c!.space as ChemistryConfigInput).dimensions.map((d) => d.key),
      surrogate: state!.options.surrogate ?? 'enn',
      seed: c!.seed,
      direction: state!.objective.direction,
    };
  };

  const start = (key: string, campaignId: string, v: number, req: TwinRequest) => {
    if (inFlight.has(key)) return;
    failures.delete(key);
    const job = deps.engine.host
      .twin(req)
      .then(async (r: TwinReport) => {
        await db.insert(twinReports).values({ campaignId, version: v, report: r, computeMs: r.computeMs }).onConflictDoNothing();
      })
      .catch((error: unknown) => {
        deps.log.warn({ err: error, campaignId, version: v }, 'twin report failed');
        failures.set(key, (error as Error).message);
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  };

  const stored = async (campaignId: string, v: number) =>
    (await db.select().from(twinReports).where(and(eq(twinReports.campaignId, campaignId), eq(twinReports.version, v))))[0];

  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => {
      const { id } = c.req.valid('param');
      const [camp] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id));
      if (!camp) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
      const rows = await db
        .select({ version: modelSnapshots.version, metrics: modelSnapshots.metrics, createdAt: modelSnapshots.createdAt })
        .from(modelSnapshots)
        .where(eq(modelSnapshots.campaignId, id))
        .orderBy(asc(modelSnapshots.version));
      const ready = new Set((await db.select({ v: twinReports.version }).from(twinReports).where(eq(twinReports.campaignId, id))).map((r) => r.v));
      const models = rows.map((r) => ({
        version: r.version,
        nTrain: (r.metrics as { nTrain?: number }).nTrain ?? null,
        createdAt: r.createdAt.toISOString(),
        report: ready.has(r.version) ? ('ready' as const) : inFlight.has(`${id}:${r.version}`) ? ('computing' as const) : ('none' as const),
      }));
      return c.json({ models }, 200);
    })
    .openapi(report, async (c) => {
      const { id, version: v } = c.req.valid('param');
      const key = `${id}:${v}`;
      let row = await stored(id, v);
      if (!row) {
        const m = await version(id, v);
        const failed = failures.get(key);
        if (failed && !inFlight.has(key)) {
          failures.delete(key);
          throw new ApiError('CONFLICT', `the twin report of version ${v} failed: ${failed} (ask again to retry)`);
        }
        start(key, id, v, await request(id, m));
        const wait = c.req.valid('query').wait;
        if (wait > 0) await Promise.race([inFlight.get(key), new Promise((r) => setTimeout(r, wait * 1000))]);
        row = await stored(id, v);
        if (!row) {
          const err = failures.get(key);
          if (err) throw new ApiError('CONFLICT', `the twin report of version ${v} failed: ${err}`);
          c.header('Retry-After', '2');
          return c.json({ status: 'computing' as const }, 202);
        }
      }
      return c.json({ version: row.version, computeMs: row.computeMs, report: row.report as Record<string, unknown> }, 200);
    })
    .openapi(snapshot, async (c) => {
      const { id, version: v } = c.req.valid('param');
      const m = await version(id, v);
      c.header('Content-Disposition', `attachment; filename="${id}-model-v${v}.json"`);
      return c.json(m.snapshot as Record<string, unknown>, 200);
    });
}
