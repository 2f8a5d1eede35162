/**
 * `/campaigns`: create (scientist or admin; bounds checked against the platform's validated
 * limits, every problem in one 400), list with filters and get with progress (any role), pause /
 * resume / cancel and continue-on-failure settings (the owner or an admin), and the order of a
 * platform's queued campaigns. Every change is audited with who and why.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { campaigns, experiments } from '../../db/schema';
import { campaignProgress } from '../../demo/progress';
import { pendingApprovals } from '../../engine/approvals';
import { campaignInputSchema, listCampaigns, reorderQueuedCampaigns, updateFailureSettings, type CampaignRow } from '../../engine/campaigns';
import type { ApiDeps, ApiEnv } from '../app';
import { requireOwner, requireRole } from '../auth';
import { ApiError, errorResponses } from '../errors';
import { containsNul, idParams, idSchema, pageQuery, reasonSchema, safeText, toApiError } from '../schemas/common';
import { campaignSchema, progressSchema, toCampaign, toProgress } from '../schemas/resources';

const security = [{ bearer: [] }];
const tags = ['campaigns'];
const json = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const STATUSES = ['queued', 'running', 'paused', 'done', 'cancelled'] as const;

const createBody = campaignInputSchema
  .superRefine((v, ctx) => {
    if (containsNul(v)) ctx.addIssue({ code: 'custom', message: 'text must not contain NUL characters' });
  })
  .openapi('CampaignCreate', { description: '`owner` is the caller (an admin may name another); exactly one of platform or pool' });

const list = createRoute({
  method: 'get',
  path: '/campaigns',
  tags,
  summary: 'Campaigns, newest first, filtered by status, platform and owner',
  security,
  request: {
    query: z.object({
      status: z.enum(STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
      platform: idSchema.optional().openapi({ param: { name: 'platform', in: 'query' } }),
      owner: safeText(128, 1).optional().openapi({ param: { name: 'owner', in: 'query' } }),
      ...pageQuery,
    }),
  },
  responses: {
    200: { description: 'campaigns', content: { 'application/json': { schema: z.object({ campaigns: z.array(campaignSchema) }) } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED'),
  },
});

const create = createRoute({
  method: 'post',
  path: '/campaigns',
  tags,
  summary: 'Create a campaign (scientist or admin); it starts when its platform is free',
  security,
  request: { body: json(createBody) },
  responses: {
    201: { description: 'the campaign', content: { 'application/json': { schema: campaignSchema } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN'),
  },
});

const getOne = createRoute({
  method: 'get',
  path: '/campaigns/{id}',
  tags,
  summary: 'A campaign with its progress: stage, done of planned, best so far and its condition',
  security,
  request: { params: idParams },
  responses: {
    200: { description: 'the campaign', content: { 'application/json': { schema: z.object({ campaign: campaignSchema, progress: progressSchema }).openapi('CampaignDetail') } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND'),
  },
});

const steerResponses = {
  200: { description: 'the campaign after the change', content: { 'application/json': { schema: campaignSchema } } },
  ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
};
const reasonBody = z.object({ reason: reasonSchema }).strict();
const pause = createRoute({ method: 'post', path: '/campaigns/{id}/pause', tags, summary: 'Pause: no new proposals; what the platform holds keeps running (owner or admin)', security, request: { params: idParams, body: json(reasonBody) }, responses: steerResponses });
const resume = createRoute({ method: 'post', path: '/campaigns/{id}/resume', tags, summary: 'Resume a paused campaign (owner or admin)', security, request: { params: idParams, body: json(reasonBody) }, responses: steerResponses });
const cancel = createRoute({
  method: 'post',
  path: '/campaigns/{id}/cancel',
  tags,
  summary: 'Cancel: stop dispatch, withdraw queued experiments from the edge; the running one finishes or is aborted (owner or admin)',
  security,
  request: {
    params: idParams,
    body: json(z.object({ reason: reasonSchema, running: z.enum(['finish', 'abort']).default('finish').openapi({ description: 'what happens to the experiment running now' }) }).strict().openapi('CampaignCancel')),
  },
  responses: steerResponses,
});

const patch = createRoute({
  method: 'patch',
  path: '/campaigns/{id}',
  tags,
  summary: 'Continue-on-failure settings: pause after this many failures in a row (owner or admin)',
  security,
  request: { params: idParams, body: json(z.object({ reason: reasonSchema, maxConsecutiveFailures: z.number().int().min(1).max(1000) }).strict().openapi('CampaignPatch')) },
  responses: steerResponses,
});

const reorder = createRoute({
  method: 'put',
  path: '/platforms/{id}/campaign-order',
  tags,
  summary: "Order of a platform's queued campaigns (admin, or a scientist who owns all of them); name each exactly once",
  security,
  request: { params: idParams, body: json(z.object({ reason: reasonSchema, order: z.array(idSchema).max(1000) }).strict().openapi('CampaignOrder')) },
  responses: {
    200: { description: 'queued campaigns in their new order', content: { 'application/json': { schema: z.object({ campaigns: z.array(campaignSchema) }) } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
  },
});

export function campaignRoutes(deps: ApiDeps) {
  const { db, engine } = deps;
  const owned = async (c: { get(k: 'principal'): ApiEnv['Variables']['principal'] }, id: string): Promise<CampaignRow> => {
    const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
    if (!row) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
    requireOwner(c.get('principal'), row.owner);
    return row;
  };
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const rows = await listCampaigns(db, { ...(q.status ? { status: q.status } : {}), ...(q.platform ? { platform: q.platform } : {}), ...(q.owner ? { owner: q.owner } : {}), limit: q.limit, offset: q.offset });
      return c.json({ campaigns: rows.map(toCampaign) }, 200);
    })
    .openapi(create, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'scientist');
      const body = c.req.valid('json');
      const owner = p.role === 'admin' && body.owner !== 'cli' ? body.owner : p.name;
      const row = await engine.createCampaign({ ...body, owner }, p.name).catch(toApiError);
      return c.json(toCampaign(row), 201);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
      if (!row) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
      const progress = await campaignProgress(db, id);
      const waiting = await pendingApprovals(db, id);
      return c.json({ campaign: toCampaign(row), progress: toProgress(progress, waiting.length) }, 200);
    })
    .openapi(pause, async (c) => {
      const { id } = c.req.valid('param');
      await owned(c, id);
      return c.json(toCampaign(await engine.steer(id, 'pause', c.get('principal').name, c.req.valid('json').reason).catch(toApiError)), 200);
    })
    .openapi(resume, async (c) => {
      const { id } = c.req.valid('param');
      await owned(c, id);
      return c.json(toCampaign(await engine.steer(id, 'resume', c.get('principal').name, c.req.valid('json').reason).catch(toApiError)), 200);
    })
    .openapi(cancel, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await owned(c, id);
      const [runningNow] = await db
        .select({ id: experiments.id, platformId: experiments.platformId })
        .from(experiments)
        .where(and(eq(experiments.campaignId, id), eq(experiments.status, 'running')));
      const row = await engine.steer(id, 'cancel', c.get('principal').name, `${body.reason} (running experiment: ${body.running})`).catch(toApiError);
      // `cancel` of a running experiment aborts it on the edge; left alone it finishes and is stored.
      if (body.running === 'abort' && runningNow?.platformId) await engine.dispatcher.send(runningNow.platformId, { type: 'cancel', scope: 'experiment', experimentId: runningNow.id });
      return c.json(toCampaign(row), 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await owned(c, id);
      const row = await updateFailureSettings(db, id, { maxConsecutiveFailures: body.maxConsecutiveFailures }, c.get('principal').name, body.reason).catch(toApiError);
      return c.json(toCampaign(row), 200);
    })
    .openapi(reorder, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'scientist');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      if (p.role !== 'admin') {
        const queued = await db.select({ id: campaigns.id, owner: campaigns.owner }).from(campaigns).where(and(eq(campaigns.targetPlatform, id), eq(campaigns.status, 'queued')));
        const others = queued.filter((q) => q.owner !== p.name).map((q) => q.id);
        if (others.length > 0) throw new ApiError('FORBIDDEN', `only an admin may reorder others' campaigns (${others.join(', ')})`);
      }
      const rows = await reorderQueuedCampaigns(db, id, body.order, p.name, body.reason).catch(toApiError);
      return c.json({ campaigns: rows.map(toCampaign) }, 200);
    });
}
