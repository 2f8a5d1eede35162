/**
 * `/tokens`: a caller's own API tokens — list (never the secret), create (the token is shown once)
 * and revoke. An admin may issue a token for another user and list or revoke anyone's.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema';
import type { ApiDeps, ApiEnv } from '../app';
import { requireRole } from '../auth';
import { ApiError, errorResponses } from '../errors';
import { createToken, revokeToken, userNameSchema } from '../identity';
import { idParams, iso, safeText, toApiError } from '../schemas/common';
import { tokenSchema, toToken } from '../schemas/resources';

const security = [{ bearer: [] }];

const listTokens = createRoute({
  method: 'get',
  path: '/tokens',
  tags: ['identity'],
  summary: "The caller's tokens (an admin may name another user)",
  security,
  request: { query: z.object({ user: userNameSchema.optional().openapi({ param: { name: 'user', in: 'query' } }) }) },
  responses: {
    200: { description: 'tokens, newest first', content: { 'application/json': { schema: z.object({ tokens: z.array(tokenSchema) }) } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN'),
  },
});

const createTokenBody = z
  .object({
    label: safeText(200, 1).openapi({ example: 'laptop' }),
    ttlDays: z.number().int().min(1).max(3650).nullable().optional().openapi({ description: 'days until it expires; null = never; default 90' }),
    user: userNameSchema.optional().openapi({ description: 'admin only: issue it for this user' }),
  })
  .strict()
  .openapi('TokenCreate');

const postToken = createRoute({
  method: 'post',
  path: '/tokens',
  tags: ['identity'],
  summary: 'Create a token (shown once)',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: createTokenBody } } } },
  responses: {
    201: {
      description: 'the new token; store it, it is not shown again',
      content: { 'application/json': { schema: z.object({ id: z.string(), user: z.string(), token: z.string(), expiresAt: z.string().nullable() }).openapi('IssuedToken') } },
    },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
  },
});

const deleteToken = createRoute({
  method: 'delete',
  path: '/tokens/{id}',
  tags: ['identity'],
  summary: 'Revoke a token at once',
  security,
  request: { params: idParams },
  responses: {
    200: { description: 'revoked', content: { 'application/json': { schema: tokenSchema } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'NOT_FOUND'),
  },
});

export function tokenRoutes(deps: ApiDeps) {
  const { db } = deps;
  return new OpenAPIHono<ApiEnv>()
    .openapi(listTokens, async (c) => {
      const p = c.get('principal');
      const { user } = c.req.valid('query');
      if (user !== undefined && user !== p.name) requireRole(p, 'admin');
      const rows = await db
        .select({ t: apiTokens, name: users.name })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(eq(users.name, user ?? p.name))
        .orderBy(desc(apiTokens.createdAt));
      return c.json({ tokens: rows.map((r) => toToken(r.t, r.name)) }, 200);
    })
    .openapi(postToken, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const user = body.user ?? p.name;
      if (user !== p.name) requireRole(p, 'admin');
      const issued = await createToken(db, user, { label: body.label, ...(body.ttlDays !== undefined ? { ttlDays: body.ttlDays } : {}), actor: p.name }).catch(toApiError);
      return c.json({ id: issued.id, user, token: issued.token, expiresAt: iso(issued.expiresAt) }, 201);
    })
    .openapi(deleteToken, async (c) => {
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const [row] = await db
        .select({ t: apiTokens, name: users.name })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
      // Someone else's token is "not found" for a non-admin: ids of others' tokens are not confirmed.
      if (!row || (row.name !== p.name && p.role !== 'admin')) throw new ApiError('NOT_FOUND', `no live token '${id}' of yours`);
      await revokeToken(db, id, p.name);
      const [after] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
      return c.json(toToken(after!, row.name), 200);
    });
}
