import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Clock,
  createReactorModel,
  createSimulatedPlatform,
  ReactorSimulation,
  type SimulatedPlatform,
  type SimulatedPlatformOptions,
  VirtualClock,
} from '@sdfl/sim';
import { pino, type Logger } from 'pino';
import { Agent, type ControlSetup } from '../agent/agent';
import { type OpenDevices, openSimulatedDevices, simulatedControl } from '../agent/devices';
import { linkFor } from '../agent/link-factory';
import { type EdgeConfig, type EdgeConfigInput, parseEdgeConfig } from '../config';
import type { Link } from '../link/index';
import { type EdgeDb, openEdgeDb } from '../store/index';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';

export interface SimOptions {
  /** Edge config overrides; platformId defaults to `sim-1`. */
  config?: Partial<EdgeConfigInput>;
  /** Broker to use; default: an embedded aedes on an ephemeral port. */
  brokerUrl?: string;
  /** Sim time per real time. Default 20. */
  speed?: number;
  seed?: number;
  /**
   * Reactor response variant for a platform started here: 0 (default) = the documented response,
   * n >= 1 = optimum locations and sensitivities drawn from (`seed`, n) (`@sdfl/sim` drawResponseParams).
   */
  variant?: number;
  /** Shared clock (tests); default a VirtualClock at `speed`. */
  clock?: Clock;
  /** Reuse a running platform (an agent restart against the same reactor). */
  platform?: SimulatedPlatform;
  /** Options for a platform started here (e.g. faster pump replies in tests). */
  platformOptions?: Partial<SimulatedPlatformOptions>;
  /** Where the control loop runs; default inline on the platform's GPIO and thermocouple (`simulatedControl`). */
  control?: ControlSetup;
  log?: Logger;
}

export interface RunningSim {
  config: Readonly<EdgeConfig>;
  clock: Clock;
  platform: SimulatedPlatform;
  broker: EmbeddedBroker | null;
  devices: OpenDevices;
  db: EdgeDb;
  agent: Agent;
  /** The agent's MQTT link (events `online`, `offline`, `empty`). */
  link: Link;
  /** Stops the agent, devices and database; the platform and broker only if this call started them. */
  stop(): Promise<void>;
}

/** Sim defaults: the in-memory GPIO's e-stop reads 1 when pressed; shorter heater hold so demos move. */
export function simConfig(overrides: Partial<EdgeConfigInput> = {}, brokerUrl: string): Readonly<EdgeConfig> {
  return parseEdgeConfig({
    platformId: 'sim-1',
    dataDir: '.data/sim',
    ...overrides,
    broker: { url: brokerUrl, ...overrides.broker },
    devices: undefined,
    heater: { holdMs: 20_000, ...overrides.heater },
  });
}

/**
 * `sdfl-edge --sim`: a simulated platform (pumps on PTYs, spectrometers on TCP, heater plant),
 * a broker, and the real agent with its real drivers against them.
 */
export async function startSim(options: SimOptions = {}): Promise<RunningSim> {
  const log = options.log ?? pino({ level: process.env.SDFL_LOG_LEVEL ?? 'error' });
  const broker = options.brokerUrl ? null : await startEmbeddedBroker();
  const config = simConfig(options.config, options.brokerUrl ?? broker!.url);
  const clock = options.clock ?? options.platform?.clock ?? new VirtualClock({ speed: options.speed ?? 20 });
  const seed = options.seed ?? 1;
  const reactor = options.variant ? { reactor: new ReactorSimulation(createReactorModel({ seed, variant: options.variant })) } : {};
  const platform = options.platform ?? (await createSimulatedPlatform({ clock, seed, chemistry: config.chemistry, ...reactor, ...options.platformOptions }));
  const devices = await openSimulatedDevices(config, platform);
  if (config.dataDir !== ':memory:') mkdirSync(config.dataDir, { recursive: true });
  const db = openEdgeDb(config.dataDir === ':memory:' ? ':memory:' : join(config.dataDir, 'edge.db'));
  let link!: Link;
  const agent = new Agent({
    config,
    clock,
    devices,
    control: options.control ?? simulatedControl(platform),
    db,
    link: (state) => (link = linkFor(config, db, log)(state)),
    log: log.child({ name: 'edge:agent' }),
  });
  await agent.start();
  return {
    config,
    clock,
    platform,
    broker,
    devices,
    db,
    agent,
    link,
    async stop() {
      await agent.stop();
      await devices.close();
      db.close();
      if (!options.platform) await platform.stop();
      await broker?.close();
    },
  };
}
