import { EventEmitter } from 'node:events';
import { type BodyInput, createSender, decode, MAX_RECEIPT_IDS, type Message, topics } from '@sdfl/protocol';
import mqtt, { type MqttClient } from 'mqtt';

type Received = { result: Message<'result'>; event: Message<'event'>; ack: Message<'ack'>; state: Message<'state'> };

/** Options of {@link Operator}. */
export interface OperatorOptions {
  /**
   * Receipt every result and event once recorded (as the cloud does once it has stored one), and
   * ask for a resend on every (re)connect. Default true; false = a cloud that never answers.
   */
  receipts?: boolean;
  username?: string;
  password?: string;
  /** MQTT client id; default `operator-{platformId}`. */
  clientId?: string;
}

/**
 * The cloud's side of one platform, reduced to what the demo and the end-to-end tests need: send
 * commands, collect acks, results, events and state, each deduplicated by envelope id (receivers
 * are idempotent, docs/architecture.md §3), and receipt what it recorded so that the edge can
 * forget it.
 */
export class Operator extends EventEmitter<{ [K in keyof Received]: [Received[K]] }> {
  readonly results: Message<'result'>[] = [];
  readonly events: Message<'event'>[] = [];
  readonly acks: Message<'ack'>[] = [];
  /** Every result id seen more than once (at-least-once delivery re-sends). */
  readonly duplicates: string[] = [];
  state: Message<'state'> | null = null;
  /** Bytes of the last command sent (to replay a redelivery in tests). */
  lastSent: string | null = null;
  /** Envelope ids receipted so far. */
  readonly receipted = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly sender = createSender({ session: 1 });
  private client: MqttClient | null = null;
  /** Ids recorded in this event-loop turn, receipted together on the next. */
  private pendingReceipt: string[] = [];

  constructor(
    private readonly platformId: string,
    private readonly brokerUrl: string,
    private readonly options: OperatorOptions = {},
  ) {
    super();
  }

  async start(): Promise<void> {
    const t = topics(this.platformId);
    const { username, password } = this.options;
    this.client = await mqtt.connectAsync(this.brokerUrl, {
      protocolVersion: 4,
      clientId: this.options.clientId ?? `operator-${this.platformId}`,
      clean: false,
      reconnectPeriod: 200,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    });
    this.client.on('message', (topic, payload) => this.receive(topic, payload));
    await this.client.subscribeAsync([t.result, t.event, t.ack, t.state], { qos: 1 });
    if (this.options.receipts !== false) {
      // (Re)subscribed: whatever the edge published while we were away may be lost; ask again.
      this.client.on('connect', () => void this.receipt([], true).catch(() => undefined));
      await this.receipt([], true);
    }
  }

  /** Publishes a receipt naming `ids` (QoS 1); with `resend`, asks the edge to re-publish what waits for one. */
  async receipt(ids: string[], resend?: boolean): Promise<void> {
    const { payload } = this.sender.encode('receipt', { ids, ...(resend === undefined ? {} : { resend }) });
    await this.client!.publishAsync(topics(this.platformId).receipt, payload, { qos: 1 });
    for (const id of ids) this.receipted.add(id);
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }

  /** Publishes a command (QoS 1) and returns its envelope id. */
  async send(body: BodyInput<'cmd'>): Promise<string> {
    const { message, payload } = this.sender.encode('cmd', body);
    this.lastSent = payload;
    await this.client!.publishAsync(topics(this.platformId).cmd, payload, { qos: 1 });
    return message.id;
  }

  /** Publishes raw bytes on the command topic (bad-input tests). */
  async sendRaw(payload: string): Promise<void> {
    await this.client!.publishAsync(topics(this.platformId).cmd, payload, { qos: 1 });
  }

  /** Resolves with the ack of a command. */
  ackFor(commandId: string, timeoutMs = 10_000): Promise<Message<'ack'>> {
    return this.waitFor('ack', (a) => a.body.commandId === commandId, timeoutMs);
  }

  /** Resolves once `predicate` holds for a message of `kind` (already received ones count). */
  waitFor<K extends 'result' | 'event' | 'ack'>(kind: K, predicate: (m: Received[K]) => boolean, timeoutMs = 30_000): Promise<Received[K]> {
    const list = (kind === 'result' ? this.results : kind === 'event' ? this.events : this.acks) as Received[K][];
    const found = list.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(kind, listener as never);
        reject(new Error(`no matching ${kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (m: Received[K]) => {
        if (!predicate(m)) return;
        clearTimeout(timer);
        this.off(kind, listener as never);
        resolve(m);
      };
      this.on(kind, listener as never);
    });
  }

  /** Receipts `id` with the others recorded in this turn (a lost receipt is repaired by the edge's re-send). */
  private queueReceipt(id: string): void {
    if (this.options.receipts === false) return;
    this.pendingReceipt.push(id);
    if (this.pendingReceipt.length > 1) return;
    setImmediate(() => {
      const ids = this.pendingReceipt.splice(0, MAX_RECEIPT_IDS);
      if (this.pendingReceipt.length > 0) this.queueReceiptRest();
      if (this.client?.connected) void this.receipt(ids).catch(() => undefined);
    });
  }

  private queueReceiptRest(): void {
    const rest = this.pendingReceipt.splice(0);
    for (const id of rest) this.queueReceipt(id);
  }

  private receive(topic: string, payload: Buffer): void {
    const r = decode(topic, payload);
    if (!r.ok) return;
    const m = r.message;
    // Recorded (now or before): receipt it, again if the edge re-sent it (our receipt was lost).
    if (r.kind === 'result' || r.kind === 'event') this.queueReceipt(m.id);
    if (this.seen.has(m.id)) {
      if (r.kind === 'result') this.duplicates.push(m.id);
      return;
    }
    this.seen.add(m.id);
    switch (r.kind) {
      case 'result':
        this.results.push(r.message);
        this.emit('result', r.message);
        break;
      case 'event':
        this.events.push(r.message);
        this.emit('event', r.message);
        break;
      case 'ack':
        this.acks.push(r.message);
        this.emit('ack', r.message);
        break;
      case 'state':
        this.state = r.message;
        this.emit('state', r.message);
        break;
      default:
    }
  }
}
