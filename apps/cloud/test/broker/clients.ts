/**
 * Real mqtt.js clients (MQTT 3.1.1) for the broker tests, with bounded waits.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { platformClientId } from '../../src/broker/identity';

/** A connected client plus everything it received, in order. */
export interface TestClient {
  readonly client: MqttClient;
  readonly received: { topic: string; payload: string; retain: boolean }[];
  /** Resolves with the first received message matching `predicate` (also already received ones). */
  waitFor(predicate: (m: { topic: string; payload: string }) => boolean, timeoutMs?: number): Promise<{ topic: string; payload: string }>;
  /** Subscribes; resolves with the granted QoS per filter (128 = refused). */
  subscribe(filters: string[]): Promise<number[]>;
  end(): Promise<void>;
}

/** Connect options: no reconnect (a refused or dropped client stays down), QoS 1 capable, clean session. */
export function options(username: string | undefined, password: string | undefined, clientId: string): IClientOptions {
  return {
    protocolVersion: 4,
    clientId,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    clean: true,
  };
}

let counter = 0;

/** Connects as the cloud (any client id outside `sdfl-edge-`). */
export function connectCloud(url: string, password: string): Promise<TestClient> {
  counter += 1;
  return connectClient(url, options('sdfl-cloud', password, `sdfl-cloud-test-${process.pid}-${counter}`));
}

/** Connects as a platform, with the client id the broker expects of it. */
export function connectPlatform(url: string, id: string, password: string): Promise<TestClient> {
  return connectClient(url, options(id, password, platformClientId(id)));
}

/** Connects with raw options; rejects with mqtt.js's error (`code` = CONNACK return code) when refused. */
export async function connectClient(url: string, opts: IClientOptions): Promise<TestClient> {
  const client = await mqtt.connectAsync(url, opts);
  const received: TestClient['received'] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    received.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
    for (const wake of waiters) wake();
  });
  client.on('error', () => undefined);
  return {
    client,
    received,
    waitFor: (predicate, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find(predicate);
          if (hit === undefined) return;
          cleanup();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    subscribe: async (filters) => {
      try {
        const granted = await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])));
        return filters.map((f) => granted.find((g) => g.topic === f)?.qos ?? -1);
      } catch (error) {
        // mqtt.js rejects when any filter was refused; the SUBACK (in SUBSCRIBE order) rides on the error.
        const granted = (error as { packet?: { granted?: unknown } }).packet?.granted;
        if (!Array.isArray(granted)) throw error;
        return granted.map((g) => (typeof g === 'number' ? g : -1));
      }
    },
    end: async () => {
      await client.endAsync(true);
    },
  };
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Waits `ms` (a bounded grace period for messages that must not arrive). */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The CONNACK return code of a refused connect, `'connected'` (then the client is closed), or the error message of a failed one. */
export async function connectOutcome(url: string, opts: IClientOptions): Promise<number | string> {
  try {
    const c = await connectClient(url, opts);
    await c.end();
    return 'connected';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' ? code : String((error as Error).message);
  }
}
