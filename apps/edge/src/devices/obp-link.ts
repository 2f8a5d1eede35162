/**
 * Request/reply link for OBP over a byte stream (a `net.Socket`, docs/devices.md §2): one request in
 * flight, replies matched by message type, stale frames dropped, real-time timeouts, NACK and
 * socket loss turned into typed errors. It knows no HDX verbs; `hdx-spectrometer.ts` does.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { DeviceDisconnectedError, DeviceError, DeviceTimeoutError } from './errors';
import { encodeFrame, isNack, nackError, type ObpFrame, ObpDecoder } from './obp-codec';

interface Pending {
  messageType: number;
  resolve: (f: ObpFrame) => void;
  reject: (e: DeviceError) => void;
  timer: NodeJS.Timeout;
}

/**
 * Events: `'frame-discarded'` (frame), `'disconnect'` (error), `'unsolicited-error'` (a PROTOCOL
 * error while nothing was pending). Never emits `'error'`.
 */
export class ObpLink extends EventEmitter {
  private readonly decoder: ObpDecoder;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private inflight: Promise<ObpFrame> | undefined;
  private closed = false;
  private attached = false;
  private pendingAtTimeout = -1;

  constructor(
    readonly device: string,
    private readonly socket: Duplex,
    /** Send MD5 checksums on requests. Default false. */
    private readonly checksum = false,
  ) {
    super();
    this.decoder = new ObpDecoder(device);
  }

  private readonly onData = (chunk: Buffer): void => {
    for (const item of this.decoder.push(chunk)) {
      if (item instanceof DeviceError) this.settle(undefined, item);
      else this.onFrame(item);
    }
  };
  private readonly onClose = (): void => this.lost(new DeviceDisconnectedError(this.device, 'socket closed'));
  private readonly onError = (err: Error): void => this.lost(new DeviceDisconnectedError(this.device, `socket error: ${err.message}`, { cause: err }));

  /** True while attached and the socket is up. */
  get isOpen(): boolean {
    return this.attached && !this.closed && !this.socket.destroyed;
  }

  /** Message type of the request in flight, if any. */
  get inFlightType(): number | undefined {
    return this.pending?.messageType;
  }

  /** Start listening to the socket (idempotent). */
  attach(): void {
    if (this.attached) return;
    this.socket.on('data', this.onData);
    this.socket.on('close', this.onClose);
    this.socket.on('end', this.onClose);
    this.socket.on('error', this.onError);
    this.attached = true;
  }

  /**
   * Queue one request and resolve with its reply frame. NACK -> DeviceNackError; no reply within
   * `timeoutMs` (real time) -> DeviceTimeoutError; socket gone -> DeviceDisconnectedError.
   */
  request(messageType: number, payload: Uint8Array | undefined, ackRequested: boolean, timeoutMs: number): Promise<ObpFrame> {
    const run = () => (this.inflight = this.exchange(messageType, payload, ackRequested, timeoutMs));
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /**
   * Write a frame now, bypassing the queue (abort must not wait behind what it aborts), and resolve
   * when the request in flight has settled, whichever way.
   */
  async sendNow(messageType: number, payload?: Uint8Array, ackRequested = true): Promise<void> {
    const inflight = this.pending ? this.inflight : undefined;
    this.socket.write(encodeFrame({ messageType, payload, ackRequested, checksum: this.checksum }));
    await inflight?.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Detach and destroy the socket; a pending request fails with DISCONNECTED. Never throws. */
  close(): void {
    this.closed = true;
    this.settle(undefined, new DeviceDisconnectedError(this.device, 'closed'));
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    this.socket.off('end', this.onClose);
    this.socket.off('error', this.onError);
    // An 'error' event with no listener would throw: a late socket error must never crash the agent.
    this.socket.on('error', () => undefined);
    this.socket.destroy();
  }

  private exchange(messageType: number, payload: Uint8Array | undefined, ackRequested: boolean, timeoutMs: number): Promise<ObpFrame> {
    return new Promise<ObpFrame>((resolve, reject) => {
      if (!this.isOpen) {
        reject(new DeviceDisconnectedError(this.device, 'not connected'));
        return;
      }
      // A partial frame that made no progress since the last timeout is debris: drop it so it cannot
      // swallow this reply. One still growing is a late reply, completed and discarded by type.
      if (this.decoder.pending > 0 && this.decoder.pending === this.pendingAtTimeout) this.decoder.reset();
      this.pendingAtTimeout = -1;
      const timer = setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = undefined;
        this.pendingAtTimeout = this.decoder.pending;
        reject(new DeviceTimeoutError(this.device, `no reply to 0x${messageType.toString(16)} within ${Math.round(timeoutMs)} ms`, timeoutMs));
      }, timeoutMs);
      this.pending = { messageType, resolve, reject, timer };
      this.socket.write(encodeFrame({ messageType, payload, ackRequested, checksum: this.checksum }));
    });
  }

  private onFrame(f: ObpFrame): void {
    const p = this.pending;
    // NACKs for unknown messages may carry type 0; any other mismatch is a stale reply.
    if (!p || (f.messageType !== p.messageType && !(isNack(f) && f.messageType === 0))) {
      this.emit('frame-discarded', f);
      return;
    }
    if (isNack(f)) this.settle(undefined, nackError(this.device, f));
    else this.settle(f);
  }

  private settle(frame: ObpFrame | undefined, error?: DeviceError): void {
    const p = this.pending;
    if (!p) {
      if (error && !this.closed) this.emit('unsolicited-error', error);
      return;
    }
    clearTimeout(p.timer);
    this.pending = undefined;
    if (error) p.reject(error);
    else if (frame) p.resolve(frame);
  }

  private lost(e: DeviceError): void {
    if (this.closed) return;
    this.closed = true;
    this.settle(undefined, e);
    this.emit('disconnect', e);
  }
}
