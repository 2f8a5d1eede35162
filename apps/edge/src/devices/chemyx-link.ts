/**
 * Request/reply link to one Chemyx pump over a serial-like duplex (docs/devices.md §1): frames replies on
 * the `>` prompt, keeps one command in flight, times out in real time, and turns transport trouble
 * into typed errors. It knows no pump verbs; `chemyx-pump.ts` does.
 */
import { EventEmitter } from 'node:events';
import { DelimiterParser } from '@serialport/parser-delimiter';
import { SerialPort } from 'serialport';
import { DeviceDisconnectedError, DeviceError, DeviceNackError, DeviceTimeoutError } from './errors';
import { INVALID_COMMAND, isEchoOfOther, isInvalidCommand, replyLines } from './chemyx-codec';

/**
 * What the link needs from a transport: a `SerialPort`, a `SerialPortMock`, a PTY-backed port or an
 * in-memory `Duplex` all fit. Bytes arrive as `'data'` events; `'close'`/`'error'` mean the link is gone.
 */
export interface SerialTransport extends NodeJS.EventEmitter {
  write(chunk: string | Buffer, callback?: (error: Error | null | undefined) => void): boolean;
  /** serialport: false once closed. */
  readonly isOpen?: boolean;
  /** stream.Duplex: true once destroyed. */
  readonly destroyed?: boolean;
  close?(callback?: (err: Error | null) => void): void;
  destroy?(error?: Error): unknown;
}

/**
 * Open a real serial port, 8N1 without flow control (docs/devices.md §1 [V]). The baud rate is chosen on
 * the pump, so it is a config value (9600 or 38400 in the vendor's pages).
 * @throws DeviceDisconnectedError when the port cannot be opened.
 */
export async function openSerialTransport(path: string, baudRate: number, device = path): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false, xon: false, xoff: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => (err ? reject(new DeviceDisconnectedError(device, `cannot open ${path}`, { cause: err })) : resolve()));
  });
  return port;
}

const swallow = (): void => undefined;

interface Pending {
  command: string;
  resolve: (lines: string[]) => void;
  reject: (e: DeviceError) => void;
  timer: NodeJS.Timeout;
}

