/**
 * `/platforms`: the fleet. List and get with live status (any role); register, rotate and revoke
 * credentials (admin); clear SAFE and send pause / resume / abort (admin or scientist: there is no
 * separate operator role yet). Every change is audited with who and why.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { brokerPlatformIdProblem } from '../../broker/identity';
import { auditLog, platforms } from '../../db/schema';
import { platformStatuses } from '../../engine/platform-status';
import { addPlatform, revokePlatform, rotateCredentials } from '../../engine/platforms';
import type { ApiDeps, ApiEnv } from '../app';
import { requireRole } from '../auth';
import { ApiError, errorResponses } from '../errors';
import { idParams, iso, reasonSchema, safeText, toApiError } from '../schemas/common';
import { credentialsSchema, platformSchema, toPlatform } from '../schemas/resources';

const security = [{ bearer: [] }];
const tags = ['platforms'];
const json = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const reasonBody = z.object({ reason: reasonSchema }).strict().openapi('Reason');
const ackSchema = z.object({ accepted: z.boolean(), reason: z.string().nullable(), detail: z.string().nullable() }).nullable();
const commandSent = z
  .object({
    platformId: z.string(),
    commandId: z.string(),
    ack: ackSchema.openapi({ description: "the edge's ack if it came within waitMs, else null (the command is re-sent until acked)" }),
  })
  .openapi('CommandSent');
const waitMs = z.number().int().min(0).max(30_000).default(5000).openapi({ description: 'how long to wait for the ack, ms' });

const list = createRoute({
  method: 'get',
  path: '/platforms',
  tags,
  summary: 'Every platform with its live status',
  security,
  responses: { 200: { description: 'platforms by id', content: { 'application/json': { schema: z.object({ platforms: z.array(platformSchema) }) } } }, ...errorResponses('UNAUTHORIZED') },
});

const getOne = createRoute({
  method: 'get',
  path: '/platforms/{id}',
  tags,
  summary: 'One platform with its live status',
  security,
  request: { params: idParams },
  responses: { 200: { description: 'the platform', content: { 'application/json': { schema: platformSchema } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND') },
});

const register = createRoute({
  method: 'post',
  path: '/platforms',
  tags,
  summary: 'Register a platform (admin); returns its MQTT credentials once',
  security,
  request: {
    body: json(
      z
        .object({
          id: safeText(64, 1).superRefine((id, ctx) => {
            const problem = brokerPlatformIdProblem(id);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
          }),
          pool: safeText(64, 1).optional(),
        })
        .strict()
        .openapi('PlatformCreate'),
    ),
  },
  responses: { 201: { description: 'credentials, shown once', content: { 'application/json': { schema: credentialsSchema } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'CONFLICT') },
});

const rotate = createRoute({
  method: 'post',
  path: '/platforms/{id}/credentials',
  tags,
  summary: 'Issue new credentials (admin); the old password stops working, a revocation is lifted',
  security,
  request: { params: idParams, body: json(reasonBody) },
  responses: { 200: { description: 'credentials, shown once', content: { 'application/json': { schema: credentialsSchema } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

const revoke = createRoute({
  method: 'post',
  path: '/platforms/{id}/revoke',
  tags,
  summary: 'Revoke credentials (admin): refused from now on and disconnected at once',
  security,
  request: { params: idParams, body: json(reasonBody) },
  responses: {
    200: {
      description: 'revoked',
      content: { 'application/json': { schema: z.object({ platformId: z.string(), revokedAt: z.string(), disconnected: z.number().int().openapi({ description: 'connections closed' }) }) } },
    },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
  },
});

const clearSafe = createRoute({
  method: 'post',
  path: '/platforms/{id}/clear-safe',
  tags,
  summary: "Clear a latched SAFE state after checking the rig (admin or scientist); operator and reason are logged and sent",
  security,
  request: {
    params: idParams,
    body: json(z.object({ reason: reasonSchema, operator: safeText(128, 1).optional().openapi({ description: 'who checked the rig; default the caller' }), waitMs }).strict().openapi('ClearSafe')),
  },
  responses: { 202: { description: 'sent', content: { 'application/json': { schema: commandSent } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

type ControlAction = 'pause' | 'resume' | 'abort';
const control = (action: ControlAction) =>
  createRoute({
    method: 'post',
    path: `/platforms/{id}/${action}`,
    tags,
    summary: {
      pause: 'Hold the queue after the running experiment (admin or scientist)',
      resume: 'Let the queue run again (admin or scientist)',
      abort: 'Stop now: the platform enters SAFE, the running experiment is aborted (admin or scientist)',
    }[action],
    security,
    request: { params: idParams, body: json(z.object({ reason: reasonSchema, waitMs }).strict()) },
    responses: { 202: { description: 'sent', content: { 'application/json': { schema: commandSent } } }, ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
  });

export function platformRoutes(deps: ApiDeps) {
  const { db, engine } = deps;
  const mustExist = async (id: string) => {
    const [p] = await db.select({ id: platforms.id }).from(platforms).where(eq(platforms.id, id));
    if (!p) throw new ApiError('NOT_FOUND', `no platform '${id}'`);
  };
  const sendAndWait = async (platformId: string, commandId: string | null, wait: number) => {
    if (!commandId) throw new Error(`command to ${platformId} was not stored`);
    const ack = wait > 0 ? ((await engine.ackOf(commandId, wait)) ?? null) : null;
    return { platformId, commandId, ack };
  };
  const controlHandler = (action: ControlAction) => async (c: Context<ApiEnv>, id: string, reason: string, wait: number) => {
    const p = c.get('principal');
    requireRole(p, 'scientist');
    await mustExist(id);
    await db.insert(auditLog).values({ actor: p.name, action: `platform.${action}`, target: id, reason });
    const commandId = await engine.dispatcher.send(id, action === 'resume' ? { type: 'resume' } : { type: action, reason });
    return sendAndWait(id, commandId, wait);
  };
  const pause = controlHandler('pause');
  const resume = controlHandler('resume');
  const abort = controlHandler('abort');
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => c.json({ platforms: (await platformStatuses(db)).map(toPlatform) }, 200))
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const [p] = await platformStatuses(db, [id]);
      if (!p) throw new ApiError('NOT_FOUND', `no platform '${id}'`);
      return c.json(toPlatform(p), 200);
    })
    .openapi(register, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'admin');
      const body = c.req.valid('json');
      const issued = await addPlatform(db, body.id, { ...(body.pool ? { pool: body.pool } : {}), actor: p.name }).catch(toApiError);
      return c.json(issued, 201);
    })
    .openapi(rotate, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'admin');
      const { id } = c.req.valid('param');
      const issued = await rotateCredentials(db, id, p.name, c.req.valid('json').reason).catch(toApiError);
      return c.json(issued, 200);
    })
    .openapi(revoke, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'admin');
      const { id } = c.req.valid('param');
      const revokedAt = await revokePlatform(db, id, p.name, c.req.valid('json').reason).catch(toApiError);
      const disconnected = deps.disconnectPlatform?.(id) ?? 0;
      return c.json({ platformId: id, revokedAt: iso(revokedAt)!, disconnected }, 200);
    })
    .openapi(clearSafe, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'scientist');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await mustExist(id);
      const commandId = await engine.clearSafe(id, body.operator ?? p.name, body.reason, p.name);
      return c.json(await sendAndWait(id, commandId, body.waitMs), 202);
    })
    .openapi(control('pause'), async (c) => {
      const b = c.req.valid('json');
      return c.json(await pause(c, c.req.valid('param').id, b.reason, b.waitMs), 202);
    })
    .openapi(control('resume'), async (c) => {
      const b = c.req.valid('json');
      return c.json(await resume(c, c.req.valid('param').id, b.reason, b.waitMs), 202);
    })
    .openapi(control('abort'), async (c) => {
      const b = c.req.valid('json');
      return c.json(await abort(c, c.req.valid('param').id, b.reason, b.waitMs), 202);
    });
}
