/**
 * A simulated platform as its own process: `sdfl-edge --sim` with the broker URL, its platform id
 * and credentials (the password through the environment, never argv). Its output goes to a log file.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `apps/edge/bin/sdfl-edge.js` of this checkout; `SDFL_EDGE_BIN` overrides it. */
export const EDGE_BIN = process.env.SDFL_EDGE_BIN ?? fileURLToPath(new URL('../../../edge/bin/sdfl-edge.js', import.meta.url));

/** Options of {@link spawnSimEdge}. */
export interface SimEdgeOptions {
  readonly platformId: string;
  readonly password: string;
  readonly brokerUrl: string;
  /** Simulated seconds per real second. */
  readonly speed: number;
  readonly seed: number;
  readonly dataDir: string;
  /** Where stdout and stderr go. */
  readonly logFile: string;
}

/** A running edge process. */
export interface SimEdge {
  readonly platformId: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** SIGTERM (the edge applies SAFE and publishes its offline state), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

/** Starts `sdfl-edge --sim` as a platform that the cloud commands. */
export function spawnSimEdge(o: SimEdgeOptions): SimEdge {
  const args = [EDGE_BIN, '--sim', '--broker', o.brokerUrl, '--platform-id', o.platformId, '--username', o.platformId, '--speed', String(o.speed), '--seed', String(o.seed), '--data-dir', o.dataDir];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, SDFL_MQTT_PASSWORD: o.password },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches the cloud, which then stops each edge in order.
    detached: true,
  });
  const log = createWriteStream(o.logFile, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    platformId: o.platformId,
    child,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
