/**
 * A lightweight, protocol-faithful platform: it speaks the edge's side of the wire (birth and
 * will, acks for every command with the same ack for a repeated command id, results kept until
 * receipted and re-sent on `resend`), but "measures" with a deterministic function instead of a
 * reactor. For engine tests that need exact repeatability and for the ingest benchmark with many
 * platforms. The real edge agent (`sdfl-edge --sim`) is tested against the cloud elsewhere.
 */
import { createConditionSpace, type Condition } from '@sdfl/chemistry';
import { createSender, decode, topics, type BodyInput, type Message, type Sender } from '@sdfl/protocol';
import mqtt, { type MqttClient } from 'mqtt';

/** What the platform measures for a condition (default: a smooth peak). null = the experiment fails. */
export type Measure = (condition: Condition, experimentId: string) => number | null;

export interface ProtocolEdgeOptions {
  readonly platformId: string;
  readonly url: string;
  readonly password: string;
  /** Delay between ack and result, ms. Default 20. */
  readonly runMs?: number;
  readonly measure?: Measure;
  /** Fault hook: return true to ignore this command entirely (no ack, no run), e.g. a lost dispatch. */
  readonly dropCommand?: (cmd: Message<'cmd'>, seenBefore: boolean) => boolean;
  /** Fault hook: publish each result this many times. Default 1. */
  readonly resultCopies?: number;
  /** Run accepted experiments by themselves (default) or only when {@link ProtocolEdge.complete} says so. */
  readonly autoRun?: boolean;
}

const space = createConditionSpace();

/** Smooth, deterministic PL_I-like response with an interior peak (for tests only). */
export const smoothPeak: Measure = (c) => {
  const u = space.toCube(c);
  const centre = [0.7, 0.4, 0.8, 0.3, 0.2, 0.5, 0.4];
  const d2 = u.reduce((s, x, i) => s + (x - centre[i]!) ** 2, 0);
  return 1000 * Math.exp(-3 * d2);
};

/** A minimal birth: no devices, PL_I only, the temperature window of the default condition space. */
export const onlineState = (agentVersion = 'protocol-edge'): BodyInput<'state'> => ({
  status: 'online',
  agentVersion,
  devices: { pumps: [], spectrometers: [], heater: { kind: 'simulated' } },
  capabilities: { offlinePolicies: ['standby'], features: ['plIntensity'] },
  limits: { temperature: { minC: 25, maxC: 180, ceilingC: 200 }, pumps: {} },
  stage: 'idle',
  safe: false,
});

/** Connects as a platform would: its client id, a persistent session, and an `offline` will. */
export async function connectAsPlatform(o: { url: string; platformId: string; password: string; sender: Sender; reconnectPeriodMs: number }): Promise<MqttClient> {
  const will = o.sender.encode('state', { status: 'offline', reason: 'will' });
  return mqtt.connectAsync(o.url, {
    protocolVersion: 4,
    clientId: `sdfl-edge-${o.platformId}`,
    username: o.platformId,
    password: o.password,
    clean: false,
    reconnectPeriod: o.reconnectPeriodMs,
    will: { topic: topics(o.platformId).state, payload: Buffer.from(will.payload), qos: 1, retain: true },
  });
}

/** One lightweight platform. */
export class ProtocolEdge {
  readonly results: Message<'result'>[] = [];
  readonly commands: Message<'cmd'>[] = [];
  /** Ids of results still waiting for the cloud's receipt. */
  readonly unreceipted = new Map<string, string>();
  readonly receipts: Message<'receipt'>[] = [];
  readonly #o: ProtocolEdgeOptions;
  readonly #sender = createSender({ session: Date.now() % 1_000_000 });
  readonly #acks = new Map<string, string>();
  readonly #experimentsRun = new Set<string>();
  /** Accepted experiments not run yet (with `autoRun: false`). */
  readonly held = new Map<string, { attempt: number; condition: Condition; campaignId?: string }>();
  #client: MqttClient | undefined;

  constructor(options: ProtocolEdgeOptions) {
    this.#o = options;
  }

  get client(): MqttClient {
    return this.#client!;
  }

