/**
 * What arrives from platforms, stored idempotently. Every message is decoded with the protocol's
 * `decode` (bad bytes are logged and dropped, nothing stored); a result or event is stored once
 * (by experiment id + attempt, and by envelope id) and only for the platform that owns it.
 *
 * @module
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Message } from '@sdfl/protocol';
import type { CloudDrizzle } from '../db/open';
import { commands, events, experiments, platforms, results } from '../db/schema';

/** What the engine must do after a message was stored. */
export type IngestOutcome =
  | { readonly kind: 'none' }
  /** Send a receipt for this envelope id (stored now or before). */
  | { readonly kind: 'receipt'; readonly envelopeId: string; readonly campaignId?: string; readonly newResult?: boolean }
  /** `reconnected`: a birth after offline/unknown or of a new session (the edge restarted or reconnected). */
  | { readonly kind: 'platform'; readonly online: boolean; readonly reconnected?: boolean }
  | { readonly kind: 'acked'; readonly commandId: string; readonly campaignIds: readonly string[] };

const ACTIVE = ['dispatched', 'accepted', 'running'];

/** Shortest interval between two telemetry writes of one platform, ms. */
export const TELEMETRY_WRITE_MS = 2000;

/** Stores messages of one kind each; the engine decides what follows. */
export class Ingest {
  readonly #db: CloudDrizzle;
  readonly #log: Logger;

  readonly #telemetryWritten = new Map<string, { at: number; stage: string; safe: boolean }>();

