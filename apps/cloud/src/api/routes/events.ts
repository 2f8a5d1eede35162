/**
 * `GET /events`: a server-sent-events stream of fleet and campaign changes, read from the `events`
 * table (the database is the source of truth; the bigserial id is the SSE id). Platform
 * online/offline, experiment status changes, new results, new model versions, campaign stages and
 * every edge event. A client that reconnects with `Last-Event-ID` (or `?after=`) gets exactly the
 * rows after that id; without either the stream starts at the newest row. Comment lines keep the
 * connection alive. New rows are noticed by one poll of the newest id per app, woken early by the
 * engine's `step` and `result` events.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, desc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { streamSSE } from 'hono/streaming';
import type { ApiDeps, ApiEnv } from '../app';
import type { CloudDrizzle } from '../../db/open';
import { events } from '../../db/schema';
import { ApiError, errorResponses } from '../errors';

/** Options of the stream (tests shorten them). */
export interface EventStreamOptions {
  /** How often the newest event id is polled, ms. Default 250. */
  readonly pollMs?: number;
  /** Comment line sent after this long without an event, ms. Default 15 s. */
  readonly heartbeatMs?: number;
  /**
   * A stream is closed after this long, ms (default 30 min); clients resume with Last-Event-ID.
   * Keeps no connection open for ever through proxies that would cut it at a worse moment.
   */
  readonly maxStreamMs?: number;
}

const query = z.object({
  after: z.coerce.number().int().min(0).optional().openapi({ description: 'start after this event id (as Last-Event-ID); 0 = the whole history' }),
  campaignId: z.string().max(100).optional(),
  platformId: z.string().max(100).optional(),
  types: z.string().max(500).optional().openapi({ description: 'comma-separated event types, e.g. platformOnline,platformOffline,experimentStatus' }),
});

const route = createRoute({
  method: 'get',
  path: '/events',
  tags: ['events'],
  summary: 'Server-sent events of fleet and campaign changes (resume with Last-Event-ID)',
  security: [{ bearer: [] }],
  request: { query, headers: z.object({ 'last-event-id': z.string().max(20).optional() }) },
  responses: {
    200: {
      description:
        'text/event-stream; each event has `id` (monotonic), `event` (its type) and `data` (JSON: id, type, source, platformId, campaignId, experimentId, severity, body, at)',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...errorResponses('VALIDATION', 'UNAUTHORIZED'),
  },
});

/** Wakes waiting streams when the newest event id grows. */
class EventFeed {
  #newest = -1;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly db: CloudDrizzle,
    private readonly pollMs: number,
  ) {}

  /** Resolves on a new event, or after `ms`. */
  wait(ms: number): Promise<void> {
    this.#ensure();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#waiters.delete(done);
        if (this.#waiters.size === 0) this.#stop();
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  /** Polls now (the engine decided or stored something). */
  poke(): void {
    if (this.#waiters.size > 0) void this.#poll();
  }

  #ensure(): void {
    this.#timer ??= setInterval(() => void this.#poll(), this.pollMs);
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const [row] = await this.db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
      const newest = row?.id ?? 0;
      if (newest !== this.#newest) {
        this.#newest = newest;
        for (const w of [...this.#waiters]) w();
      }
    } catch {
      // The database is away for a moment: the next poll tries again.
    } finally {
      this.#polling = false;
    }
  }
}

const PAGE = 200;

/** The route. */
export function eventRoutes(deps: ApiDeps, options: EventStreamOptions = {}) {
  const feed = new EventFeed(deps.db, options.pollMs ?? 250);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxStreamMs = options.maxStreamMs ?? 30 * 60_000;
  deps.engine.on('step', () => feed.poke());
  deps.engine.on('result', () => feed.poke());
  return new OpenAPIHono<ApiEnv>().openapi(route, async (c) => {
    const q = c.req.valid('query');
    const header = c.req.valid('header')['last-event-id'];
    if (header !== undefined && !/^\d+$/.test(header)) throw new ApiError('VALIDATION', 'invalid request', { 'Last-Event-ID': ['must be a non-negative integer event id'] });
    const filters: SQL[] = [];
    if (q.campaignId) filters.push(eq(events.campaignId, q.campaignId));
    if (q.platformId) filters.push(eq(events.platformId, q.platformId));
    const types = q.types?.split(',').map((t) => t.trim()).filter(Boolean);
    if (types?.length) filters.push(inArray(events.type, types));
    let last = header !== undefined ? Number(header) : q.after;
    if (last === undefined) {
      const [row] = await deps.db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
      last = row?.id ?? 0;
    }
    return streamSSE(c, async (stream) => {
      let quietSince = Date.now();
      const closeAt = Date.now() + maxStreamMs;
      while (!stream.aborted && Date.now() < closeAt) {
        const rows = await deps.db
          .select()
          .from(events)
          .where(and(gt(events.id, last!), ...filters))
          .orderBy(asc(events.id))
          .limit(PAGE);
        for (const e of rows) {
          const data = { id: e.id, type: e.type, source: e.source, platformId: e.platformId, campaignId: e.campaignId, experimentId: e.experimentId, severity: e.severity, body: e.body, at: e.at.toISOString() };
          await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(data) });
          last = e.id;
          quietSince = Date.now();
        }
        if (rows.length === PAGE) continue;
        if (Date.now() - quietSince >= heartbeatMs) {
          await stream.write(': heartbeat\n\n');
          quietSince = Date.now();
        }
        await feed.wait(Math.max(0, Math.min(heartbeatMs, 5_000, closeAt - Date.now())));
      }
    });
  });
}
