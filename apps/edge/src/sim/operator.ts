import { EventEmitter } from 'node:events';
import { type BodyInput, createSender, decode, type Message, topics } from '@sdfl/protocol';
import mqtt, { type MqttClient } from 'mqtt';

type Received = { result: Message<'result'>; event: Message<'event'>; ack: Message<'ack'>; state: Message<'state'> };

/**
 * The cloud's side of one platform, reduced to what the demo and the end-to-end tests need: send
 * commands, and collect acks, results, events and state, each deduplicated by envelope id
 * (receivers are idempotent, ARCHITECTURE.md "The wire").
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
  private readonly seen = new Set<string>();
  private readonly sender = createSender({ session: 1 });
  private client: MqttClient | null = null;

  constructor(
    private readonly platformId: string,
    private readonly brokerUrl: string,
  ) {
    super();
  }

  async start(): Promise<void> {
    const t = topics(this.platformId);
    this.client = await mqtt.connectAsync(this.brokerUrl, {
      protocolVersion: 4,
      clientId: `operator-${this.platformId}`,
      clean: false,
      reconnectPeriod: 200,
    });
    this.client.on('message', (topic, payload) => this.receive(topic, payload));
    await this.client.subscribeAsync([t.result, t.event, t.ack, t.state], { qos: 1 });
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

  private receive(topic: string, payload: Buffer): void {
    const r = decode(topic, payload);
    if (!r.ok) return;
    const m = r.message;
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