  constructor(db: CloudDrizzle, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** Birth or will. A will of an older session than the last birth is stale and ignored. */
  async state(platformId: string, m: Message<'state'>): Promise<IngestOutcome> {
    const [p] = await this.#db.select().from(platforms).where(eq(platforms.id, platformId));
    if (!p) return this.#unknownPlatform(platformId, 'state');
    const now = new Date();
    const b = m.body;
    if (b.status === 'online') {
      await this.#db
        .update(platforms)
        .set({ status: 'online', session: m.session, birth: b, stage: b.stage, safe: b.safe, safeReason: b.safeReason ?? null, lastSeenAt: now, lastStateAt: now })
        .where(eq(platforms.id, platformId));
      const reconnected = p.status !== 'online' || p.session !== m.session;
      // SSE feed (API /events): the platform came (back) online.
      if (reconnected) await this.#db.insert(events).values({ source: 'cloud', platformId, type: 'platformOnline', body: { session: m.session, stage: b.stage, safe: b.safe }, at: now });
      return { kind: 'platform', online: true, reconnected };
    }
    if (p.session !== null && m.session !== p.session) {
      this.#log.debug({ platformId, session: m.session, current: p.session }, 'stale offline state ignored');
      return { kind: 'none' };
    }
    await this.#db.update(platforms).set({ status: 'offline', lastStateAt: now }).where(eq(platforms.id, platformId));
    // SSE feed (API /events): the platform went offline (its will, or a clean goodbye).
    if (p.status !== 'offline') await this.#db.insert(events).values({ source: 'cloud', platformId, type: 'platformOffline', body: { session: m.session }, at: now });
    return { kind: 'platform', online: false };
  }

  /**
   * Latest telemetry is kept on the platform row (a snapshot, not history). It arrives at ~1 Hz per
   * platform: the row is written at most every {@link TELEMETRY_WRITE_MS}, or at once when the stage
   * or SAFE changed, so a fleet's telemetry does not take the database's write capacity.
   */
  async telemetry(platformId: string, m: Message<'telemetry'>): Promise<IngestOutcome> {
    const b = m.body;
    const last = this.#telemetryWritten.get(platformId);
    const now = Date.now();
    if (last && now - last.at < TELEMETRY_WRITE_MS && last.stage === b.stage && last.safe === b.safe) return { kind: 'none' };
    this.#telemetryWritten.set(platformId, { at: now, stage: b.stage, safe: b.safe });
    await this.#db
      .update(platforms)
      // `sentAt` is the edge's clock: countdowns the edge reports are relative to it.
      .set({ telemetry: { ...b, sentAt: m.ts }, stage: b.stage, safe: b.safe, lastSeenAt: new Date() })
      .where(eq(platforms.id, platformId));
    return { kind: 'none' };
  }

  /** An ack of one of our commands; for `enqueue`, the experiments it carried become accepted (or failed). */
  async ack(platformId: string, m: Message<'ack'>): Promise<IngestOutcome> {
    const a = m.body;
    return this.#db.transaction(async (tx) => {
      const [c] = await tx.select().from(commands).where(and(eq(commands.id, a.commandId), eq(commands.platformId, platformId)));
      if (!c) {
        this.#log.warn({ platformId, commandId: a.commandId }, 'ack for a command we did not send to this platform: ignored');
        return { kind: 'none' } as const;
      }
      if (c.ackedAt !== null) return { kind: 'none' } as const;
      await tx
        .update(commands)
        .set({ ackedAt: new Date(), accepted: a.accepted, ackReason: a.accepted ? null : a.reason, ackDetail: a.detail ?? null })
        .where(eq(commands.id, c.id));
      if (c.type !== 'enqueue') return { kind: 'acked', commandId: c.id, campaignIds: [] } as const;
      const carried = await tx.select().from(experiments).where(eq(experiments.commandId, c.id));
      const campaignIds = [...new Set(carried.map((e) => e.campaignId))];
      // DUPLICATE means the edge already holds these attempts: as good as accepted.
      const accepted = a.accepted || a.reason === 'DUPLICATE';
      const ids = carried.filter((e) => e.status === 'dispatched').map((e) => e.id);
      if (ids.length > 0) {
        let status: string;
        if (accepted) {
          status = 'accepted';
          await tx.update(experiments).set({ status: 'accepted', acceptedAt: new Date() }).where(inArray(experiments.id, ids));
        } else if (a.reason === 'SAFE_LATCHED' || a.reason === 'BUSY' || a.reason === 'INTERNAL') {
          // Not the condition's fault: dispatch again later.
          status = 'queued';
          await tx.update(experiments).set({ status: 'queued', commandId: null }).where(inArray(experiments.id, ids));
        } else {
          status = 'failed';
          await tx
            .update(experiments)
            .set({ status: 'failed', finishedAt: new Date(), failure: { reason: a.reason, detail: a.detail ?? 'rejected by the edge', source: 'ack' } })
            .where(inArray(experiments.id, ids));
        }
        // SSE feed (API /events): each carried experiment's new status.
        const at = new Date();
        await tx.insert(events).values(
          carried
            .filter((e) => ids.includes(e.id))
            .map((e) => ({ source: 'cloud', platformId, campaignId: e.campaignId, experimentId: e.id, type: 'experimentStatus', body: { status, ...(accepted ? {} : { reason: a.reason }) }, at })),
        );
      }
      // Accepted: nothing for the campaign to decide. Refused: its experiments were re-queued or failed.
      return { kind: 'acked', commandId: c.id, campaignIds: accepted ? [] : campaignIds } as const;
    });
  }

  /**
   * A result: stored once per experiment attempt, only if the experiment was sent to this platform.
   * A duplicate (same envelope id, or same experiment + attempt) changes nothing but is receipted again.
   */
  async result(platformId: string, m: Message<'result'>): Promise<IngestOutcome> {
    const r = m.body;
    return this.#db.transaction(async (tx) => {
      const [e] = await tx.select().from(experiments).where(eq(experiments.id, r.experimentId)).for('update');
      if (!e) {
        this.#log.warn({ platformId, experimentId: r.experimentId }, 'result for an unknown experiment: rejected, nothing stored');
        return { kind: 'none' } as const;
      }
      if (e.platformId !== platformId) {
        this.#log.warn({ platformId, experimentId: r.experimentId, owner: e.platformId }, "result for another platform's experiment: rejected, nothing stored");
        return { kind: 'none' } as const;
      }
      const inserted = await tx
        .insert(results)
        .values({
          id: m.id,
          experimentId: r.experimentId,
          attempt: r.attempt,
          platformId,
          status: r.status,
          features: r.features ?? null,
          spectra: r.spectra ?? null,
          flowPlan: r.flowPlan ?? null,
          timings: r.timings,
          steadyState: (r as { steadyState?: unknown }).steadyState ?? null,
          failure: r.status === 'done' ? null : r.failure,
          warnings: r.warnings,
          // The whole body for provenance, less the spectra: they are in their own column.
          body: { ...r, spectra: undefined },
          sentAt: new Date(m.ts),
        })
        .onConflictDoNothing()
        .returning({ id: results.id });
      if (inserted.length === 0) return { kind: 'receipt', envelopeId: m.id } as const;
      // An older attempt's late result never overrides a newer attempt.
      if (r.attempt >= e.attempt && e.toldAt === null) {
        await tx
          .update(experiments)
          .set({
            status: r.status,
            attempt: r.attempt,
            finishedAt: new Date(r.timings.finishedAt),
            startedAt: e.startedAt ?? new Date(r.timings.startedAt),
            failure: r.status === 'done' ? null : r.failure,
          })
          .where(eq(experiments.id, e.id));
      }
      // SSE feed (API /events): a new result, and the experiment's status it implies.
      const at = new Date();
      const ids = { source: 'cloud', platformId, campaignId: e.campaignId, experimentId: e.id, at };
      await tx.insert(events).values([
        { ...ids, type: 'result', body: { attempt: r.attempt, status: r.status, features: r.features ?? null } },
        { ...ids, type: 'experimentStatus', body: { status: r.status, attempt: r.attempt } },
      ]);
      return { kind: 'receipt', envelopeId: m.id, campaignId: e.campaignId, newResult: true } as const;
    });
  }

  /** An event, stored once by envelope id; a stage event naming an experiment marks it running. */
  async event(platformId: string, m: Message<'event'>): Promise<IngestOutcome> {
    const b = m.body;
    const experimentId = 'experimentId' in b ? (b.experimentId ?? null) : null;
    let campaignId: string | null = null;
    if (experimentId !== null) {
      const [e] = await this.#db.select({ campaignId: experiments.campaignId, platformId: experiments.platformId }).from(experiments).where(eq(experiments.id, experimentId));
      if (e && e.platformId === platformId) campaignId = e.campaignId;
    }
    const severity = b.type === 'interlock' ? 'critical' : b.type === 'alarm' ? b.severity : 'info';
    await this.#db
      .insert(events)
      .values({ envelopeId: m.id, source: 'edge', platformId, campaignId, experimentId: campaignId ? experimentId : null, type: b.type, severity, body: b, at: new Date(m.ts) })
      .onConflictDoNothing();
    if (b.type === 'stage' && experimentId && campaignId) {
      const started = await this.#db
        .update(experiments)
        .set({ status: 'running', startedAt: new Date(m.ts) })
        .where(and(eq(experiments.id, experimentId), inArray(experiments.status, ACTIVE.filter((s) => s !== 'running')), isNull(experiments.toldAt)))
        .returning({ id: experiments.id });
      // SSE feed (API /events): the experiment started running.
      if (started.length > 0) await this.#db.insert(events).values({ source: 'cloud', platformId, campaignId, experimentId, type: 'experimentStatus', body: { status: 'running' }, at: new Date(m.ts) });
    }
    if (b.type === 'stage') await this.#db.update(platforms).set({ stage: b.to, lastSeenAt: new Date() }).where(eq(platforms.id, platformId));
    return { kind: 'receipt', envelopeId: m.id };
  }

  async #unknownPlatform(platformId: string, kind: string): Promise<IngestOutcome> {
    this.#log.warn({ platformId, kind }, 'message from an unregistered platform: ignored');
    return { kind: 'none' };
  }
}
