/**
 * The cloud's MQTT client: one identity that sees every platform. It subscribes to every
 * edge-to-cloud kind and publishes commands and receipts. The same code joins the embedded aedes
 * broker and an external one (Mosquitto, EMQX): only the URL and the credentials differ.
 *
 * @module
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { CLOUD_SUBSCRIPTIONS, createSender, topicFor, type BodyInput, type Message, type Sender } from '@sdfl/protocol';

/** Options of {@link CloudLink}. */
export interface CloudLinkOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Fixed, so that an external broker keeps our session (and queues QoS 1 messages) while we are down. */
  readonly clientId: string;
  /** Session number of this process (one more than the last one stored). */
  readonly session: number;
  readonly log: Logger;
}

type Handler = (topic: string, payload: Buffer) => void;

/** MQTT link of the cloud. `start()` resolves on the first subscription; reconnects on its own. */
export class CloudLink {
  readonly #o: CloudLinkOptions;
  readonly #sender: Sender;
  #client: MqttClient | undefined;
  #onMessage: Handler = () => undefined;
  #onSubscribed: () => void = () => undefined;

  constructor(options: CloudLinkOptions) {
    this.#o = options;
    this.#sender = createSender({ session: options.session });
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  onMessage(handler: Handler): void {
    this.#onMessage = handler;
  }

  /** Called after every (re)subscription: the cloud asks edges to re-send what it may have missed. */
  onSubscribed(handler: () => void): void {
    this.#onSubscribed = handler;
  }

  async start(): Promise<void> {
    const o = this.#o;
    const client = mqtt.connect(o.url, {
      protocolVersion: 4,
      clientId: o.clientId,
      clean: false,
      username: o.username,
      password: o.password,
      reconnectPeriod: 500,
      connectTimeout: 10_000,
      resubscribe: false,
    });
    this.#client = client;
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    client.on('error', (error) => o.log.warn({ err: error }, 'mqtt error'));
    client.on('offline', () => o.log.warn('broker unreachable; reconnecting'));
    let first = true;
    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        // Subscribe on every connect: a broker restarted without persistence forgot us.
        client.subscribe(
          CLOUD_SUBSCRIPTIONS.map((f) => f),
          { qos: 1 },
          (error) => {
            if (error) {
              o.log.error({ err: error }, 'cloud subscription refused');
              if (first) reject(error);
              return;
            }
            this.#onSubscribed();
            if (first) {
              first = false;
              resolve();
            }
          },
        );
      };
      client.on('connect', onConnect);
      client.once('error', (error) => {
        if (first) reject(error);
      });
    });
  }

  /** Encodes a message with this process's session and seq (validated by the protocol's schemas). */
  encode<K extends 'cmd' | 'receipt'>(kind: K, body: BodyInput<K>): { message: Message<K>; payload: string } {
    return this.#sender.encode(kind, body);
  }

  /** Publishes QoS 1; resolves on PUBACK, rejects when not connected. */
  async publish(platformId: string, kind: 'cmd' | 'receipt', payload: string): Promise<void> {
    const client = this.#client;
    if (!client?.connected) throw new Error('not connected to the broker');
    await client.publishAsync(topicFor(platformId, kind), payload, { qos: 1 });
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.endAsync();
  }
}
