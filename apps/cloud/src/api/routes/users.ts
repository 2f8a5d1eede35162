/** `/users` (admins only): list users and add one with a role. Tokens for them: `POST /tokens` with `user`. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import type { ApiDeps, ApiEnv } from '../app';
import { requireRole } from '../auth';
import { errorResponses } from '../errors';
import { addUser, ROLES, userNameSchema } from '../identity';
import { toApiError } from '../schemas/common';
import { toUser, userSchema } from '../schemas/resources';

const security = [{ bearer: [] }];

const listUsers = createRoute({
  method: 'get',
  path: '/users',
  tags: ['identity'],
  summary: 'Every user (admin)',
  security,
  responses: {
    200: { description: 'users by name', content: { 'application/json': { schema: z.object({ users: z.array(userSchema) }) } } },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN'),
  },
});

const postUser = createRoute({
  method: 'post',
  path: '/users',
  tags: ['identity'],
  summary: 'Add a user (admin)',
  security,
  request: {
    body: { required: true, content: { 'application/json': { schema: z.object({ name: userNameSchema, role: z.enum(ROLES) }).strict().openapi('UserCreate') } } },
  },
  responses: {
    201: { description: 'the user', content: { 'application/json': { schema: userSchema } } },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'CONFLICT'),
  },
});

export function userRoutes(deps: ApiDeps) {
  const { db } = deps;
  return new OpenAPIHono<ApiEnv>()
    .openapi(listUsers, async (c) => {
      requireRole(c.get('principal'), 'admin');
      const rows = await db.select().from(users).orderBy(asc(users.name));
      return c.json({ users: rows.map(toUser) }, 200);
    })
    .openapi(postUser, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'admin');
      const body = c.req.valid('json');
      const { id } = await addUser(db, body.name, body.role, p.name).catch(toApiError);
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return c.json(toUser(row!), 201);
    });
}
