import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Clock } from '@sdfl/hal';
import type { OpticalSampleSource } from '../optics';
import { SimDeviceError } from './device-error';
import type { LightState } from './gpio';
import { HDX_PIXELS, HdxSpectrumModel, type HdxSpectrumOptions } from './hdx-spectrum';
import { encodeObpFrame, OBP_ERROR, OBP_FLAG, OBP_MESSAGE, ObpFrameReader, type ObpFrame } from './obp-frame';

export interface HdxSpectrometerOptions extends HdxSpectrumOptions {
  /** Clock of the sample: spectra show the sample at the middle of the exposure on this clock. */
  clock: Clock;
  /** Light switches: the shutter (absorption) or the UV LED (PL); usually the InMemoryGpio. */
  light: LightState;
  /** What flows through the cell (the reactor model). Default: a blank cell. */
  sample?: OpticalSampleSource;
  /** Listen address. Default '127.0.0.1'. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. The real port is a config value (docs/devices.md §2 [I]). */
  port?: number;
  /** ASCII serial number, <= 16 bytes. Default 'HDX-SIM-A1' / 'HDX-SIM-P1' by role. */
  serialNumber?: string;
  /** Real delay of a spectrum = integration x scans x timeScale. Default 1; < 1 for accelerated tests. */
  timeScale?: number;
  /** Saturation fault's gain factor. Default 100. */
  saturationGain?: number;
}

/** Detector settings at power-on and after `reset`. */
const DEFAULTS = { integrationUs: 100_000, scans: 1, boxcar: 0, lampEnabled: true };
/** Ranges accepted by the set commands (integration 6 ms .. 10 s, docs/devices.md §2 [V]; others [I]). */
const LIMITS = { integrationUs: [6_000, 10_000_000], scans: [1, 5_000], boxcar: [0, 100] } as const;

type Settings = typeof DEFAULTS;

/**
 * Ocean Insight HDX speaking OBP over TCP on 127.0.0.1 (docs/devices.md §2), in one of two roles:
 * 'absorption' (deuterium-halogen lamp through the sample; dark while the GPIO shutter is closed or
 * the lamp is disabled) or 'pl' (emission under the 300 nm LED; dark while the LED is off).
 *
 * Wire behaviour: frames are handled in arrival order per connection (a spectrum blocks the
 * connection for integration x scans); `abort` jumps the queue and the aborted spectrum request
 * gets NACK 7 (not ready). Replies copy the request's message type, `regarding` and checksum type;
 * data replies carry the ACK flag too when the request asked for one; set-commands without an ACK
 * request get no reply. Any bad frame gets a NACK (flags 0x0009) with its error number.
 *
 * @example
 * const hdx = new HdxSpectrometerEmulator({ role: 'pl', clock, light: gpio, sample: reactor });
 * const { host, port } = await hdx.start();
 */
export class HdxSpectrometerEmulator {
  readonly model: HdxSpectrumModel;
  private settingsNow: Settings = { ...DEFAULTS };
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<AbortController>();
  private silent = false;
  private unplugged = false;
  private saturated = false;
  /** Number of spectra delivered (for tests and diagnostics). */
  acquisitions = 0;

  constructor(private readonly options: HdxSpectrometerOptions) {
    this.model = new HdxSpectrumModel(options);
  }

