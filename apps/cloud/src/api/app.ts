/**
 * The cloud's HTTP API (Hono + zod-openapi): one route file per resource, bodies and queries
 * validated by zod (400 with a message per field), bearer auth on every route but health and the
 * API description, one error handler, and the OpenAPI 3.1 document generated from the same schemas.
 *
 * @module
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { CloudDrizzle } from '../db/open';
import type { Engine } from '../engine/engine';
import { bearerAuth, type AuthVariables } from './auth';
import { docsRoutes, PUBLIC_DOC_PATHS } from './routes/docs';
import { ApiError, fieldMessages } from './errors';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { studyRoutes } from './routes/studies';
import { eventRoutes, type EventStreamOptions } from './routes/events';
import { modelRoutes } from './routes/models';
import { reportRoutes } from './routes/reports';
import { approvalRoutes } from './routes/approvals';
import { campaignRoutes } from './routes/campaigns';
import { experimentRoutes } from './routes/experiments';
import { platformRoutes } from './routes/platforms';
import { tokenRoutes } from './routes/tokens';
import { userRoutes } from './routes/users';
import { dashboardRoutes, PUBLIC_DASHBOARD_PATHS } from '../web/dashboard';

/** What the routes need. */
export interface ApiDeps {
  readonly db: CloudDrizzle;
  readonly engine: Engine;
  readonly log: Logger;
  /** Whether the broker link is up (readiness). */
  readonly brokerUp: () => boolean;
  /**
   * Closes every MQTT connection of a platform at once (after a revocation); the embedded broker's
   * `disconnectPlatform`. Absent with an external broker: the verifier refuses its next CONNECT.
   */
  readonly disconnectPlatform?: (platformId: string) => number;
  /** Largest request body, bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Options of the `/events` stream (tests shorten them). */
  readonly eventStream?: EventStreamOptions;
}

/** The Hono environment of every route. */
export type ApiEnv = { Variables: AuthVariables };

/** Builds the app. */
export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ApiError('VALIDATION', 'invalid request', fieldMessages(result.error.issues));
    },
  });
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      return c.json({ error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } }, error.status);
    }
    if (error instanceof SyntaxError) return c.json({ error: { code: 'VALIDATION' as const, message: `malformed JSON: ${error.message}` } }, 400);
    // Hono's JSON validator reports an unparsable body as an HTTPException 400.
    if (error instanceof HTTPException && error.status === 400) return c.json({ error: { code: 'VALIDATION' as const, message: error.message } }, 400);
    deps.log.error({ err: error, path: c.req.path }, 'unexpected API error');
    return c.json({ error: { code: 'INTERNAL' as const, message: 'internal error (logged)' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND' as const, message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 1_048_576,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', `request body over ${deps.maxBodyBytes ?? 1_048_576} bytes`);
      },
    }),
  );
  app.use('*', bearerAuth({ db: deps.db, publicPaths: ['/healthz', '/readyz', ...PUBLIC_DOC_PATHS, ...PUBLIC_DASHBOARD_PATHS] }));
  // PostgreSQL text cannot hold NUL: refuse it in any body up front (a 400, never a 500 later).
  app.use('*', async (c, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && hasNul(await c.req.text())) {
      throw new ApiError('VALIDATION', 'text fields may not contain the NUL character', { '(body)': ['contains \\u0000'] });
    }
    return next();
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'an API token from `sdfl token create`' });
  const routes = app
    .route('/', healthRoutes(deps))
    .route('/', meRoutes(deps))
    .route('/', studyRoutes(deps)).route('/', eventRoutes(deps, deps.eventStream)).route('/', modelRoutes(deps))
    .route('/', reportRoutes(deps))
    .route('/', tokenRoutes(deps)).route('/', userRoutes(deps)).route('/', platformRoutes(deps)).route('/', campaignRoutes(deps)).route('/', approvalRoutes(deps)).route('/', experimentRoutes(deps));
  docsRoutes(app);
  dashboardRoutes(app);
  return routes;
}

/** A NUL character, raw or as a JSON `\u0000` escape. */
const hasNul = (text: string): boolean => text.includes('\\u0000') || text.includes(String.fromCharCode(0));

/** The app's type, for typed clients (`hc<AppType>`). */
export type AppType = ReturnType<typeof createApp>;
