/**
 * Commands to platforms: stored (with their exact bytes) before they are published, re-sent with
 * the same command id until the edge acks them (the edge answers a repeated id without acting
 * twice), and never sent to a platform that is offline (they wait for its next birth).
 *
 * @module
 */
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { BodyInput } from '@sdfl/protocol';
import type { CloudDrizzle } from '../db/open';
import { campaigns, commands, events, experiments, platforms } from '../db/schema';
import type { CloudLink } from '../mqtt/cloud-link';

/** Options of {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly db: CloudDrizzle;
  readonly link: CloudLink;
  readonly log: Logger;
  /** A command not acked within this time is re-sent, ms. Default 10 s. */
  readonly ackTimeoutMs?: number;
}

/** Sends commands and keeps each platform's queue fed. */
export class Dispatcher {
  readonly #o: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  get ackTimeoutMs(): number {
    return this.#o.ackTimeoutMs ?? 10_000;
  }

  /**
   * Sends every queued experiment of a platform's running campaigns, one `enqueue` command each (an
   * ack then speaks for exactly one experiment). Returns the number sent.
   */
  async dispatch(platformId: string): Promise<number> {
    const { db } = this.#o;
    if (!(await this.#online(platformId))) return 0;
    const queued = await db
      .select({ e: experiments })
      .from(experiments)
      .innerJoin(campaigns, eq(campaigns.id, experiments.campaignId))
      .where(and(eq(experiments.platformId, platformId), eq(experiments.status, 'queued'), eq(campaigns.status, 'running')))
      .orderBy(asc(campaigns.queuePosition), asc(experiments.seq));
    let sent = 0;
    for (const { e } of queued) {
      const body: BodyInput<'cmd'> = {
        type: 'enqueue',
        experiments: [{ experimentId: e.id, attempt: e.attempt, condition: e.condition as never, campaignId: e.campaignId }],
      };
      const commandId = await this.#store(
        platformId,
        body,
        async (tx, id) => {
        const moved = await tx
          .update(experiments)
          .set({ status: 'dispatched', commandId: id, dispatchedAt: new Date() })
          .where(and(eq(experiments.id, e.id), eq(experiments.status, 'queued')))
          .returning({ id: experiments.id });
        // SSE feed (API /events): the experiment was sent to its platform.
        if (moved.length > 0) await tx.insert(events).values({ source: 'cloud', platformId, campaignId: e.campaignId, experimentId: e.id, type: 'experimentStatus', body: { status: 'dispatched', commandId: id }, at: new Date() });
        return moved.length > 0;
        },
        true, // checked above: one online look-up per dispatch, not one per experiment
      );
      if (commandId) sent += 1;
    }
    return sent;
  }

  /**
   * Stores and sends any command; returns its id. `inTx` may refuse (return false) to drop it,
   * e.g. when the experiment was dispatched meanwhile.
   */
  async send(platformId: string, body: BodyInput<'cmd'>, inTx?: (tx: CloudDrizzle, id: string) => Promise<boolean>): Promise<string | null> {
    return this.#store(platformId, body, inTx);
  }

  /** Re-sends every unacked command older than the ack timeout (or never sent) to online platforms. */
  async resendDue(): Promise<number> {
    const { db, link, log } = this.#o;
    if (!link.connected) return 0;
    const due = new Date(Date.now() - this.ackTimeoutMs);
    const rows = await db
      .select({ c: commands })
      .from(commands)
      .innerJoin(platforms, eq(platforms.id, commands.platformId))
      .where(and(isNull(commands.ackedAt), eq(platforms.status, 'online'), or(isNull(commands.sentAt), lt(commands.sentAt, due))))
      .orderBy(asc(commands.createdAt))
      .limit(500);
    for (const { c } of rows) {
      if (c.sendCount > 0) log.info({ platformId: c.platformId, commandId: c.id, type: c.type, sends: c.sendCount }, 'command not acked in time: re-sent with the same id');
      await this.#publish(c.platformId, c.id, c.payload);
    }
    return rows.length;
  }

  async #store(platformId: string, body: BodyInput<'cmd'>, inTx?: (tx: CloudDrizzle, id: string) => Promise<boolean>, knownOnline = false): Promise<string | null> {
    const { db, link } = this.#o;
    const { message, payload } = link.encode('cmd', body);
    const stored = await db.transaction(async (tx) => {
      if (inTx && !(await inTx(tx, message.id))) return false;
      await tx.insert(commands).values({ id: message.id, platformId, type: body.type, body: message.body, payload });
      return true;
    });
    if (!stored) return null;
    if (knownOnline || (await this.#online(platformId))) await this.#publish(platformId, message.id, payload);
    return message.id;
  }

  async #publish(platformId: string, id: string, payload: string): Promise<void> {
    try {
      await this.#o.link.publish(platformId, 'cmd', payload);
      await this.#o.db
        .update(commands)
        .set({ sentAt: new Date(), sendCount: sqlIncrement() })
        .where(eq(commands.id, id));
    } catch (error) {
      this.#o.log.warn({ err: error, platformId, commandId: id }, 'command not sent now; it is re-sent later');
    }
  }

  async #online(platformId: string): Promise<boolean> {
    const [p] = await this.#o.db.select({ status: platforms.status, revokedAt: platforms.revokedAt }).from(platforms).where(eq(platforms.id, platformId));
    return p?.status === 'online' && p.revokedAt === null;
  }
}

const sqlIncrement = () => sql`${commands.sendCount} + 1`;
