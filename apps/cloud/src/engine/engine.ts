/**
 * The campaign engine: the closed loop. MQTT message -> decode -> ingest (stored, receipted) ->
 * campaign stepper (tell, fit, ask in the optimizer worker) -> dispatcher (enqueue commands) ->
 * edge. Messages of one platform are handled in order; decisions of one campaign one at a time.
 * All state is in the database: `start()` after a crash picks up where the last process stopped.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { createDecoder, type DecodeResult } from '@sdfl/protocol';
import type { CloudDrizzle } from '../db/open';
import { auditLog, campaigns, commands, experiments, modelSnapshots, platforms } from '../db/schema';
import type { CloudLink } from '../mqtt/cloud-link';
import type { OptimizerHost } from '../optimizer-host/host';
import { reviewExperiment, type ExperimentRow, type Review } from './approvals';
import { createCampaign, setCampaignStatus, startNextCampaigns, type CampaignInput, type CampaignRow } from './campaigns';
import { Dispatcher } from './dispatcher';
import { Ingest, type IngestOutcome } from './ingest';
import { Receipts } from './receipts';
import { CampaignStepper, type StepOutcome } from './stepper';

/** Options of {@link Engine}. */
export interface EngineOptions {
  readonly db: CloudDrizzle;
  readonly link: CloudLink;
  readonly host: OptimizerHost;
  readonly log: Logger;
  /** This process in decision leases (unique per process). */
  readonly owner: string;
  /** Re-send an unacked command after this long, ms. Default 10 s. */
  readonly ackTimeoutMs?: number;
  /** Housekeeping period (re-sends, campaign queue), ms. Default 1 s. */
  readonly tickMs?: number;
}

/** What the engine tells listeners (terminal progress, and later the API's SSE stream). */
export interface EngineEvents {
  /** A campaign decided (new experiments) or ended. */
  step: [campaignId: string, outcome: StepOutcome];
  /** A result was stored for the first time. */
  result: [campaignId: string, experimentId: string];
  /** A message was rejected (bad bytes, wrong platform, unknown experiment). */
  rejected: [topic: string, reason: string];
  /** A step failed (it is retried on the next tick). */
  error: [campaignId: string, error: Error];
}

/** The engine. Construct, `start()`, and `stop()`. */
export class Engine extends EventEmitter<EngineEvents> {
  readonly #o: EngineOptions;
  readonly #ingest: Ingest;
  readonly #dispatcher: Dispatcher;
  readonly #receipts: Receipts;
  readonly #stepper: CampaignStepper;
  readonly #decode = createDecoder();
  readonly #platformChains = new Map<string, Promise<void>>();
  readonly #campaignChains = new Map<string, Promise<void>>();
  /** Campaigns that got new work while a step ran: step again after it. */
  readonly #again = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped = false;

  constructor(options: EngineOptions) {
    super();
    this.#o = options;
    const log = options.log;
    this.#ingest = new Ingest(options.db, log);
    this.#dispatcher = new Dispatcher({ db: options.db, link: options.link, log, ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}) });
    this.#receipts = new Receipts(options.link, log);
    this.#stepper = new CampaignStepper({ db: options.db, host: options.host, log, owner: options.owner });
  }

  get dispatcher(): Dispatcher {
    return this.#dispatcher;
  }

  /** The optimizer host (the API's lab studies and twin reports run there too). */
  get host(): OptimizerHost {
    return this.#o.host;
  }