  /** Starts listening; resolves with the address drivers connect to. */
  async start(): Promise<{ host: string; port: number }> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    return this.address;
  }

  /** Listening address; throws before start(). */
  get address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) throw new SimDeviceError('NOT_STARTED', 'spectrometer emulator is not listening');
    return { host: a.address, port: a.port };
  }

  /** Closes the listener and every connection; the port refuses connections afterwards. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Current detector settings. */
  settings(): Readonly<Settings> {
    return { ...this.settingsNow };
  }

  /** Fault hook: the device stops answering anything (requests are read and dropped). */
  setTimeoutFault(on = true): void {
    this.silent = on;
  }

  /** Fault hook: gain forced high, so lit pixels clip at 65535. */
  setSaturation(on = true): void {
    this.saturated = on;
  }

  /** Fault hook: cable pulled: connections are reset and new ones dropped until reconnect(). */
  disconnect(): void {
    this.unplugged = true;
    this.dropConnections();
  }

  /** Ends the disconnect fault. */
  reconnect(): void {
    this.unplugged = false;
  }

  private accept(socket: Socket): void {
    if (this.unplugged) {
      socket.resetAndDestroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
    const reader = new ObpFrameReader();
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const r of reader.push(chunk)) {
        if (this.silent) continue;
        if (!r.ok) {
          const nack = { flags: OBP_FLAG.response | OBP_FLAG.nack, errorNo: r.errorNo, messageType: r.messageType, regarding: r.regarding, checksumType: 0, data: Buffer.alloc(0) };
          chain = chain.then(() => this.send(socket, nack));
        } else if (r.frame.messageType === OBP_MESSAGE.abort) {
          // Abort must not wait behind the acquisition it aborts.
          for (const p of this.pending) p.abort();
          this.send(socket, this.ack(r.frame));
        } else {
          const frame = r.frame;
          chain = chain
            .then(() => this.handle(frame))
            .catch(() => this.nack(frame, OBP_ERROR.internalError))
            .then((reply) => this.send(socket, reply));
        }
      }
    });
  }

  private send(socket: Socket, frame: ObpFrame | null): void {
    if (frame && !this.silent && !socket.destroyed) socket.write(encodeObpFrame(frame));
  }

  /** ACK if requested (flags response|ACK), else null. */
  private ack(req: ObpFrame): ObpFrame | null {
    return req.flags & OBP_FLAG.ackRequested ? this.reply(req, Buffer.alloc(0)) : null;
  }

  private reply(req: ObpFrame, data: Buffer): ObpFrame {
    const flags = OBP_FLAG.response | (req.flags & OBP_FLAG.ackRequested ? OBP_FLAG.ack : 0);
    return { flags, errorNo: 0, messageType: req.messageType, regarding: req.regarding, checksumType: req.checksumType, data };
  }

  private nack(req: ObpFrame, errorNo: number): ObpFrame {
    return { flags: OBP_FLAG.response | OBP_FLAG.nack, errorNo, messageType: req.messageType, regarding: req.regarding, checksumType: req.checksumType, data: Buffer.alloc(0) };
  }

  private async handle(req: ObpFrame): Promise<ObpFrame | null> {
    const d = req.data;
    const s = this.settingsNow;
    const coeff = (list: readonly number[]) => {
      if (d.length !== 1) return this.nack(req, OBP_ERROR.payloadLengthMismatch);
      const c = list[d[0]!];
      return c === undefined ? this.nack(req, OBP_ERROR.noSuchInfo) : this.reply(req, f32(c));
    };
    const set = (len: number, read: () => number, [lo, hi]: readonly [number, number], apply: (v: number) => void) => {
      if (d.length !== len) return this.nack(req, OBP_ERROR.payloadLengthMismatch);
      const v = read();
      if (v < lo || v > hi) return this.nack(req, OBP_ERROR.payloadInvalid);
      apply(v);
      return this.ack(req);
    };
    switch (req.messageType) {
      case OBP_MESSAGE.reset:
        for (const p of this.pending) p.abort();
        this.settingsNow = { ...DEFAULTS };
        return this.ack(req);
      case OBP_MESSAGE.getSerialNumber:
        return this.reply(req, Buffer.from(this.serialNumber(), 'ascii'));
      case OBP_MESSAGE.getSpectrum:
        return this.spectrum(req);
      case OBP_MESSAGE.getIntegrationTime:
        return this.reply(req, u32(s.integrationUs));
      case OBP_MESSAGE.setIntegrationTime:
        return set(4, () => d.readUInt32LE(0), LIMITS.integrationUs, (v) => (s.integrationUs = v));
      case OBP_MESSAGE.setLampEnable:
        return set(1, () => d.readUInt8(0), [0, 1], (v) => (s.lampEnabled = v === 1));
      case OBP_MESSAGE.getScansToAverage:
        return this.reply(req, Buffer.from([s.scans & 0xff, s.scans >> 8]));
      case OBP_MESSAGE.setScansToAverage:
        return set(2, () => d.readUInt16LE(0), LIMITS.scans, (v) => (s.scans = v));
      case OBP_MESSAGE.getBoxcarWidth:
        return this.reply(req, Buffer.from([s.boxcar]));
      case OBP_MESSAGE.setBoxcarWidth:
        return set(1, () => d.readUInt8(0), LIMITS.boxcar, (v) => (s.boxcar = v));
      case OBP_MESSAGE.getWavelengthCoeffCount:
        return this.reply(req, Buffer.from([this.model.wavelengthCoeffs.length]));
      case OBP_MESSAGE.getWavelengthCoeff:
        return coeff(this.model.wavelengthCoeffs);
      case OBP_MESSAGE.getNonlinearityCoeffCount:
        return this.reply(req, Buffer.from([this.model.nonlinearityCoeffs.length]));
      case OBP_MESSAGE.getNonlinearityCoeff:
        return coeff(this.model.nonlinearityCoeffs);
      default:
        return this.nack(req, OBP_ERROR.unknownMessage);
    }
  }

  /** Exposes for integration x scans (real time x timeScale), then reads the sample at mid-exposure. */
  private async spectrum(req: ObpFrame): Promise<ObpFrame | null> {
    const { integrationUs, scans, boxcar, lampEnabled } = this.settingsNow;
    const clock = this.options.clock;
    const t0 = clock.now();
    const abort = new AbortController();
    this.pending.add(abort);
    const waitMs = (integrationUs / 1000) * scans * (this.options.timeScale ?? 1);
    const done = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), waitMs);
      abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(false)), { once: true });
    });
    this.pending.delete(abort);
    if (!done) return this.nack(req, OBP_ERROR.notReady);
    const light = this.options.light;
    const lightOn = this.model.role === 'absorption' ? lampEnabled && light.isShutterOpen() : light.isUvLedOn();
    const sample = this.options.sample?.sampleAt((t0 + clock.now()) / 2) ?? null;
    const gainFactor = this.saturated ? (this.options.saturationGain ?? 100) : 1;
    const counts = this.model.acquire({ integrationUs, scans, boxcar, lightOn, sample, gainFactor });
    const data = Buffer.alloc(HDX_PIXELS * 2);
    counts.forEach((c, i) => data.writeUInt16LE(c, 2 * i));
    this.acquisitions += 1;
    return this.reply(req, data);
  }

  private serialNumber(): string {
    return (this.options.serialNumber ?? `HDX-SIM-${this.model.role === 'absorption' ? 'A' : 'P'}1`).slice(0, 16);
  }

  private dropConnections(): void {
    for (const p of this.pending) p.abort();
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
};
const f32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v, 0);
  return b;
};
