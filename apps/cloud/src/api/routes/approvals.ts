/**
 * The approval queue of gated campaigns: list what waits for review (any role), approve (as
 * proposed, or with an edited condition that must lie inside the campaign's bounds) or reject
 * (the study abandons it and never proposes it again). Only the campaign's owner or an admin may
 * review; the engine enforces the gate (nothing proposed is ever dispatched).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { conditionSchema } from '@sdfl/protocol';
import { campaigns, experiments } from '../../db/schema';
import { pendingApprovals } from '../../engine/approvals';
import type { ApiDeps, ApiEnv } from '../app';
import { requireOwner } from '../auth';
import { ApiError, errorResponses } from '../errors';
import { idParams, reasonSchema, safeText, toApiError } from '../schemas/common';
import { experimentSchema, toExperiment } from '../schemas/resources';

const security = [{ bearer: [] }];
const tags = ['approvals'];
const json = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const list = createRoute({
  method: 'get',
  path: '/campaigns/{id}/approvals',
  tags,
  summary: "Proposals of a gated campaign waiting for review, oldest first",
  security,
  request: { params: idParams },
  responses: {
    200: { description: 'waiting proposals', content: { 'application/json': { schema: z.object({ experiments: z.array(experimentSchema) }) } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND'),
  },
});

const reviewResponses = {
  200: { description: 'the experiment after review', content: { 'application/json': { schema: experimentSchema } } },
  ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
};

const approve = createRoute({
  method: 'post',
  path: '/experiments/{id}/approve',
  tags,
  summary: 'Approve a proposal, optionally with an edited condition inside the campaign bounds (owner or admin); it is dispatched at once',
  security,
  request: {
    params: idParams,
    body: json(z.object({ note: safeText(1000).optional(), condition: conditionSchema.strict().optional().openapi({ description: 'edited condition: temperature C and six flows uL/min' }) }).strict().openapi('Approve')),
  },
  responses: reviewResponses,
});

const reject = createRoute({
  method: 'post',
  path: '/experiments/{id}/reject',
  tags,
  summary: 'Reject a proposal (owner or admin): told to the study as abandoned, never proposed again',
  security,
  request: { params: idParams, body: json(z.object({ note: reasonSchema }).strict().openapi('Reject')) },
  responses: reviewResponses,
});

export function approvalRoutes(deps: ApiDeps) {
  const { db, engine } = deps;
  /** The experiment's campaign owner must be the caller (or the caller an admin). */
  const mayReview = async (c: { get(k: 'principal'): ApiEnv['Variables']['principal'] }, experimentId: string) => {
    const [row] = await db.select({ owner: campaigns.owner }).from(experiments).innerJoin(campaigns, eq(campaigns.id, experiments.campaignId)).where(eq(experiments.id, experimentId));
    if (!row) throw new ApiError('NOT_FOUND', `no experiment '${experimentId}'`);
    requireOwner(c.get('principal'), row.owner);
  };
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id));
      if (!row) throw new ApiError('NOT_FOUND', `no campaign '${id}'`);
      return c.json({ experiments: (await pendingApprovals(db, id)).map(toExperiment) }, 200);
    })
    .openapi(approve, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await mayReview(c, id);
      const review = body.condition ? { action: 'approve' as const, condition: body.condition } : { action: 'approve' as const };
      const e = await engine.review(id, review, c.get('principal').name, body.note).catch(toApiError);
      return c.json(toExperiment(e), 200);
    })
    .openapi(reject, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await mayReview(c, id);
      const e = await engine.review(id, { action: 'reject' }, c.get('principal').name, body.note).catch(toApiError);
      return c.json(toExperiment(e), 200);
    });
}
