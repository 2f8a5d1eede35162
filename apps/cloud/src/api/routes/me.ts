/** `/me`: who the token belongs to. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiDeps, ApiEnv } from '../app';
import { errorResponses } from '../errors';
import { ROLES } from '../identity';

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['identity'],
  summary: 'The caller',
  security: [{ bearer: [] }],
  responses: {
    200: { description: 'the caller', content: { 'application/json': { schema: z.object({ name: z.string(), role: z.enum(ROLES), tokenId: z.string() }).openapi('Me') } } },
    ...errorResponses('UNAUTHORIZED'),
  },
});

export function meRoutes(_deps: ApiDeps) {
  return new OpenAPIHono<ApiEnv>().openapi(me, (c) => {
    const p = c.get('principal');
    return c.json({ name: p.name, role: p.role, tokenId: p.tokenId }, 200);
  });
}