/** Events: `'frame-discarded'` (text) for stale or unsolicited replies, `'disconnect'` (error). */
export class ChemyxLink extends EventEmitter {
  private transport: SerialTransport | undefined;
  private parser: DelimiterParser | undefined;
  /** Commands written and awaiting their `>`, oldest first (more than one only after an urgent write). */
  private inFlight: Pending[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Consecutive timeouts; the `pump link lost` interlock (docs/devices.md §6) reads it. */
  consecutiveTimeouts = 0;

  constructor(
    readonly device: string,
    /** Reply timeout, ms, real time (default 1000: "wait for `>` with a timeout (~1 s)", docs/devices.md §1). */
    readonly timeoutMs = 1000,
  ) {
    super();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    this.parser?.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  };
  private readonly onClose = (): void => this.lost(new DeviceDisconnectedError(this.device, 'transport closed'));
  private readonly onError = (err: Error): void => this.lost(new DeviceDisconnectedError(this.device, `transport error: ${err.message}`, { cause: err }));

  /** True while a transport is attached and not closed. */
  get isOpen(): boolean {
    const t = this.transport;
    return t !== undefined && !this.closed && t.isOpen !== false && t.destroyed !== true;
  }

  /** Attach a transport (replacing any previous one, which is detached but not closed). */
  attach(transport: SerialTransport): void {
    this.detach();
    this.transport = transport;
    this.closed = false;
    // The prompt has no newline [E]: frame on `>`, never on lines.
    const parser = new DelimiterParser({ delimiter: '>' });
    parser.on('data', (frame: Buffer) => this.onFrame(frame.toString('latin1')));
    this.parser = parser;
    transport.on('data', this.onData);
    transport.on('close', this.onClose);
    transport.on('error', this.onError);
  }

  /** Detach from the transport without closing it; a pending command fails with DISCONNECTED. */
  detach(): SerialTransport | undefined {
    const t = this.transport;
    if (t) {
      t.off('data', this.onData);
      t.off('close', this.onClose);
      t.off('error', this.onError);
      // An 'error' event with no listener would throw: a dying port must never crash the agent.
      if (!t.listeners('error').includes(swallow)) t.on('error', swallow);
    }
    this.parser?.removeAllListeners('data');
    this.parser?.destroy();
    this.parser = undefined;
    this.transport = undefined;
    this.failPending(new DeviceDisconnectedError(this.device, 'transport detached'));
    return t;
  }

  /**
   * Send one command line (already formatted, `\r` terminated) and resolve with its reply lines
   * (echo stripped). Commands queue: one in flight at a time. An `urgent` command (the SAFE
   * state's `stop`) is written at once, even with another in flight: the pump answers commands in
   * order, so replies are matched first-in first-out, and the stop never waits behind a poll.
   * @throws DeviceTimeoutError (no `>` in `timeoutMs`), DeviceDisconnectedError, DeviceNackError (`Invalid Command!`).
   */
  request(command: string, options: { urgent?: boolean } = {}): Promise<string[]> {
    if (options.urgent) return this.exchange(command);
    const run = (): Promise<string[]> => this.exchange(command);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private exchange(command: string): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const transport = this.transport;
      if (!transport || !this.isOpen) {
        reject(new DeviceDisconnectedError(this.device, `not connected (command ${JSON.stringify(command.trim())})`));
        return;
      }
      const timer = setTimeout(() => {
        const i = this.inFlight.findIndex((p) => p.timer === timer);
        if (i < 0) return;
        this.inFlight.splice(i, 1);
        this.consecutiveTimeouts++;
        reject(new DeviceTimeoutError(this.device, `no '>' prompt within ${this.timeoutMs} ms after ${JSON.stringify(command.trim())}`, this.timeoutMs));
      }, this.timeoutMs);
      this.inFlight.push({ command, resolve, reject, timer });
      try {
        transport.write(command, (err) => {
          if (err) this.failPending(new DeviceDisconnectedError(this.device, `write failed: ${err.message}`, { cause: err }));
        });
      } catch (err) {
        this.failPending(new DeviceDisconnectedError(this.device, 'write failed', { cause: err }));
      }
    });
  }

  private onFrame(frame: string): void {
    const p = this.inFlight[0];
    // A reply after its command timed out, or the echo of another command, is stale: drop it rather
    // than attribute it to the command now in flight.
    if (!p || isEchoOfOther(frame, p.command)) {
      this.emit('frame-discarded', frame);
      return;
    }
    const lines = replyLines(frame, p.command);
    // An empty frame is a bare prompt (e.g. after power-up or a stray `\r`); keep waiting.
    if (lines.length === 0 && frame.trim().length === 0) {
      this.emit('frame-discarded', frame);
      return;
    }
    clearTimeout(p.timer);
    this.inFlight.shift();
    this.consecutiveTimeouts = 0;
    if (isInvalidCommand(lines)) {
      p.reject(new DeviceNackError(this.device, `${INVALID_COMMAND} for ${JSON.stringify(p.command.trim())}`, 0, 'INVALID_COMMAND'));
    } else {
      p.resolve(lines);
    }
  }

  private failPending(e: DeviceError): void {
    const failed = this.inFlight;
    this.inFlight = [];
    for (const p of failed) {
      clearTimeout(p.timer);
      p.reject(e);
    }
  }

  private lost(e: DeviceError): void {
    if (this.closed) return;
    this.closed = true;
    this.failPending(e);
    this.emit('disconnect', e);
  }

  /** Detach and close the transport (if it can be closed). Never throws. */
  async close(): Promise<void> {
    const t = this.detach();
    this.closed = true;
    if (!t) return;
    await new Promise<void>((resolve) => {
      try {
        if (t.close && t.isOpen !== false) t.close(() => resolve());
        else if (t.destroy) {
          t.destroy();
          resolve();
        } else resolve();
      } catch {
        resolve();
      }
    });
  }
}
