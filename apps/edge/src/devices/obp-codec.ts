/**
 * Ocean Binary Protocol (OBP) frame codec (docs/devices.md §2): pure encode, and an incremental decoder
 * that reads the 44-byte header, then `bytes remaining`, and verifies start bytes, footer, lengths
 * and the optional MD5 checksum. No I/O; `hdx-spectrometer.ts` owns the socket.
 */
import { createHash } from 'node:crypto';
import { DeviceNackError, DeviceProtocolError } from './errors';

/** Message types used by the HDX driver (docs/devices.md §2 [V]). */
export const OBP = {
  reset: 0x00000000,
  serialNumber: 0x00000100,
  abort: 0x00100000,
  getSpectrum: 0x00101000,
  getIntegrationTime: 0x00110000,
  setIntegrationTime: 0x00110010,
  setLampEnable: 0x00110410,
  setScansToAverage: 0x00120010,
  setBoxcar: 0x00121010,
  wavelengthCoeffCount: 0x00180100,
  wavelengthCoeff: 0x00180101,
  nonlinearityCoeffCount: 0x00181100,
  nonlinearityCoeff: 0x00181101,
} as const;

/** Flag bits at offset 4. */
export const OBP_FLAGS = { response: 0x0001, ack: 0x0002, ackRequested: 0x0004, nack: 0x0008, hwException: 0x0010 } as const;

/** Error numbers at offset 6 and their names (docs/devices.md §2). */
export const OBP_ERRORS: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'BAD_PROTOCOL',
  2: 'UNKNOWN_MESSAGE',
  3: 'BAD_CHECKSUM',
  4: 'TOO_LARGE',
  5: 'PAYLOAD_LENGTH_MISMATCH',
  6: 'PAYLOAD_INVALID',
  7: 'NOT_READY',
  8: 'UNKNOWN_CHECKSUM_TYPE',
  9: 'UNEXPECTED_RESET',
  12: 'NO_SUCH_INFO',
  13: 'INTERNAL_ERROR',
};

export const OBP_HEADER_BYTES = 44;
export const OBP_MIN_FRAME_BYTES = 64;
export const OBP_PROTOCOL_VERSION = 0x1100;
const START = [0xc1, 0xc0] as const;
const FOOTER = [0xc5, 0xc4, 0xc3, 0xc2] as const;
const IMMEDIATE_MAX = 16;
/** Largest payload accepted from the wire (a 2068-pixel spectrum is 4136 bytes). */
export const OBP_MAX_PAYLOAD_BYTES = 1 << 20;

/** One decoded OBP frame. `payload` is the immediate data or the long payload, whichever was used. */
export interface ObpFrame {
  protocolVersion: number;
  flags: number;
  errorNumber: number;
  messageType: number;
  regarding: number;
  checksumType: number;
  payload: Buffer;
}

/** What {@link encodeFrame} needs. */
export interface ObpFrameInit {
  messageType: number;
  /** Up to 16 bytes go into the immediate field; longer payloads follow the header. Default empty. */
  payload?: Uint8Array;
  /** Ask the device for an ACK (set-commands, docs/devices.md §2). Default false. */
  ackRequested?: boolean;
  /** Append an MD5 checksum of all preceding bytes (type 1). Default false (type 0, zeros). */
  checksum?: boolean;
  /** Extra flag bits (e.g. response/ACK/NACK when an emulator or a test builds replies). Default 0. */
  flags?: number;
  /** Error number (replies only). Default 0. */
  errorNumber?: number;
  /** Regarding field; 0 from the host. Default 0. */
  regarding?: number;
}

/** Encode one frame, little-endian, protocol version 0x1100 (docs/devices.md §2 frame table). */
export function encodeFrame(init: ObpFrameInit): Buffer {
  const payload = Buffer.from(init.payload ?? new Uint8Array(0));
  const long = payload.length > IMMEDIATE_MAX;
  const n = long ? payload.length : 0;
  const buf = Buffer.alloc(OBP_MIN_FRAME_BYTES + n);
  buf[0] = START[0];
  buf[1] = START[1];
  buf.writeUInt16LE(OBP_PROTOCOL_VERSION, 2);
  buf.writeUInt16LE((init.flags ?? 0) | (init.ackRequested ? OBP_FLAGS.ackRequested : 0), 4);
  buf.writeUInt16LE(init.errorNumber ?? 0, 6);
  buf.writeUInt32LE(init.messageType >>> 0, 8);
  buf.writeUInt32LE((init.regarding ?? 0) >>> 0, 12);
  buf[22] = init.checksum ? 1 : 0;
  if (long) payload.copy(buf, 44);
  else {
    buf[23] = payload.length;
    payload.copy(buf, 24);
  }
  buf.writeUInt32LE(n + 16 + 4, 40);
  if (init.checksum) createHash('md5').update(buf.subarray(0, 44 + n)).digest().copy(buf, 44 + n);
  Buffer.from(FOOTER).copy(buf, 60 + n);
  return buf;
}

