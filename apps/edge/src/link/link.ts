/**
 * The edge's MQTT link: birth/will, durable outbox, commands, telemetry. See docs/architecture.md
 * §3 (the wire) and §6 (delivery, receipts, network drops).
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { decode, edgeSubscriptions, topics, type AckBody, type BodyInput, type MessageKind, type PlatformTopics } from '@sdfl/protocol';
import { CommandStore, MetaStore, OutboxStore } from '../store/index';
import { CommandInbox, UNKNOWN_COMMAND_ID, type CommandHandler } from './command-inbox';
import { LinkError } from './errors';
import type { LinkEvents, LinkOptions, QueuedMessage } from './link-options';
import { mqttClientOptions, settleOrphanedPublishes, willMessage, withTimeout, type MqttWill } from './mqtt-client';
import { OutboxPump } from './outbox-pump';
import { LinkSequence } from './sequence';

interface Running {
  readonly client: MqttClient;
  readonly outbox: OutboxStore;
  readonly commands: CommandStore;
  readonly sequence: LinkSequence;
  readonly pump: OutboxPump;
  readonly inbox: CommandInbox;
}

/**
 * MQTT client of one platform. Results, events and acks are appended to the SQLite outbox before
 * anything is sent and leave in order over QoS 1; telemetry is QoS 0 and dropped while offline.
 * An ack leaves the outbox on its PUBACK; a result or event only when the cloud's `receipt` names
 * it (it is published again on every connection, on a `resend` receipt, and after
 * `receiptTimeoutMs` without one).
 *
 * @example
 * ```ts
 * const link = new Link({ platformId: 'rig-1', brokerUrl, keepaliveS: 10, reconnectPeriodMs: 1000,
 *   agentVersion: '0.1.0', db: openEdgeDb(path), log: log.child({ module: 'edge:link' }), stateProvider });
 * link.onCommand(async (cmd) => ({ commandId: cmd.id, accepted: true }));
 * await link.start();
 * link.publishResult(result);
 * ```
 */
export class Link extends EventEmitter<LinkEvents> {
  readonly #options: LinkOptions;
  #topics: PlatformTopics | undefined;
  #handler: CommandHandler | undefined;
  #running: Running | undefined;
  #online = false;
  /** The current session was put in a CONNECT that got a CONNACK: the next attempt needs a new one. */
  #sessionUsed = false;
  #subscribed = false;
  #stopping: Promise<void> | undefined;

  constructor(options: LinkOptions) {
    super();
    this.#options = options;
  }

  /** True between a CONNACK (birth sent) and the loss of that connection. */
  get isOnline(): boolean {
    return this.#online;
  }

  /** Current session number (0 before `start`). */
  get session(): number {
    return this.#running?.sequence.session ?? 0;
  }

  /** Messages the broker has not acknowledged yet (queued or awaiting PUBACK). */
  get pendingCount(): number {
    const { outbox } = this.#state();
    return outbox.count() - outbox.countAwaitingReceipt();
  }

  /** Results and events the broker PUBACKed that wait for the cloud's receipt. */
  get awaitingReceiptCount(): number {
    return this.#state().outbox.countAwaitingReceipt();
  }

  /** Every row in the outbox: {@link pendingCount} + {@link awaitingReceiptCount}. */
  get outboxCount(): number {
    return this.#state().outbox.count();
  }

  /** Registers the command handler; register before `start()` so that recovered commands find it. */
  onCommand(handler: CommandHandler): void {
    this.#handler = handler;
    this.#running?.inbox.setHandler(handler);
  }

