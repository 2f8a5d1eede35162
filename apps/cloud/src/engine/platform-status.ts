/**
 * A platform's live status as a person watching the fleet wants it: online or offline with when
 * it was last seen, its stage, plate temperature and setpoint, the experiment running and when it
 * should end, how many experiments it holds, reagent levels, active alarms and why SAFE latched.
 * Read from what the edge last sent (birth, telemetry, events), so it is only as fresh as those.
 *
 * @module
 */
import { and, desc, eq, gt, inArray, isNotNull } from 'drizzle-orm';
import type { CloudDrizzle } from '../db/open';
import { events, experiments, platforms } from '../db/schema';

/** One alarm or interlock trip raised since SAFE was last cleared. */
export interface ActiveAlarm {
  readonly id: number;
  readonly type: string;
  readonly severity: string;
  readonly at: Date;
  readonly body: unknown;
}

/** Live status of one platform. */
export interface PlatformStatus {
  readonly id: string;
  readonly pool: string | null;
  /** `online` | `offline` | `unknown` (never seen). */
  readonly status: string;
  readonly revoked: boolean;
  readonly lastSeenAt: Date | null;
  readonly stage: string | null;
  /** Plate temperature (process value) and setpoint, C, from the last telemetry. */
  readonly temperature: { readonly pvC: number | null; readonly spC: number | null } | null;
  readonly safe: boolean | null;
  readonly safeReason: string | null;
  /**
   * The experiment running; when it should end (its start plus the median run time of this
   * platform's last 20 finished experiments; edge clock, as are the experiment's times); and, as of
   * the last telemetry, seconds left to the planned steady state (while equilibrating) and to
   * that expected end. Seconds of the edge's clock: a simulated platform's run faster.
   */
  readonly current: {
    readonly experimentId: string;
    readonly startedAt: Date | null;
    readonly expectedEndAt: Date | null;
    readonly steadyInS: number | null;
    readonly endInS: number | null;
  } | null;
  /** Experiments the edge holds (dispatched, accepted, running). */
  readonly queueDepth: number;
  /** Liquid left in each syringe, uL (last telemetry). */
  readonly reagentsUl: Record<string, number> | null;
  readonly activeAlarms: ActiveAlarm[];
  /** Validated limits from its birth (temperature window, pump rates). */
  readonly limits: unknown;
  readonly credentialsIssuedAt: Date | null;
}

/** Status of the given platforms (all when `ids` is undefined), by id. */
export async function platformStatuses(db: CloudDrizzle, ids?: readonly string[]): Promise<PlatformStatus[]> {
  const rows = ids ? (ids.length === 0 ? [] : await db.select().from(platforms).where(inArray(platforms.id, [...ids]))) : await db.select().from(platforms).orderBy(platforms.id);
  const out: PlatformStatus[] = [];
  for (const p of rows) out.push(await statusOf(db, p));
  return out;
}

async function statusOf(db: CloudDrizzle, p: typeof platforms.$inferSelect): Promise<PlatformStatus> {
  const telemetry = p.telemetry as StoredTelemetry | null;
  const held = await db
    .select({ id: experiments.id, status: experiments.status, startedAt: experiments.startedAt })
    .from(experiments)
    .where(and(eq(experiments.platformId, p.id), inArray(experiments.status, ['dispatched', 'accepted', 'running'])));
  const running = held.find((e) => e.id === telemetry?.experimentId) ?? held.find((e) => e.status === 'running');
  const [cleared] = await db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.platformId, p.id), eq(events.type, 'faultCleared')))
    .orderBy(desc(events.id))
    .limit(1);
  const alarms = await db
    .select({ id: events.id, type: events.type, severity: events.severity, at: events.at, body: events.body })
    .from(events)
    .where(and(eq(events.platformId, p.id), inArray(events.type, ['alarm', 'interlock']), ...(cleared ? [gt(events.id, cleared.id)] : [])))
    .orderBy(desc(events.id))
    .limit(20);
  return {
    id: p.id,
    pool: p.pool,
    status: p.status,
    revoked: p.revokedAt !== null,
    lastSeenAt: p.lastSeenAt,
    stage: p.stage,
    temperature: telemetry?.temperatures ? { pvC: telemetry.temperatures.pvC, spC: telemetry.temperatures.spC } : null,
    safe: p.safe,
    safeReason: p.safeReason,
    current: running ? await currentOf(db, p.id, running, telemetry) : null,
    queueDepth: held.length,
    reagentsUl: telemetry?.syringeContentsUl ?? null,
    activeAlarms: alarms,
    limits: (p.birth as { limits?: unknown } | null)?.limits ?? null,
    credentialsIssuedAt: p.credentialsIssuedAt,
  };
}

/** The telemetry body as ingest stores it: the message body plus its envelope time (edge clock). */
interface StoredTelemetry {
  readonly temperatures?: { pvC: number | null; spC: number | null };
  readonly syringeContentsUl?: Record<string, number>;
  readonly experimentId?: string;
  readonly steadyInS?: number;
  readonly sentAt?: string;
}

async function currentOf(db: CloudDrizzle, platformId: string, running: { id: string; startedAt: Date | null }, telemetry: StoredTelemetry | null): Promise<NonNullable<PlatformStatus['current']>> {
  const expectedEndAt = running.startedAt ? await expectedEnd(db, platformId, running.startedAt) : null;
  const about = telemetry?.experimentId === running.id ? telemetry : null;
  const sentAt = about?.sentAt ? Date.parse(about.sentAt) : NaN;
  return {
    experimentId: running.id,
    startedAt: running.startedAt,
    expectedEndAt,
    steadyInS: about?.steadyInS ?? null,
    endInS: expectedEndAt && Number.isFinite(sentAt) ? (expectedEndAt.getTime() - sentAt) / 1000 : null,
  };
}

async function expectedEnd(db: CloudDrizzle, platformId: string, startedAt: Date): Promise<Date | null> {
  const done = await db
    .select({ s: experiments.startedAt, f: experiments.finishedAt })
    .from(experiments)
    .where(and(eq(experiments.platformId, platformId), eq(experiments.status, 'done'), isNotNull(experiments.startedAt), isNotNull(experiments.finishedAt)))
    .orderBy(desc(experiments.finishedAt))
    .limit(20);
  const spans = done.map((d) => d.f!.getTime() - d.s!.getTime()).sort((a, b) => a - b);
  if (spans.length === 0) return null;
  return new Date(startedAt.getTime() + spans[Math.floor(spans.length / 2)]!);
}
