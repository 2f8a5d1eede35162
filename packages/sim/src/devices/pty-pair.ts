import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimDeviceError } from './device-error';

/** A pair of linked pseudo-terminals made by socat: bytes written to one end are read at the other. */
export interface PtyPair {
  /** Symlink to the PTY the emulator opens. */
  readonly emulatorPath: string;
  /** Symlink to the PTY the driver opens (what a real pump's /dev/ttyUSBn would be). */
  readonly driverPath: string;
  /** socat's process id. */
  readonly pid: number;
  /** False once socat has exited (killed, or both ends closed). */
  readonly alive: boolean;
  /** Kills socat (links vanish; an open driver port gets EIO) and removes the temporary directory. */
  stop(): Promise<void>;
}

export interface PtyPairOptions {
  /** Directory for the two links. Default: a fresh directory under the OS temp dir, removed on stop. */
  dir?: string;
  /** Link names inside `dir`. Default 'a' (emulator) and 'b' (driver). */
  names?: [string, string];
  /** How long to wait for socat to create both links, ms. Default 2000. */
  timeoutMs?: number;
  /** socat binary. Default 'socat' from PATH. */
  socatPath?: string;
}

const SOCAT_HINT = 'socat is required for serial-device emulation over pseudo-terminals: apt-get install socat';

/** True when a socat binary can be run. */
export function hasSocat(socatPath = 'socat'): boolean {
  const r = spawnSync(socatPath, ['-V'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** Throws SimDeviceError('SOCAT_MISSING') with the install hint when socat is absent. */
export function requireSocat(socatPath = 'socat'): void {
  if (!hasSocat(socatPath)) throw new SimDeviceError('SOCAT_MISSING', SOCAT_HINT);
}

/**
 * Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and resolves once both links
 * exist. Raw mode with echo off is essential (docs/devices.md §1): a cooked PTY echoes and turns `\r`
 * into `\n`, which would fake or hide the pump's own echo and line-ending rules.
 *
 * @example
 * const pty = await startPtyPair();
 * const port = new SerialPort({ path: pty.driverPath, baudRate: 38400 });
 * // ... later
 * await pty.stop();
 */
export async function startPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const socatPath = options.socatPath ?? 'socat';
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sdfl-pty-')));
  const [nameA, nameB] = options.names ?? ['a', 'b'];
  const emulatorPath = join(dir, nameA);
  const driverPath = join(dir, nameB);
  const timeoutMs = options.timeoutMs ?? 2000;

  let child: ChildProcess;
  try {
    child = await spawnSocat(socatPath, emulatorPath, driverPath);
  } catch (err) {
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let alive = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((alive = false), resolve())));
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-2000)));

  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(emulatorPath) && existsSync(driverPath))) {
    if (!alive || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      if (ownDir) await rm(dir, { recursive: true, force: true });
      throw new SimDeviceError('PTY_START', `socat did not create ${emulatorPath} and ${driverPath} within ${timeoutMs} ms: ${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }

  return {
    emulatorPath,
    driverPath,
    pid: child.pid ?? -1,
    get alive() {
      return alive;
    },
    async stop() {
      // SIGTERM lets socat unlink its links itself; the rm below covers a socat that died hard.
      if (alive) child.kill('SIGTERM');
      await exited;
      await Promise.all([rm(emulatorPath, { force: true }), rm(driverPath, { force: true })]);
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

// socat children still running; killed if this process exits without stop(), so no PTY outlives it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

function spawnSocat(socatPath: string, a: string, b: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(socatPath, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.once('spawn', () => {
      live.add(child);
      child.once('exit', () => live.delete(child));
      resolve(child);
    });
    // `on`, not `once`: an 'error' after spawn (a failed kill) must not crash the process.
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new SimDeviceError('SOCAT_MISSING', SOCAT_HINT, { cause: err }) : err);
    });
  });
}
