/** `/healthz` (the process answers) and `/readyz` (database and broker are up). No token needed. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { ApiDeps, ApiEnv } from '../app';

const health = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is alive',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
});

const readiness = z.object({ ready: z.boolean(), database: z.boolean(), broker: z.boolean() });
const ready = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Database and broker are reachable',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: readiness } } },
    503: { description: 'not ready', content: { 'application/json': { schema: readiness } } },
  },
});

export function healthRoutes(deps: ApiDeps) {
  return new OpenAPIHono<ApiEnv>()
    .openapi(health, (c) => c.json({ ok: true as const }, 200))
    .openapi(ready, async (c) => {
      const database = await deps.db.execute(sql`select 1`).then(
        () => true,
        () => false,
      );
      const broker = deps.brokerUp();
      const body = { ready: database && broker, database, broker };
      return body.ready ? c.json(body, 200) : c.json(body, 503);
    });
}
