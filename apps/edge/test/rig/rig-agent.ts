/**
 * The real Agent (runner, commands, poller, inventory, queue store, control loop) with its real
 * drivers attached to a {@link MemoryPlatform}: pumps over fresh in-memory duplex pairs, the HDX
 * drivers over loopback TCP, the control loop inline on the platform's GPIO and thermocouple. The
 * MQTT link is a recorder that validates every published body against the protocol schemas.
 *
 * `crash()` kills the agent the way SIGKILL does: its clock stops firing (no timer, sleep or poll
 * of it ever runs again), its serial and TCP links drop, and no cleanup runs; the platform, and
 * any pump it left running, go on.
 */
import { randomUUID } from 'node:crypto';
import { PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import type { Clock } from '@sdfl/hal';
import { type AckBody, type BodyInput, encodeMessage, type Message } from '@sdfl/protocol';
import { createDuplexPair } from '@sdfl/sim';
import { Agent, type AgentLink } from '../../src/agent/agent';
import { type EdgeConfig, type EdgeConfigInput, parseEdgeConfig } from '../../src/config';
import { ChemyxPump } from '../../src/devices/chemyx-pump';
import { connectTcp, HdxSpectrometer } from '../../src/devices/hdx-spectrometer';
import { Max31855Reader } from '../../src/devices/max31855';
import type { EdgeDb } from '../../src/store/index';
import type { MemoryPlatform } from './memory-platform';

/** A clock that can die: after `kill()` nothing scheduled on it ever settles or fires. */
export class KillableClock implements Clock {
  private dead = false;
  constructor(private readonly inner: Clock) {}
  kill(): void {
    this.dead = true;
  }
  now(): number {
    return this.inner.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.inner.sleep(ms, signal).then(
        () => !this.dead && resolve(),
        (error: unknown) => !this.dead && reject(error as Error),
      );
    });
  }
  every(periodMs: number, fn: () => void, signal?: AbortSignal): () => void {
    return this.inner.every(periodMs, () => !this.dead && fn(), signal);
  }
}

type Published = { result: Message<'result'>[]; event: Message<'event'>[]; telemetry: Message<'telemetry'>[] };

/** The link as a recorder: every body goes through the protocol's encoder (schema-validated). */
export class RecordingLink implements AgentLink {
  isOnline = true;
  readonly published: Published = { result: [], event: [], telemetry: [] };
  private handler: ((cmd: Message<'cmd'>) => Promise<AckBody>) | null = null;
  private seq = 0;
  private waiters: (() => void)[] = [];

  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  onCommand(handler: (cmd: Message<'cmd'>) => Promise<AckBody>): void {
    this.handler = handler;
  }
  publishResult(body: BodyInput<'result'>): void {
    this.record('result', body);
  }
  publishEvent(body: BodyInput<'event'>): void {
    this.record('event', body);
  }
  publishTelemetry(body: BodyInput<'telemetry'>): void {
    this.record('telemetry', body);
  }
  updateState(): void {}

  get results(): Message<'result'>['body'][] {
    return this.published.result.map((m) => m.body);
  }
  get events(): Message<'event'>['body'][] {
    return this.published.event.map((m) => m.body);
  }

  /** Sends a command as the cloud would and returns the agent's ack. */
  async send(body: BodyInput<'cmd'>): Promise<AckBody> {
    if (!this.handler) throw new Error('no command handler');
    return this.handler(encodeMessage('cmd', body, this.envelope()).message);
  }

  /** Resolves once `predicate` holds (checked after every publication), or rejects after `timeoutMs` real ms. */
  async until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.slice(-8))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  private record<K extends keyof Published>(kind: K, body: BodyInput<K>): void {
    const { message } = encodeMessage(kind, body, this.envelope());
    (this.published[kind] as Message<K>[]).push(message);
    for (const w of this.waiters.splice(0)) w();
  }

  private envelope() {
    return { id: randomUUID(), ts: new Date().toISOString(), seq: this.seq++, session: 1 };
  }
}

export interface RigAgent {
  agent: Agent;
  link: RecordingLink;
  config: Readonly<EdgeConfig>;
  pumps: Record<PumpId, ChemyxPump>;
  spectrometers: { absorption: HdxSpectrometer; pl: HdxSpectrometer };
  clock: KillableClock;
  /** Graceful stop (the agent's own stop, then the drivers). */
  stop(): Promise<void>;
  /** SIGKILL: nothing of the agent runs again; links drop; pumps keep whatever they were doing. */
  crash(): Promise<void>;
}

/** Test defaults: short holds, a coarse control period (CPU), fast spectra. */
export function rigConfig(overrides: Partial<EdgeConfigInput> = {}): Readonly<EdgeConfig> {
  return parseEdgeConfig({
    platformId: 'rig-1',
    dataDir: ':memory:',
    ...overrides,
    heater: { holdMs: 5_000, windowMs: 1_000, ...overrides.heater },
    control: { periodMs: 200, ...overrides.control },
    spectrometer: { integrationUs: 50_000, scans: 2, boxcar: 1, ...overrides.spectrometer },
  });
}

/** Opens real drivers on `platform` and starts an Agent over `db`. */
export async function attachAgent(platform: MemoryPlatform, db: EdgeDb, config: Readonly<EdgeConfig>, before?: (r: Omit<RigAgent, 'agent' | 'stop' | 'crash'>) => void): Promise<RigAgent> {
  const clock = new KillableClock(platform.clock);
  const now = () => clock.now();
  const pumps = {} as Record<PumpId, ChemyxPump>;
  for (const id of PUMP_IDS) {
    const [host, device] = createDuplexPair();
    platform.pumps[id].attach(device);
    const pump = new ChemyxPump(host, { name: `pump:${id}`, limits: config.chemistry.pumps[id], contentsMarginUl: config.chemistry.syringeMarginUl, now });
    pump.on('error', () => undefined);
    await pump.connect();
    await pump.stop();
    pumps[id] = pump;
  }
  const hdx = async (role: 'absorption' | 'pl') => {
    const { host, port } = platform.spectrometers[role];
    const s = new HdxSpectrometer(await connectTcp(host, port), { name: `hdx:${role}`, now, acquisitionMarginMs: config.interlocks.spectrometerMarginMs });
    s.on('error', () => undefined);
    await s.connect(config.spectrometer);
    return s;
  };
  const spectrometers = { absorption: await hdx('absorption'), pl: await hdx('pl') };
  const link = new RecordingLink();
  before?.({ link, config, pumps, spectrometers, clock });
  const agent = new Agent({
    config,
    clock,
    devices: { pumps, absorption: spectrometers.absorption, pl: spectrometers.pl },
    control: {
      kind: 'inline',
      gpio: platform.gpio,
      reader: new Max31855Reader({ readWord: () => platform.thermocouple.read(), now }),
      levels: { shutterOpenLevel: platform.gpio.shutterOpenLevel, estopActiveLevel: 1 },
    },
    db,
    link: () => link,
  });
  await agent.start();
  const closeDrivers = async () => {
    await Promise.allSettled([...PUMP_IDS.map((id) => pumps[id].close()), spectrometers.absorption.close(), spectrometers.pl.close()]);
  };
  return {
    agent,
    link,
    config,
    pumps,
    spectrometers,
    clock,
    async stop() {
      await agent.stop();
      await closeDrivers();
    },
    async crash() {
      clock.kill();
      await closeDrivers();
    },
  };
}
