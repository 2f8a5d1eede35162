/**
 * The mqtt.js side of the link: connect options and the two places where mqtt.js needs help
 * because the durable outbox, not mqtt.js, owns QoS 1 delivery.
 *
 * @module
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { LinkError } from './errors';
import type { LinkOptions } from './link-options';
import { NullStore } from './null-store';

/** A CONNECT will (topic, payload, QoS, retain). */
export type MqttWill = NonNullable<IClientOptions['will']>;

/**
 * mqtt.js options of the link.
 *
 * @param will - the `offline` state of the session this CONNECT opens (replaced before each reconnect).
 */
export function mqttClientOptions(o: LinkOptions, will: MqttWill): IClientOptions {
  return {
    // Fixed per platform: the broker resumes a session by client id (MQTT 3.1.1 section 3.1.3.1).
    clientId: o.clientId ?? `sdfl-edge-${o.platformId}`,
    // A persistent session (section 3.1.2.4): the broker keeps our cmd subscription and queues the
    // QoS 1 commands sent while we are away, and delivers them when we return.
    clean: false,
    // aedes 1.x speaks MQTT 3.1.1 only (protocol level 4, section 3.1.2.2); it refuses v5 CONNECTs.
    protocolVersion: 4,
    keepalive: o.keepaliveS,
    reconnectPeriod: o.reconnectPeriodMs,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
    // Re-subscribe when the broker lost our session (CONNACK session present = 0).
    resubscribe: true,
    // While offline, mqtt.js would queue QoS 0 packets (stale telemetry) and keep QoS 1 packets in
    // its in-memory store, re-sending them itself on reconnect. The durable outbox is our only
    // queue: it survives a crash and keeps one order. Two queues would duplicate every in-flight
    // message on the wire after a reconnect. See null-store.ts.
    queueQoSZero: false,
    outgoingStore: new NullStore(),
    will,
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.password === undefined ? {} : { password: o.password }),
  };
}

/**
 * The will: retained (so a late subscriber sees the platform is gone, section 3.1.2.7) and QoS 1.
 * Like Sparkplug B's NDEATH it carries the session (bdSeq) of its birth.
 */
export function willMessage(stateTopic: string, payload: string): MqttWill {
  return { topic: stateTopic, payload: Buffer.from(payload), qos: 1, retain: true };
}

/**
 * Settles the callbacks of QoS 1 publishes that a closed connection left unacknowledged. mqtt.js
 * keeps one per packet id and, with {@link NullStore}, never replays (nor settles) them; the outbox
 * re-sends those messages on the next connection under new packet ids. Same as mqtt.js's own
 * flush for clean sessions, applied to `publish` entries only (subscriptions are mqtt.js's).
 */
export function settleOrphanedPublishes(client: MqttClient): void {
  const { outgoing } = client;
  for (const key of Object.keys(outgoing)) {
    const id = Number(key);
    const entry = outgoing[id];
    if (entry?.cmd !== 'publish') continue;
    delete outgoing[id];
    entry.cb(new LinkError('DISCONNECTED', 'connection closed before PUBACK'));
  }
}

/** Resolves with `promise`'s value, or `undefined` after `ms` milliseconds. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
