/** Shared fixtures of the link tests: bodies, an observing "cloud" client, a link factory, waitFor. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { ALL_TOPICS_FILTER, createSender, parseTopic, RECEIPTED_KINDS, topics, type BodyInput, type MessageKind } from '@sdfl/protocol';
import { Link, type BirthState, type LinkOptions } from '../../src/link/index';
import type { EdgeDb } from '../../src/store/index';

export const PLATFORM = 'rig-1';
export const CLIENT_ID = `sdfl-edge-${PLATFORM}`;
export const silentLog = pino({ level: 'silent' });

export function birthState(overrides: Partial<BirthState> = {}): BirthState {
  return {
    devices: { pumps: [{ id: 'cuI' }, { id: 'csOleate' }], spectrometers: [], heater: { kind: 'simulated' } },
    capabilities: { offlinePolicies: ['standby'], features: ['plPeakNm'] },
    limits: { temperature: { minC: 20, maxC: 180, ceilingC: 200 }, pumps: {} },
    stage: 'safe',
    safe: true,
    safeReason: 'boot',
    ...overrides,
  };
}

/** A small valid `failed` result for experiment `exp-{i}`. */
export function resultBody(i: number): BodyInput<'result'> {
  const at = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
  return {
    experimentId: `exp-${i}`,
    attempt: 1,
    condition: { temperatureC: 100, cuIUlMin: 10, csOleateUlMin: 10, oaCsUlMin: 1, oaCuIUlMin: 1, oAmUlMin: 1, odeCuIUlMin: 1 },
    flowPlan: { ratesUlMin: { cuI: 10 }, residenceTimeS: 60, reactionTimeS: 60, equilibrationS: 72 },
    warnings: [],
    status: 'failed',
    failure: { reason: 'TIMEOUT' },
    timings: { startedAt: at, finishedAt: at, durations: { totalS: 1 } },
  };
}

export function makeLink(url: string, db: EdgeDb, overrides: Partial<LinkOptions> = {}): Link {
  return new Link({
    platformId: PLATFORM,
    brokerUrl: url,
    keepaliveS: 5,
    reconnectPeriodMs: 100,
    connectTimeoutMs: 2000,
    agentVersion: '0.1.0-test',
    db,
    log: silentLog,
    stateProvider: () => birthState(),
    ...overrides,
  });
}

/** A received payload as JSON: the envelope and an untyped body (assertions look inside). */
export interface WireJson {
  readonly v: number;
  readonly id: string;
  readonly ts: string;
  readonly seq: number;
  readonly session: number;
  readonly body: Record<string, unknown>;
}

/** One message seen by the observer, with its JSON parsed. */
export interface Seen {
  readonly topic: string;
  readonly kind: MessageKind | undefined;
  readonly retain: boolean;
  readonly raw: string;
  readonly json: WireJson;
}

/**
 * A cloud-side client: records everything under `sdfl/v1/#`, can publish raw commands, and (like
 * the cloud once it has stored them) receipts every result and event it sees.
 */
export interface Observer {
  readonly client: MqttClient;
  readonly seen: Seen[];
  /** Envelope ids it has receipted. */
  readonly receipted: Set<string>;
  of(kind: MessageKind): Seen[];
  /** Publishes a receipt for `ids` of `platform` (default {@link PLATFORM}). */
  receipt(ids: string[], resend?: boolean, platform?: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link connectObserver}. */
export interface ObserverOptions {
  /** Receipt every result and event as it arrives. Default true. */
  readonly receipts?: boolean;
}

export async function connectObserver(url: string, clientId = 'observer', options: ObserverOptions = {}): Promise<Observer> {
  const client = await mqtt.connectAsync(url, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 50 });
  const seen: Seen[] = [];
  const receipted = new Set<string>();
  const sender = createSender({ session: 1 });
  const receipt = async (ids: string[], resend?: boolean, platform = PLATFORM) => {
    const { payload } = sender.encode('receipt', { ids, ...(resend === undefined ? {} : { resend }) });
    await client.publishAsync(topics(platform).receipt, payload, { qos: 1 });
    for (const id of ids) receipted.add(id);
  };
  // Batch the receipts of one event-loop turn into one message, as a cloud would after one commit.
  let batch: { platform: string; ids: string[] } | undefined;
  const queueReceipt = (platform: string, id: string) => {
    if (batch !== undefined && batch.platform === platform) {
      batch.ids.push(id);
      return;
    }
    const mine = (batch = { platform, ids: [id] });
    void nextTurn().then(async () => {
      if (batch === mine) batch = undefined;
      await receipt(mine.ids, undefined, platform).catch(() => undefined); // lost: the edge re-sends, we receipt again
    });
  };
  client.on('message', (topic, payload, packet) => {
    const raw = payload.toString('utf8');
    const parsed = parseTopic(topic);
    let json: WireJson;
    try {
      json = JSON.parse(raw) as WireJson;
    } catch {
      json = { v: 0, id: '', ts: '', seq: -1, session: -1, body: {} };
    }
    seen.push({ topic, kind: parsed.ok ? parsed.topic.kind : undefined, retain: packet.retain, raw, json });
    const isReceipted = (RECEIPTED_KINDS as readonly string[]).includes(parsed.ok ? parsed.topic.kind : '');
    if (options.receipts !== false && parsed.ok && isReceipted && json.id !== '') queueReceipt(parsed.topic.platform, json.id);
  });
  await client.subscribeAsync(ALL_TOPICS_FILTER, { qos: 1 });
  return {
    client,
    seen,
    receipted,
    receipt,
    of: (kind) => seen.filter((s) => s.kind === kind),
    async close() {
      await client.endAsync(true);
    },
  };
}

/** Polls `check` until it returns true (or a truthy value), or throws after `timeoutMs`. */
export async function waitFor(check: () => unknown, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