  /**
   * Opens the repositories, re-queues commands a crash left unacked, and starts connecting.
   * Resolves at once: the link works offline and connects in the background.
   */
  async start(): Promise<void> {
    if (this.#running !== undefined) return;
    const o = this.#options;
    const t = (this.#topics = topics(o.platformId));
    const timeOptions = o.now === undefined ? {} : { now: o.now };
    const outbox = new OutboxStore(o.db, timeOptions);
    const commands = new CommandStore(o.db, timeOptions);
    const sequence = new LinkSequence(new MetaStore(o.db), { ...timeOptions, ...(o.seqBlock === undefined ? {} : { seqBlock: o.seqBlock }) });
    const pump = new OutboxPump({
      outbox,
      publish: (row, done) => this.#publishRow(row.topic, row.payload, done),
      ...(o.maxInFlight === undefined ? {} : { maxInFlight: o.maxInFlight }),
      ...(o.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: o.receiptTimeoutMs }),
      ...(o.maxReceiptTimeoutMs === undefined ? {} : { maxReceiptTimeoutMs: o.maxReceiptTimeoutMs }),
      ...timeOptions,
      onDrained: () => this.emit('drained'),
      onEmpty: () => this.emit('empty'),
      log: o.log,
    });
    const inbox = new CommandInbox({ topic: t.cmd, commands, log: o.log, sink: { sendAck: (ack) => this.#sendAck(ack) } });
    if (this.#handler !== undefined) inbox.setHandler(this.#handler);
    sequence.beginSession();
    this.#sessionUsed = false;
    this.#subscribed = false;

    const client = mqtt.connect(o.brokerUrl, mqttClientOptions(o, this.#will(sequence)));
    this.#running = { client, outbox, commands, sequence, pump, inbox };
    // Persist a command inside mqtt.js's handleMessage hook, which runs before our PUBACK is sent
    // (a failure withholds the PUBACK, so the broker redelivers it on the next connection, MQTT
    // 3.1.1 section 4.4).
    client.handleMessage = (packet: IPublishPacket, callback) => {
      try {
        if (packet.topic === t.receipt) this.#onReceipt(packet.topic, packet.payload);
        else inbox.receive(packet.topic, packet.payload);
        callback();
      } catch (error) {
        o.log.error({ err: error, topic: packet.topic }, 'could not record an incoming message');
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    };
    client.on('connect', (connack) => this.#onConnect(connack));
    client.on('close', () => this.#onClose());
    client.on('reconnect', () => this.#onReconnect());
    client.on('error', (error) => o.log.warn({ err: error }, 'mqtt error'));
    inbox.recover();
  }

  /**
   * Queues a result: encoded, appended to the outbox (durable, fsynced) and then sent QoS 1.
   *
   * @throws {EncodeError} when `body` breaks the result schema (nothing is stored).
   * @throws {LinkError} `NOT_STARTED`.
   */
  publishResult(body: BodyInput<'result'>): QueuedMessage {
    return this.#enqueue('result', body);
  }

  /** Queues an event; same contract as {@link publishResult}. */
  publishEvent(body: BodyInput<'event'>): QueuedMessage {
    return this.#enqueue('event', body);
  }

  /**
   * Sends telemetry QoS 0 if online; never stored. Returns whether it was handed to the socket
   * (telemetry is a snapshot: a stale one is worthless after an outage). False before `start`.
   */
  publishTelemetry(body: BodyInput<'telemetry'>): boolean {
    const running = this.#running;
    if (running === undefined || !this.#online) return false;
    const { payload } = running.sequence.encode('telemetry', body);
    running.client.publish(this.#topic('telemetry'), payload, { qos: 0 });
    return true;
  }

  /** Republishes the retained birth (call when capabilities, stage or SAFE change). False when offline. */
  updateState(): boolean {
    if (!this.#online) return false;
    this.#publishBirth(this.#state());
    return true;
  }

  /** Resolves when the broker has acknowledged every row (results and events may still wait for a receipt). */
  async whenDrained(): Promise<void> {
    const { pump } = this.#state();
    if (this.pendingCount === 0 && pump.inFlight === 0) return;
    await new Promise<void>((resolve) => this.once('drained', resolve));
  }

  /** Resolves when the outbox is empty: every ack PUBACKed, every result and event receipted. */
  async whenEmpty(): Promise<void> {
    if (this.outboxCount === 0) return;
    await new Promise<void>((resolve) => this.once('empty', resolve));
  }

  /**
   * Stops: lets in-flight rows get their PUBACK, publishes the retained `offline` state
   * (reason `shutdown`), and disconnects cleanly so that the broker discards the will
   * (MQTT 3.1.1 section 3.14.4). Unsent rows stay in the outbox for the next start.
   */
  async stop(): Promise<void> {
    this.#stopping ??= this.#stop().finally(() => (this.#stopping = undefined));
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    const timeoutMs = this.#options.stopTimeoutMs ?? 2000;
    const { client, pump, sequence } = running;
    await withTimeout(running.inbox.idle(), timeoutMs);
    if (client.connected) {
      await pump.quiesce(timeoutMs);
      const { payload } = sequence.encode('state', { status: 'offline', reason: 'shutdown' });
      await withTimeout(client.publishAsync(this.#topic('state'), payload, { qos: 1, retain: true }), timeoutMs).catch(
        (error: unknown) => this.#options.log.warn({ err: error }, 'offline state not acknowledged'),
      );
    }
    pump.halt();
    await client.endAsync(!client.connected);
    this.#running = undefined;
    this.#setOffline();
  }

  #onReconnect(): void {
    const running = this.#running;
    // mqtt.js builds the next CONNECT from client.options right after emitting 'reconnect'.
    if (running === undefined || !this.#sessionUsed) return;
    running.sequence.beginSession();
    this.#sessionUsed = false;
    running.client.options.will = this.#will(running.sequence);
  }

  /** The last will: a retained `offline` state carrying the session of the CONNECT it rides in. */
  #will(sequence: LinkSequence): MqttWill {
    return willMessage(this.#topic('state'), sequence.encode('state', { status: 'offline', reason: 'will' }).payload);
  }

  #onConnect(connack: IConnackPacket): void {
    const running = this.#running;
    if (running === undefined) return;
    this.#sessionUsed = true;
    this.#online = true;
    const o = this.#options;
    const log = o.log;
    log.info({ session: running.sequence.session, sessionPresent: connack.sessionPresent }, 'connected');
    // Birth first (Sparkplug B: NBIRTH before any data), then the outbox drains behind it.
    this.#publishBirth(running);
    if (!this.#subscribed) {
      // Later connects: mqtt.js re-subscribes itself when the broker lost the session (resubscribe).
      this.#subscribed = true;
      running.client.subscribe([...edgeSubscriptions(o.platformId)], { qos: 1 }, (error) => {
        if (error) log.error({ err: error }, 'cmd/receipt subscription failed');
      });
    }
    running.pump.resume();
    this.emit('online', running.sequence.session);
  }

  #onClose(): void {
    const running = this.#running;
    if (running === undefined) return;
    running.pump.halt();
    settleOrphanedPublishes(running.client);
    this.#setOffline();
  }

  #setOffline(): void {
    if (!this.#online) return;
    this.#online = false;
    this.#options.log.warn('offline');
    this.emit('offline');
  }

  #publishBirth(running: Running): void {
    const o = this.#options;
    try {
      const body = { ...o.stateProvider(), status: 'online', agentVersion: o.agentVersion } as const;
      const { payload } = running.sequence.encode('state', body);
      running.client.publish(this.#topic('state'), payload, { qos: 1, retain: true }, (error) => {
        if (error) o.log.debug({ err: error }, 'birth not acknowledged');
      });
    } catch (error) {
      o.log.error({ err: error }, 'could not build the birth state');
    }
  }

  /**
   * A receipt from the cloud: never acked, never stored; bad payloads are logged and dropped (and
   * PUBACKed, so the broker does not redeliver them forever).
   */
  #onReceipt(topic: string, payload: Uint8Array | string): void {
    const log = this.#options.log;
    const decoded = decode(topic, payload);
    if (!decoded.ok) {
      log.warn({ code: decoded.error.code, detail: decoded.error.detail }, 'receipt dropped: invalid');
      return;
    }
    if (decoded.kind !== 'receipt') return; // unreachable: the topic is our receipt topic
    const { ids, resend } = decoded.message.body;
    const removed = this.#state().pump.receipt(ids, resend === true);
    log.debug({ ids: ids.length, removed, resend: resend === true }, 'receipt');
  }

  #publishRow(topic: string, payload: string, done: (error?: Error) => void): void {
    const client = this.#running?.client;
    // Never hand mqtt.js a QoS 1 publish while disconnected: it would go to the NullStore and
    // vanish. The pump is halted on 'close' and resumes from the outbox on the next connect.
    if (client === undefined || !client.connected) return;
    client.publish(topic, payload, { qos: 1 }, (error) => done(error ?? undefined));
  }

  #enqueue<K extends 'result' | 'event' | 'ack'>(kind: K, body: BodyInput<K>, inTransaction?: (bodyJson: string) => void): QueuedMessage {
    const running = this.#state();
    const encoded = running.sequence.encode(kind, body);
    const outboxSeq = this.#options.db.sqlite.transaction(() => {
      inTransaction?.(JSON.stringify(encoded.message.body));
      return running.outbox.append(this.#topic(kind), kind, encoded.payload, encoded.message.id);
    })();
    running.pump.kick();
    const { id, seq, session } = encoded.message;
    return { outboxSeq, id, seq, session };
  }

  #sendAck(ack: AckBody): void {
    const running = this.#state();
    this.#enqueue('ack', ack, (bodyJson) => {
      if (ack.commandId !== UNKNOWN_COMMAND_ID) running.commands.setAck(ack.commandId, bodyJson);
    });
  }

  #topic(kind: MessageKind): string {
    if (this.#topics === undefined) throw new LinkError('NOT_STARTED', 'link not started');
    return this.#topics[kind];
  }

  #state(): Running {
    if (this.#running === undefined) throw new LinkError('NOT_STARTED', 'link not started');
    return this.#running;
  }
}
