/**
 * A protocol-faithful platform for the decision-latency bench. Like the real edge it runs one
 * experiment at a time from the queue the cloud keeps `queueDepth` ahead, acks every command (the
 * same ack for a repeated command id), and keeps each result until the cloud's receipt names it
 * (re-publishing on connect and on a `resend` receipt). It is *paced*: after publishing a result
 * it starts the next experiment only when the `enqueue` answering that result has arrived. In a
 * lab an experiment (minutes) outlasts a decision (about a second), so every decision meets an
 * otherwise idle engine; pacing reproduces that without waiting minutes per experiment.
 *
 * Why not the tests' ProtocolEdge: it runs every accepted experiment at once after a fixed delay,
 * so results overlap decisions and a latency would include the previous decision's queueing.
 */
import { performance } from 'node:perf_hooks';
import type { Condition } from '@sdfl/chemistry';
import { createSender, decode, topics } from '@sdfl/protocol';
import type { MqttClient } from 'mqtt';
import { connectAsPlatform, onlineState, smoothPeak } from '../test/support/protocol-edge';
import { fullResultBody } from './harness';

/** One decision as the platform saw it. */
export interface DecisionSample {
  /** Results the platform had published (= observations told to the study by this decision). */
  readonly observations: number;
  /** Result publish -> arrival of the next `enqueue`, ms. */
  readonly latencyMs: number;
}

export interface PacedPlatformOptions {
  readonly platformId: string;
  readonly url: string;
  readonly password: string;
  /** Simulated experiment duration once it may start, ms. Default 5. */
  readonly runMs?: number;
  /** A decision that brings no `enqueue` within this time is dropped from the samples, ms. Default 60 s. */
  readonly stallMs?: number;
  /**
   * Experiments the campaign's first decision sends (queueDepth + 1; default 3). The first one
   * starts only when all have arrived, so that each later `enqueue` answers exactly one result.
   */
  readonly initialFill?: number;
}

interface Held {
  readonly experimentId: string;
  readonly attempt: number;
  readonly condition: Condition;
  readonly campaignId?: string;
}

/** The paced platform. `start()`, read `samples`, `stop()`. */
export class PacedPlatform {
  readonly samples: DecisionSample[] = [];
  /** Called after every sample (the bench opens and closes measurement windows here). */
  onSample: (s: DecisionSample) => void = () => undefined;
  stalls = 0;
  readonly #o: PacedPlatformOptions;
  readonly #sender = createSender({ session: Date.now() % 1_000_000 });
  readonly #t: ReturnType<typeof topics>;
  readonly #acks = new Map<string, string>();
  readonly #seen = new Set<string>();
  readonly #queue: Held[] = [];
  readonly #unreceipted = new Map<string, string>();
  #awaiting: { since: number; observations: number; timer: NodeJS.Timeout } | null = null;
  #running = false;
  #published = 0;
  #stopped = false;
  #client: MqttClient | undefined;

  constructor(options: PacedPlatformOptions) {
    this.#o = options;
    this.#t = topics(options.platformId);
  }

  get published(): number {
    return this.#published;
  }

  async start(): Promise<void> {
    this.#client = await connectAsPlatform({ ...this.#o, sender: this.#sender, reconnectPeriodMs: 500 });
    this.#client.on('message', (topic, payload) => this.#receive(topic, payload));
    await this.#client.subscribeAsync([this.#t.cmd, this.#t.receipt], { qos: 1 });
    const birth = this.#sender.encode('state', onlineState('bench-paced'));
    await this.#client.publishAsync(this.#t.state, birth.payload, { qos: 1, retain: true });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#awaiting) clearTimeout(this.#awaiting.timer);
    await this.#client?.endAsync(true);
  }

  #receive(topic: string, payload: Buffer): void {
    const arrived = performance.now();
    const r = decode(topic, payload);
    if (!r.ok) return;
    if (r.kind === 'receipt') {
      for (const id of r.message.body.ids) this.#unreceipted.delete(id);
      if (r.message.body.resend) for (const p of this.#unreceipted.values()) this.#publish(this.#t.result, p);
      return;
    }
    if (r.kind !== 'cmd') return;
    const cmd = r.message;
    const previous = this.#acks.get(cmd.id);
    if (previous) return this.#publish(this.#t.ack, previous);
    const ack = this.#sender.encode('ack', { commandId: cmd.id, accepted: true }).payload;
    this.#acks.set(cmd.id, ack);
    this.#publish(this.#t.ack, ack);
    if (cmd.body.type !== 'enqueue') return;
    let fresh = false;
    for (const e of cmd.body.experiments) {
      const key = `${e.experimentId}#${e.attempt ?? 1}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      fresh = true;
      this.#queue.push({ experimentId: e.experimentId, attempt: e.attempt ?? 1, condition: e.condition, ...(e.campaignId ? { campaignId: e.campaignId } : {}) });
    }
    if (fresh && this.#awaiting) {
      const a = this.#awaiting;
      clearTimeout(a.timer);
      this.#awaiting = null;
      const sample = { observations: a.observations, latencyMs: arrived - a.since };
      this.samples.push(sample);
      this.onSample(sample);
    }
    this.#pump();
  }

  /** Starts the next experiment when none runs and no decision is awaited. */
  #pump(): void {
    if (this.#stopped || this.#running || this.#awaiting || this.#queue.length === 0) return;
    if (this.#published === 0 && this.#queue.length < (this.#o.initialFill ?? 3)) return;
    const e = this.#queue.shift()!;
    this.#running = true;
    setTimeout(() => {
      this.#running = false;
      if (this.#stopped) return;
      const { message, payload } = this.#sender.encode('result', fullResultBody(e.experimentId, e.attempt, e.condition as never, smoothPeak(e.condition, e.experimentId) ?? 0, e.campaignId));
      this.#unreceipted.set(message.id, payload);
      this.#published += 1;
      const observations = this.#published;
      const timer = setTimeout(() => {
        // No answer (e.g. the budget is spent): count it, and carry on with the queue.
        this.stalls += 1;
        this.#awaiting = null;
        this.#pump();
      }, this.#o.stallMs ?? 60_000);
      this.#awaiting = { since: performance.now(), observations, timer };
      this.#publish(this.#t.result, payload);
    }, this.#o.runMs ?? 5);
  }

  #publish(topic: string, payload: string): void {
    if (!this.#client?.connected) return; // results are re-sent on the cloud's resend receipt
    this.#client.publishAsync(topic, payload, { qos: 1 }).catch(() => undefined);
  }
}
