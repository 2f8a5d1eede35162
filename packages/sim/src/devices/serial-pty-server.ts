import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { type PtyPair, startPtyPair } from './pty-pair';

/** Anything that speaks a serial protocol on a byte stream (ChemyxPumpEmulator). */
export interface SerialDevice {
  attach(stream: Duplex): void;
}

/** A serial device served on a socat PTY pair: what a USB-serial adapter is to a real pump. */
export interface SerialPtyLink {
  /** Path the driver opens (stable across `reconnect()`). */
  readonly path: string;
  /** socat's process id (changes on reconnect). */
  readonly pid: number;
  /** False after `disconnect()`, a device-side close, or `stop()`. */
  readonly connected: boolean;
  /** Unplugs the link: socat is killed, so the driver's port fails with EIO on its next write. */
  disconnect(): Promise<void>;
  /** Plugs it back in at the same path (the driver must reopen its port). */
  reconnect(): Promise<void>;
  /** Closes everything and removes the links. Idempotent. */
  stop(): Promise<void>;
}

export interface ServeOnPtyOptions {
  /** Baud rate of the emulator's end (a PTY ignores it; it is a pump setting, docs/devices.md §1). Default 38400. */
  baudRate?: number;
  /** Directory of the links. Default: a fresh temp directory, removed on stop. */
  dir?: string;
  /** Link names (emulator end, driver end). Default ['device', 'host']. */
  names?: [string, string];
}

/**
 * Serves `device` over a socat PTY pair: the device gets a `serialport` on one end, the driver
 * opens `link.path` with `serialport` like a real `/dev/ttyUSBn`. If the device closes its stream
 * (its `disconnect()` fault) the link goes down as an unplugged adapter would.
 *
 * @example
 * const link = await serveOnPty(pump, { baudRate: 9600 });
 * const port = new SerialPort({ path: link.path, baudRate: 9600 });
 */
export async function serveOnPty(device: SerialDevice, options: ServeOnPtyOptions = {}): Promise<SerialPtyLink> {
  const baudRate = options.baudRate ?? 38_400;
  const names = options.names ?? ['device', 'host'];
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sdfl-serial-')));
  let pty: PtyPair | null = null;
  let port: SerialPort | null = null;
  let stopped = false;

  const down = async (): Promise<void> => {
    const [p, s] = [port, pty];
    port = null;
    pty = null;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
    p?.destroy();
    await s?.stop();
  };

  const up = async (): Promise<void> => {
    const pair = await startPtyPair({ dir, names });
    pty = pair;
    const p = new SerialPort({ path: pair.emulatorPath, baudRate, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => p.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      await down();
      throw err;
    }
    port = p;
    // The device closing its end (disconnect fault) takes the whole link down.
    p.once('close', () => void (port === p && down()));
    device.attach(p);
  };

  try {
    await up();
  } catch (err) {
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    path: join(dir, names[1]),
    get pid() {
      return pty?.pid ?? -1;
    },
    get connected() {
      return pty?.alive === true && port !== null;
    },
    disconnect: down,
    async reconnect() {
      if (stopped || port) return;
      await up();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await down();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
