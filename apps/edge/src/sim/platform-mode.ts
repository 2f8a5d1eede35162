/**
 * `sdfl-edge --sim`: the simulated platform as a real edge that a cloud commands, in its own
 * process. No operator queues anything: the agent boots into SAFE and waits for commands on
 * `sdfl/v1/{platform}/cmd`. One line goes to stdout once it is first online; logs go to stderr.
 * SIGINT/SIGTERM stop it gracefully (SAFE outputs, retained `offline`/`shutdown` state, exit 0).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { startSim } from './start-sim';

/** Options of {@link runPlatform} (the CLI flags of platform mode). */
export interface PlatformModeOptions {
  /** External broker; absent = an embedded aedes on an ephemeral loopback port (local play). */
  brokerUrl?: string;
  /** Platform id (topic level and MQTT client id `sdfl-edge-{id}`). Default `sim-1`. */
  platformId?: string;
  /** MQTT username. */
  username?: string;
  /** MQTT password (from `SDFL_MQTT_PASSWORD` or a file, never a flag). */
  password?: string;
  /** Simulated seconds per real second. Default 20. */
  speed?: number;
  /** Seed of the reactor noise (and of the variant draw). Default 1. */
  seed?: number;
  /** Reactor response variant (0 = documented response). Default 0. */
  variant?: number;
  /** Where the outbox, queue and settings live. Default `.data/sim/{platformId}`. */
  dataDir?: string;
  /** Where the one status line goes. Default stdout. */
  print?: (line: string) => void;
  /** Default pino on stderr at `SDFL_LOG_LEVEL` (default `info`). */
  log?: Logger;
  /** Resolves when the platform should stop; default the first SIGINT or SIGTERM. */
  stopSignal?: Promise<string>;
}

/**
 * The MQTT password of platform mode: `--password-file` (first line) wins over `SDFL_MQTT_PASSWORD`.
 *
 * @throws {Error} when the file cannot be read or is empty.
 */
export function readPassword(passwordFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (passwordFile === undefined) return env.SDFL_MQTT_PASSWORD === '' ? undefined : env.SDFL_MQTT_PASSWORD;
  const first = readFileSync(passwordFile, 'utf8').split(/\r?\n/)[0] ?? '';
  if (first === '') throw new Error(`--password-file ${passwordFile}: empty first line`);
  return first;
}

/** A broker URL fit for printing: any user:password part removed. */
export function printableUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** Resolves with the name of the first SIGINT or SIGTERM; a second one exits at once (status 130). */
export function firstStopSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) {
        log.error({ signal }, 'second signal: exiting without a clean stop');
        process.exit(130);
      }
      seen = true;
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Runs one simulated platform until a stop signal; returns the exit status (0 after a clean stop).
 *
 * @example
 * ```ts
 * process.exitCode = await runPlatform({ brokerUrl: 'mqtt://127.0.0.1:1883', platformId: 'sim-2', speed: 20 });
 * ```
 */
export async function runPlatform(options: PlatformModeOptions = {}): Promise<number> {
  const log = options.log ?? pino({ level: process.env.SDFL_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const platformId = options.platformId ?? 'sim-1';
  const speed = options.speed ?? 20;
  const stopSignal = options.stopSignal ?? firstStopSignal(log);
  const sim = await startSim({
    ...(options.brokerUrl === undefined ? {} : { brokerUrl: options.brokerUrl }),
    speed,
    seed: options.seed ?? 1,
    variant: options.variant ?? 0,
    log,
    config: {
      platformId,
      dataDir: options.dataDir ?? `.data/sim/${platformId}`,
      broker: {
        ...(options.username === undefined ? {} : { username: options.username }),
        ...(options.password === undefined ? {} : { password: options.password }),
      },
    },
  });
  const brokerUrl = printableUrl(sim.config.broker.url);
  const announce = () => print(`sdfl-edge: platform ${platformId} online (broker ${brokerUrl}, sim speed x${speed})`);
  if (sim.link.isOnline) announce();
  else sim.link.once('online', announce);
  log.info({ platformId, broker: brokerUrl, speed, seed: options.seed ?? 1, variant: options.variant ?? 0, dataDir: sim.config.dataDir }, 'simulated platform started; SAFE until a clearSafe command');

  const signal = await stopSignal;
  log.info({ signal }, 'stopping: SAFE outputs, offline state');
  try {
    await sim.stop();
  } catch (error) {
    log.error({ err: error }, 'unclean stop');
    return 1;
  }
  log.info('stopped');
  return 0;
}