  /** Subscribes, asks every platform to re-send what it holds, and resumes every running campaign. */
  async start(): Promise<void> {
    const { link } = this.#o;
    link.onMessage((topic, payload) => this.#receive(topic, payload));
    link.onSubscribed(() => void this.#askResendAll());
    await link.start();
    await this.#tick();
    const running = await this.#o.db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.status, 'running'));
    for (const c of running) this.wake(c.id);
    this.#timer = setInterval(() => void this.#tick(), this.#o.tickMs ?? 1000);
  }

  /** Stops timers and waits for steps in progress; the link and the host are closed by their owner. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#campaignChains.values(), ...this.#platformChains.values()]);
  }

  /** Resolves when no message or decision is in progress (tests, benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      const chains = [...this.#campaignChains.values(), ...this.#platformChains.values()];
      if (chains.length === 0) return;
      await Promise.allSettled(chains);
    }
  }

  /** Creates a campaign and starts it if its platform is free. */
  async createCampaign(input: CampaignInput, actor: string): Promise<CampaignRow> {
    const row = await createCampaign(this.#o.db, input, actor);
    await this.#startQueued();
    return row;
  }

  /** Pause, resume or cancel; a cancel also withdraws what the edge holds of it. */
  async steer(id: string, action: 'pause' | 'resume' | 'cancel', actor: string, reason: string): Promise<CampaignRow> {
    const { campaign } = await setCampaignStatus(this.#o.db, id, action, actor, reason);
    if (action === 'cancel' && campaign.platformId) {
      const held = await this.#o.db
        .select({ id: experiments.id })
        .from(experiments)
        .where(and(eq(experiments.campaignId, id), inArray(experiments.status, ['dispatched', 'accepted']), isNull(experiments.toldAt)));
      for (const e of held) await this.#dispatcher.send(campaign.platformId, { type: 'cancel', scope: 'experiment', experimentId: e.id });
      await this.#startQueued();
    }
    if (action === 'resume') this.wake(id);
    return campaign;
  }

  /**
   * Clears a platform's latched SAFE state on behalf of a person who checked the rig: audited with
   * who and why, then sent as `clearSafe` (the edge names the command in its `faultCleared` event).
   * Returns the command id; its ack says whether the edge cleared it.
   */
  async clearSafe(platformId: string, operator: string, reason: string, actor = operator): Promise<string> {
    await this.#o.db.insert(auditLog).values({ actor, action: 'platform.clearSafe', target: platformId, reason, detail: { operator } });
    return (await this.#dispatcher.send(platformId, { type: 'clearSafe', operator, reason }))!;
  }

  /** The ack of a command once it arrived (polls the database), or undefined after `timeoutMs`. */
  async ackOf(commandId: string, timeoutMs = 30_000): Promise<{ accepted: boolean; reason: string | null; detail: string | null } | undefined> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end && !this.#stopped) {
      const [c] = await this.#o.db.select().from(commands).where(eq(commands.id, commandId));
      if (c?.ackedAt) return { accepted: c.accepted === true, reason: c.ackReason, detail: c.ackDetail };
      await new Promise((r) => setTimeout(r, 50));
    }
    return undefined;
  }

  /** Applies a review on a gated campaign's proposal; an approval is dispatched at once, a rejection refilled. */
  async review(experimentId: string, review: Review, actor: string, note?: string): Promise<ExperimentRow> {
    const e = await reviewExperiment(this.#o.db, experimentId, review, actor, note);
    if (review.action === 'approve' && e.platformId) await this.#dispatcher.dispatch(e.platformId);
    else this.wake(e.campaignId);
    return e;
  }

  /** Schedules a decision for a campaign (coalesced: one in flight, one queued). */
  wake(campaignId: string): void {
    if (this.#stopped) return;
    if (this.#campaignChains.has(campaignId)) {
      this.#again.add(campaignId);
      return;
    }
    const run = (async () => {
      do {
        this.#again.delete(campaignId);
        await this.#step(campaignId);
      } while (this.#again.has(campaignId) && !this.#stopped);
    })().finally(() => this.#campaignChains.delete(campaignId));
    this.#campaignChains.set(campaignId, run);
  }

  async #step(campaignId: string): Promise<void> {
    try {
      const outcome = await this.#stepper.step(campaignId);
      if (outcome.dispatchTo) await this.#dispatcher.dispatch(outcome.dispatchTo);
      if (outcome.model) await this.#shipModel(outcome.model.platformId, outcome.model.campaignId, outcome.model.version);
      if (outcome.ended) await this.#startQueued();
      this.emit('step', campaignId, outcome);
    } catch (error) {
      this.#o.log.error({ err: error, campaignId }, 'campaign step failed; retried on the next tick');
      this.emit('error', campaignId, error as Error);
    }
  }

  /** Sends the campaign's model version to its platform for the edge's offline `local` policy. */
  async #shipModel(platformId: string, campaignId: string, version: number): Promise<void> {
    const { db } = this.#o;
    const [m] = await db.select().from(modelSnapshots).where(and(eq(modelSnapshots.campaignId, campaignId), eq(modelSnapshots.version, version)));
    const [c] = await db.select({ objective: campaigns.objective }).from(campaigns).where(eq(campaigns.id, campaignId));
    // Only a serialized surrogate (one that names its format) is of use to the edge's local policy.
    if (!m || !c || typeof (m.snapshot as { format?: unknown } | null)?.format !== 'string') return;
    const best = await this.#best(campaignId, c.objective as { direction: string });
    const snapshot = { model: m.snapshot as Record<string, unknown>, objective: c.objective, policy: 'ucb', kappa: 2, campaignId, ...(best === null ? {} : { best }) };
    const commandId = await this.#dispatcher.send(platformId, { type: 'modelSnapshot', version: `${campaignId}-v${version}`, snapshot });
    if (commandId) await db.update(modelSnapshots).set({ commandId }).where(and(eq(modelSnapshots.campaignId, campaignId), eq(modelSnapshots.version, version)));
  }

  async #best(campaignId: string, objective: { direction: string }): Promise<number | null> {
    const rows = await this.#o.db.select({ value: experiments.value }).from(experiments).where(and(eq(experiments.campaignId, campaignId), eq(experiments.status, 'done')));
    const values = rows.map((r) => r.value).filter((v): v is number => v !== null);
    if (values.length === 0) return null;
    return objective.direction === 'minimize' ? Math.min(...values) : Math.max(...values);
  }

  #receive(topic: string, payload: Buffer): void {
    const decoded = this.#decode(topic, payload);
    if (!decoded.ok) {
      this.#o.log.warn({ topic, code: decoded.error.code, detail: decoded.error.detail }, 'message rejected: nothing stored');
      this.emit('rejected', topic, `${decoded.error.code}: ${decoded.error.detail}`);
      return;
    }
    const platformId = decoded.topic.platform;
    // In order per platform (an ack before the result it precedes), in parallel across platforms.
    const prev = this.#platformChains.get(platformId) ?? Promise.resolve();
    const next = prev
      .then(() => this.#handle(decoded))
      .catch((error: unknown) => this.#o.log.error({ err: error, topic }, 'could not handle a message (the edge re-sends it)'))
      .finally(() => {
        if (this.#platformChains.get(platformId) === next) this.#platformChains.delete(platformId);
      });
    this.#platformChains.set(platformId, next);
  }

  async #handle(d: Extract<DecodeResult, { ok: true }>): Promise<void> {
    const platformId = d.topic.platform;
    let outcome: IngestOutcome;
    switch (d.kind) {
      case 'state':
        outcome = await this.#ingest.state(platformId, d.message);
        break;
      case 'telemetry':
        outcome = await this.#ingest.telemetry(platformId, d.message);
        break;
      case 'ack':
        outcome = await this.#ingest.ack(platformId, d.message);
        break;
      case 'result':
        outcome = await this.#ingest.result(platformId, d.message);
        if (outcome.kind === 'none') this.emit('rejected', d.topic.platform, `result ${d.message.body.experimentId} not accepted from ${platformId}`);
        break;
      case 'event':
        outcome = await this.#ingest.event(platformId, d.message);
        break;
      default:
        // cmd / receipt are ours; a platform cannot publish them (broker ACL), another cloud may.
        return;
    }
    if (outcome.kind === 'receipt') {
      this.#receipts.add(platformId, outcome.envelopeId);
      if (outcome.newResult && outcome.campaignId && d.kind === 'result') {
        this.emit('result', outcome.campaignId, d.message.body.experimentId);
        this.wake(outcome.campaignId);
      }
    } else if (outcome.kind === 'platform' && outcome.reconnected) {
      // The platform restarted or came back: send it what waits for it.
      await this.#startQueued();
      await this.#dispatcher.dispatch(platformId);
      await this.#dispatcher.resendDue();
      await this.#receipts.askResend(platformId);
    } else if (outcome.kind === 'acked') {
      for (const id of outcome.campaignIds) this.wake(id);
    }
  }

  async #startQueued(): Promise<void> {
    for (const id of await startNextCampaigns(this.#o.db)) this.wake(id);
  }

  async #askResendAll(): Promise<void> {
    const rows = await this.#o.db.select({ id: platforms.id }).from(platforms).where(isNull(platforms.revokedAt));
    for (const p of rows) await this.#receipts.askResend(p.id);
  }

  async #tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = true;
    try {
      await this.#dispatcher.resendDue();
      await this.#startQueued();
      // Experiments queued while their platform was offline, or rejected for a transient reason.
      const waiting = await this.#o.db
        .selectDistinct({ platformId: experiments.platformId })
        .from(experiments)
        .innerJoin(platforms, eq(platforms.id, experiments.platformId))
        .where(and(eq(experiments.status, 'queued'), eq(platforms.status, 'online')));
      for (const w of waiting) if (w.platformId) await this.#dispatcher.dispatch(w.platformId);
      // A step that failed (or a crash before one) leaves untold outcomes: try again.
      const untold = await this.#o.db
        .selectDistinct({ campaignId: experiments.campaignId })
        .from(experiments)
        .innerJoin(campaigns, eq(campaigns.id, experiments.campaignId))
        .where(and(isNull(experiments.toldAt), inArray(experiments.status, ['done', 'failed', 'aborted']), inArray(campaigns.status, ['running', 'paused'])));
      for (const u of untold) this.wake(u.campaignId);
    } catch (error) {
      this.#o.log.warn({ err: error }, 'engine housekeeping failed; retried');
    } finally {
      this.#ticking = false;
    }
  }
}