/**
 * Incremental frame decoder: `push` bytes as they arrive and get back, in order, every complete
 * frame and a {@link DeviceProtocolError} for every malformed one. After bad start bytes or an
 * impossible length it drops bytes up to the next start sequence, so one bad frame does not poison
 * the stream. Never throws.
 */
export class ObpDecoder {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly device = 'obp') {}

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Forget buffered bytes (after a reconnect or a timeout). */
  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  /** Append bytes; returns every frame (or frame error) now complete, in stream order. */
  push(chunk: Uint8Array): (ObpFrame | DeviceProtocolError)[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: (ObpFrame | DeviceProtocolError)[] = [];
    while (this.buf.length >= 2) {
      if (this.buf[0] !== START[0] || this.buf[1] !== START[1]) {
        out.push(this.resync('bad start bytes'));
        continue;
      }
      if (this.buf.length < OBP_HEADER_BYTES) break;
      const remaining = this.buf.readUInt32LE(40);
      if (remaining < 20 || remaining - 20 > OBP_MAX_PAYLOAD_BYTES) {
        out.push(this.resync(`bad bytes-remaining ${remaining}`));
        continue;
      }
      const total = OBP_HEADER_BYTES + remaining;
      if (this.buf.length < total) break;
      const frame = this.buf.subarray(0, total);
      this.buf = this.buf.subarray(total);
      out.push(this.parse(frame));
    }
    return out;
  }

  private parse(f: Buffer): ObpFrame | DeviceProtocolError {
    const n = f.length - OBP_MIN_FRAME_BYTES;
    for (let i = 0; i < 4; i++) if (f[60 + n + i] !== FOOTER[i]) return this.error('bad footer');
    const checksumType = f[22] ?? 0;
    const immediateLength = f[23] ?? 0;
    if (immediateLength > IMMEDIATE_MAX) return this.error(`immediate length ${immediateLength} > 16`);
    if (n > 0 && immediateLength > 0) return this.error('both immediate data and a payload');
    if (checksumType === 1) {
      const want = createHash('md5').update(f.subarray(0, 44 + n)).digest();
      if (!want.equals(f.subarray(44 + n, 60 + n))) return this.error('MD5 checksum mismatch');
    } else if (checksumType !== 0) return this.error(`unknown checksum type ${checksumType}`);
    return {
      protocolVersion: f.readUInt16LE(2),
      flags: f.readUInt16LE(4),
      errorNumber: f.readUInt16LE(6),
      messageType: f.readUInt32LE(8),
      regarding: f.readUInt32LE(12),
      checksumType,
      payload: Buffer.from(n > 0 ? f.subarray(44, 44 + n) : f.subarray(24, 24 + immediateLength)),
    };
  }

  private error(message: string): DeviceProtocolError {
    return new DeviceProtocolError(this.device, `OBP frame: ${message}`);
  }

  /** Drop bytes up to the next start sequence (keeping a trailing 0xC1 that may begin one). */
  private resync(message: string): DeviceProtocolError {
    const next = this.buf.indexOf(Buffer.from(START), 1);
    if (next >= 0) this.buf = this.buf.subarray(next);
    else this.buf = this.buf[this.buf.length - 1] === START[0] ? this.buf.subarray(this.buf.length - 1) : Buffer.alloc(0);
    return this.error(message);
  }
}

/** True when the frame is a NACK or carries a nonzero error number. */
export function isNack(frame: ObpFrame): boolean {
  return (frame.flags & OBP_FLAGS.nack) !== 0 || frame.errorNumber !== 0;
}

/** The typed error for a NACK frame: code NACK with the error number and its name. */
export function nackError(device: string, frame: ObpFrame): DeviceNackError {
  const name = OBP_ERRORS[frame.errorNumber] ?? `ERROR_${frame.errorNumber}`;
  const what = `0x${frame.messageType.toString(16).padStart(8, '0')}`;
  return new DeviceNackError(device, `NACK for message ${what}: ${frame.errorNumber} ${name}`, frame.errorNumber, name);
}

/** Little-endian payload helpers. */
export const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
export const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return b;
};
export const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
};
