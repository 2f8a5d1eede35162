/**
 * A real Mosquitto for tests: started on a spare loopback port with the password and ACL files a
 * test wrote (see `writeMosquittoFiles`), stopped and cleaned up by the test.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { pathCandidates, requireBinary } from './require-binary';

/**
 * Path of the mosquitto binary, or `undefined` (suite skipped) when it is missing outside CI.
 * Under CI=true a missing binary throws `mosquitto not found: apt-get install mosquitto`.
 */
export function requireMosquitto(): string | undefined {
  return requireBinary('mosquitto', pathCandidates('mosquitto', ['/usr/sbin', '/usr/local/sbin']), 'apt-get install mosquitto');
}

/** Options of {@link startMosquitto}. */
export interface StartMosquittoOptions {
  /** The mosquitto binary (from {@link requireMosquitto}). */
  readonly binary: string;
  /** Password file to use (absolute path). */
  readonly passwordFile: string;
  /** ACL file to use (absolute path). */
  readonly aclFile: string;
  /**
   * A mosquitto.conf to start from (e.g. infra/cloud/mosquitto.conf). Its `listener`,
   * `password_file`, `acl_file`, `persistence*`, `log_dest`, `pid_file` and `user` lines are
   * replaced by the test's own; everything else is kept. Default: a minimal config.
   */
  readonly baseConfig?: string;
  /** How long to wait for the listener, ms. Default 10000. */
  readonly startTimeoutMs?: number;
}

/** A running test Mosquitto. */
export interface TestMosquitto {
  /** `mqtt://127.0.0.1:{port}`. */
  readonly url: string;
  readonly port: number;
  /** Re-reads the password and ACL files (SIGHUP). Resolves after the signal, not after the reload. */
  reload(): Promise<void>;
  /** Everything mosquitto logged so far. */
  log(): Promise<string>;
  /** SIGTERM (SIGKILL after 5 s), then removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

const REPLACED = /^\s*(listener|port|bind_address|password_file|acl_file|persistence\w*|autosave\w*|log_dest|pid_file|user)\b/;

function configText(base: string | undefined, o: { port: number; dir: string; passwordFile: string; aclFile: string }): string {
  const kept = (base ?? 'allow_anonymous false\n').split('\n').filter((line) => !REPLACED.test(line));
  return [
    ...kept,
    '# test overrides',
    `listener ${o.port} 127.0.0.1`,
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    'persistence false',
    `log_dest file ${join(o.dir, 'mosquitto.log')}`,
    // Started as root, mosquitto switches to user `mosquitto`, which could not read our temp files.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    '',
  ].join('\n');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts mosquitto on a spare 127.0.0.1 port and resolves once it accepts TCP connections.
 *
 * @throws when mosquitto exits during start-up (the message carries its log) or does not listen in time.
 */
export async function startMosquitto(options: StartMosquittoOptions): Promise<TestMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'sdfl-mosquitto-'));
  const port = await freePort();
  const confPath = join(dir, 'mosquitto.conf');
  await writeFile(confPath, configText(options.baseConfig, { port, dir, ...options }));
  let stderr = '';
  const child = spawn(options.binary, ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const readLog = async () => `${stderr}${await readFile(join(dir, 'mosquitto.log'), 'utf8').catch(() => '')}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const log = await readLog();
      await stop();
      throw new Error(`mosquitto did not start on port ${port}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    reload: async () => void child.kill('SIGHUP'),
    log: readLog,
    stop,
  };
}