  async start(): Promise<void> {
    const t = topics(this.#o.platformId);
    this.#client = await connectAsPlatform({ ...this.#o, sender: this.#sender, reconnectPeriodMs: 200 });
    this.#client.on('message', (topic, payload) => void this.#receive(topic, payload));
    this.#client.on('connect', () => void this.#birth());
    await this.#client.subscribeAsync([t.cmd, t.receipt], { qos: 1 });
    await this.#birth();
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync(true);
  }

  async #birth(): Promise<void> {
    const c = this.#client!;
    await c.subscribeAsync([topics(this.#o.platformId).cmd, topics(this.#o.platformId).receipt], { qos: 1 });
    await c.publishAsync(topics(this.#o.platformId).state, this.#sender.encode('state', onlineState()).payload, { qos: 1, retain: true });
    for (const payload of this.unreceipted.values()) await c.publishAsync(topics(this.#o.platformId).result, payload, { qos: 1 });
  }

  async #receive(topic: string, payload: Buffer): Promise<void> {
    const r = decode(topic, payload);
    if (!r.ok) return;
    if (r.kind === 'receipt') {
      this.receipts.push(r.message);
      for (const id of r.message.body.ids) this.unreceipted.delete(id);
      if (r.message.body.resend) for (const p of this.unreceipted.values()) await this.#publish('result', p);
      return;
    }
    if (r.kind !== 'cmd') return;
    const cmd = r.message;
    const seen = this.#acks.has(cmd.id);
    this.commands.push(cmd);
    if (this.#o.dropCommand?.(cmd, seen)) return;
    const previous = this.#acks.get(cmd.id);
    if (previous) return void (await this.#publish('ack', previous));
    const ack = this.#sender.encode('ack', { commandId: cmd.id, accepted: true }).payload;
    this.#acks.set(cmd.id, ack);
    await this.#publish('ack', ack);
    if (cmd.body.type === 'enqueue') {
      for (const e of cmd.body.experiments) {
        const key = `${e.experimentId}#${e.attempt ?? 1}`;
        if (this.#experimentsRun.has(key)) continue;
        this.#experimentsRun.add(key);
        if (this.#o.autoRun === false) {
          this.held.set(e.experimentId, { attempt: e.attempt ?? 1, condition: e.condition, ...(e.campaignId ? { campaignId: e.campaignId } : {}) });
          continue;
        }
        setTimeout(() => void this.#finish(e.experimentId, e.attempt ?? 1, e.condition, e.campaignId), this.#o.runMs ?? 20);
      }
    }
  }

  async #finish(experimentId: string, attempt: number, condition: Condition, campaignId?: string): Promise<void> {
    const value = (this.#o.measure ?? smoothPeak)(condition, experimentId);
    const now = new Date().toISOString();
    const timings = { startedAt: now, finishedAt: now, durations: { totalS: 0 } };
    const body: BodyInput<'result'> =
      value === null
        ? { experimentId, attempt, condition, ...(campaignId ? { campaignId } : {}), status: 'failed', failure: { reason: 'DEVICE_ERROR', detail: 'test failure' }, timings, warnings: [] }
        : {
            experimentId,
            attempt,
            condition,
            ...(campaignId ? { campaignId } : {}),
            status: 'done',
            flowPlan: { ratesUlMin: {}, residenceTimeS: 30, reactionTimeS: 30, equilibrationS: 36 },
            features: { abs300: 0.5, plPeakNm: 450, plIntensity: value, plArea: value * 50, fwhmNm: 40, sidePeak380: 0, sidePeak600: 0, flags: [] },
            spectra: { absorbance: { wavelengthNm: [300, 400], values: [0.5, 0.1] }, pl: { wavelengthNm: [450, 460], values: [value, value / 2] } },
            timings: { ...timings, steadyAt: now, acquiredAt: now, durations: { heatingS: 0, equilibrationS: 0, acquisitionS: 0, totalS: 0 } },
            warnings: [],
          };
    const { message, payload } = this.#sender.encode('result', body);
    this.results.push(message);
    this.unreceipted.set(message.id, payload);
    for (let i = 0; i < (this.#o.resultCopies ?? 1); i++) await this.#publish('result', payload);
  }

  /** Finishes held experiments in the given order (out-of-order delivery tests). */
  async complete(experimentIds: readonly string[]): Promise<void> {
    for (const id of experimentIds) {
      const h = this.held.get(id);
      if (!h) throw new Error(`experiment ${id} is not held`);
      this.held.delete(id);
      await this.#finish(id, h.attempt, h.condition, h.campaignId);
    }
  }

  /** Publishes raw bytes on one of this platform's topics (bad-input tests). */
  async publishRaw(kind: 'result' | 'event' | 'ack' | 'state', payload: string | Buffer, platformId = this.#o.platformId): Promise<void> {
    await this.#client!.publishAsync(topics(platformId)[kind], payload, { qos: 1 });
  }

  async #publish(kind: 'ack' | 'result', payload: string): Promise<void> {
    if (!this.#client?.connected) return; // re-sent from `unreceipted` on the next connect
    await this.#client.publishAsync(topics(this.#o.platformId)[kind], payload, { qos: 1 }).catch(() => undefined);
  }

  /** Encodes a message as this platform would (for hand-made results in tests). */
  encode<K extends 'result' | 'event'>(kind: K, body: BodyInput<K>): { message: Message<K>; payload: string } {
    return this.#sender.encode(kind, body);
  }
}
