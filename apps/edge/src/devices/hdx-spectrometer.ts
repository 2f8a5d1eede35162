/**
 * Ocean Insight HDX spectrometer driver over OBP on a passed-in TCP socket (docs/devices.md §2).
 * Lab verbs: `connect`, `set*`, `read`/`getSpectrum`, `stop` (abort), `describe`, `close`.
 * One request in flight; replies are matched by message type and stale frames are dropped.
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DeviceDisconnectedError, type DeviceError, DeviceLimitError, DeviceProtocolError } from './errors';
import { OBP, type ObpFrame, u16, u32, u8 } from './obp-codec';
import { ObpLink } from './obp-link';

/** Integration time range of the HDX, us (docs/devices.md §2: 6 ms .. 10 s [V]). */
export const HDX_INTEGRATION_US = { min: 6_000, max: 10_000_000 } as const;
/** Detector pixels of the HDX (docs/devices.md §2). */
export const HDX_PIXELS = 2068;

/**
 * Open a TCP connection to the spectrometer (port is a config value, docs/devices.md §2 [I]).
 * @param timeoutMs connect timeout, ms. Default 3000.
 * @throws DeviceDisconnectedError on refusal or timeout.
 */
export function connectTcp(host: string, port: number, timeoutMs = 3000, device = `hdx@${host}:${port}`): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DeviceDisconnectedError(device, `connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new DeviceDisconnectedError(device, `cannot connect: ${err.message}`, { cause: err }));
    });
  });
}

/** Options of {@link HdxSpectrometer}. */
export interface HdxOptions {
  /** Device name in errors. Default `hdx`. */
  name?: string;
  /** Timeout of every request but a spectrum, ms, real time. Default 1000. */
  timeoutMs?: number;
  /** Added to integration x scans for a spectrum's timeout, ms (docs/devices.md §6). Default 1000. */
  acquisitionMarginMs?: number;
  /** Expected pixel count. Default 2068. */
  pixels?: number;
  /** Send MD5 checksums on requests. Default false. */
  checksum?: boolean;
  /** Wall clock, ms since epoch. Default `Date.now`. */
  now?: () => number;
}

/** Acquisition settings; applied by `connect` and the setters. */
export interface HdxSettings {
  /** Integration time, us, 6000..10_000_000. */
  integrationUs: number;
  /** Scans to average, 1..65535. */
  scans: number;
  /** Boxcar half-width, pixels, 0..255. */
  boxcar: number;
}

/** One spectrum (structurally a packages/chemistry `Spectrum`). */
export interface HdxSpectrum {
  wavelengthNm: number[];
  /** Counts per pixel (uint16 on the wire; saturation 65535). */
  counts: number[];
  integrationUs: number;
  scans: number;
  boxcar: number;
  /** Wall-clock time the reply completed, ms since epoch. */
  acquiredAt: number;
}

/** HDX driver. Events: `'error'` (only when listened to), `'disconnect'`, `'frame-discarded'`. */
export class HdxSpectrometer extends EventEmitter {
  readonly name: string;
  private readonly link: ObpLink;
  private settings: HdxSettings = { integrationUs: HDX_INTEGRATION_US.min, scans: 1, boxcar: 0 };
  private wavelengths: number[] | null = null;
  private serial: string | null = null;
  private readonly now: () => number;

  constructor(
    private readonly socket: Duplex,
    private readonly options: HdxOptions = {},
  ) {
    super();
    this.name = options.name ?? 'hdx';
    this.now = options.now ?? Date.now;
    this.link = new ObpLink(this.name, socket, options.checksum ?? false);
    this.link.on('frame-discarded', (f: ObpFrame) => this.emit('frame-discarded', f));
    this.link.on('unsolicited-error', (e: DeviceError) => this.report(e));
    this.link.on('disconnect', (e: DeviceError) => {
      this.report(e);
      this.emit('disconnect', e);
    });
  }

  /**
   * Attach to the socket, read the serial number and wavelength calibration, and apply settings
   * (default: keep the device's integration time, 1 scan, boxcar 0 — so the timeout is known).
   */
  async connect(settings: Partial<HdxSettings> = {}): Promise<void> {
    this.link.attach();
    this.serial = await this.serialNumber();
    await this.readWavelengths();
    await this.setIntegrationTimeUs(settings.integrationUs ?? (await this.getIntegrationTimeUs()));
    await this.setScansToAverage(settings.scans ?? 1);
    await this.setBoxcar(settings.boxcar ?? 0);
  }

  /** Serial number string (message 0x00000100). */
  async serialNumber(): Promise<string> {
    const f = await this.request(OBP.serialNumber);
    return f.payload.toString('latin1').replace(/\0+$/, '').trim();
  }

  /** Set integration time, us; outside 6 ms..10 s -> LIMIT without sending (docs/devices.md §2). */
  async setIntegrationTimeUs(us: number): Promise<void> {
    if (!Number.isInteger(us) || us < HDX_INTEGRATION_US.min || us > HDX_INTEGRATION_US.max) {
      throw new DeviceLimitError(this.name, `integration ${us} us outside ${HDX_INTEGRATION_US.min}..${HDX_INTEGRATION_US.max}`, us);
    }
    await this.request(OBP.setIntegrationTime, u32(us), true);
    this.settings.integrationUs = us;
  }

  /** Integration time the device reports, us. */
  async getIntegrationTimeUs(): Promise<number> {
    const f = await this.request(OBP.getIntegrationTime);
    if (f.payload.length < 4) throw new DeviceProtocolError(this.name, `integration time reply of ${f.payload.length} bytes`);
    return f.payload.readUInt32LE(0);
  }

  /** Set scans to average (uint16, 1..65535). */
  async setScansToAverage(scans: number): Promise<void> {
    if (!Number.isInteger(scans) || scans < 1 || scans > 0xffff) throw new DeviceLimitError(this.name, `scans ${scans} outside 1..65535`, scans);
    await this.request(OBP.setScansToAverage, u16(scans), true);
    this.settings.scans = scans;
  }

  /** Set boxcar half-width (uint8, 0..255). */
  async setBoxcar(width: number): Promise<void> {
    if (!Number.isInteger(width) || width < 0 || width > 0xff) throw new DeviceLimitError(this.name, `boxcar ${width} outside 0..255`, width);
    await this.request(OBP.setBoxcar, u8(width), true);
    this.settings.boxcar = width;
  }

  /** Switch the lamp-enable output. */
  async setLampEnable(on: boolean): Promise<void> {
    await this.request(OBP.setLampEnable, u8(on ? 1 : 0), true);
  }

  /** Read the wavelength polynomial and evaluate lambda(i) = sum c_k i^k for every pixel (docs/devices.md §2). */
  async readWavelengths(): Promise<number[]> {
    const countFrame = await this.request(OBP.wavelengthCoeffCount);
    const n = countFrame.payload[0];
    if (n === undefined || n < 1 || n > 16) throw new DeviceProtocolError(this.name, `wavelength coefficient count ${String(n)}`);
    const coeffs: number[] = [];
    for (let k = 0; k < n; k++) {
      const f = await this.request(OBP.wavelengthCoeff, u8(k));
      if (f.payload.length < 4) throw new DeviceProtocolError(this.name, `coefficient ${k} reply of ${f.payload.length} bytes`);
      coeffs.push(f.payload.readFloatLE(0));
    }
    const pixels = this.options.pixels ?? HDX_PIXELS;
    this.wavelengths = Array.from({ length: pixels }, (_, i) => coeffs.reduceRight((acc, c) => acc * i + c, 0));
    return this.wavelengths;
  }

  /**
   * Acquire one spectrum. Times out after integration x scans + margin (docs/devices.md §6
   * spectrometer timeout). Requires `connect()` (the wavelength grid).
   */
  async getSpectrum(): Promise<HdxSpectrum> {
    const wl = this.wavelengths;
    if (!wl) throw new DeviceDisconnectedError(this.name, 'getSpectrum before connect()');
    const { integrationUs, scans, boxcar } = this.settings;
    const timeoutMs = (integrationUs * scans) / 1000 + (this.options.acquisitionMarginMs ?? 1000);
    const f = await this.request(OBP.getSpectrum, undefined, false, timeoutMs);
    if (f.payload.length !== wl.length * 2) {
      throw new DeviceProtocolError(this.name, `spectrum of ${f.payload.length} bytes, expected ${wl.length * 2} (${wl.length} x uint16)`);
    }
    // Read pixel by pixel: the payload's byteOffset may be odd, so a Uint16Array view could throw.
    const counts = new Uint16Array(wl.length);
    for (let i = 0; i < counts.length; i++) counts[i] = f.payload.readUInt16LE(2 * i);
    return { wavelengthNm: wl.slice(), counts: Array.from(counts), integrationUs, scans, boxcar, acquiredAt: this.now() };
  }

  /** `read` lab verb: one spectrum. */
  read(): Promise<HdxSpectrum> {
    return this.getSpectrum();
  }

  /**
   * `stop` lab verb: abort an acquisition in progress (message 0x00100000). The abort bypasses the
   * one-in-flight queue — it must not wait behind the spectrum it aborts — and resolves once that
   * spectrum request has settled (the device NACKs it with 7 NOT_READY). Idle: a plain abort.
   */
  async stop(): Promise<void> {
    if (this.link.inFlightType === OBP.getSpectrum) await this.link.sendNow(OBP.abort);
    else await this.request(OBP.abort, undefined, true);
  }

  /** Identity and settings (no I/O). */
  describe(): { kind: 'ocean-hdx'; name: string; serialNumber: string | null; pixels: number; connected: boolean } & HdxSettings {
    return {
      kind: 'ocean-hdx',
      name: this.name,
      serialNumber: this.serial,
      pixels: this.options.pixels ?? HDX_PIXELS,
      connected: this.link.isOpen,
      ...this.settings,
    };
  }

  /** Detach and destroy the socket. Never throws. */
  async close(): Promise<void> {
    this.link.close();
  }

  /** One queued request; set-commands ask for an ACK (docs/devices.md §2). */
  private request(messageType: number, payload?: Uint8Array, ack = false, timeoutMs = this.options.timeoutMs ?? 1000): Promise<ObpFrame> {
    return this.link.request(messageType, payload, ack, timeoutMs);
  }

  /** Emit an error event only when someone listens, so a lost link never crashes the process. */
  private report(e: DeviceError): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }
}
