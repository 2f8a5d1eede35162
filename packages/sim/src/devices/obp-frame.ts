import { createHash } from 'node:crypto';

/**
 * Ocean Binary Protocol framing (docs/devices.md §2 [V]), device side: the emulator's codec.
 *
 * ```
 * off len field                         off len field
 *  0  2  start C1 C0                    23  1  immediate data length (0..16)
 *  2  2  protocol version 0x1100        24 16  immediate data (zero padded)
 *  4  2  flags                          40  4  bytes remaining = payload + 16 + 4
 *  6  2  error number                   44  n  payload (only when > 16 bytes)
 *  8  4  message type                 44+n 16  checksum (MD5 of bytes 0..43+n, or zeros)
 * 12  4  regarding                    60+n  4  footer C5 C4 C3 C2
 * 16  6  reserved / 22 1 checksum type (0 none, 1 MD5)
 * ```
 * All little-endian; minimum frame 64 bytes.
 */
export const OBP_VERSION = 0x1100;
export const OBP_HEADER_BYTES = 44;
export const OBP_MIN_FRAME_BYTES = 64;
/** Largest payload the emulator accepts from a host, bytes (hosts only send small settings). */
export const OBP_MAX_PAYLOAD_BYTES = 65_536;
const START = Buffer.from([0xc1, 0xc0]);
const FOOTER = Buffer.from([0xc5, 0xc4, 0xc3, 0xc2]);

/** Header flag bits. */
export const OBP_FLAG = { response: 0x0001, ack: 0x0002, ackRequested: 0x0004, nack: 0x0008, hwException: 0x0010 } as const;

/** Error numbers carried by a NACK (docs/devices.md §2). */
export const OBP_ERROR = {
  ok: 0,
  badProtocol: 1,
  unknownMessage: 2,
  badChecksum: 3,
  tooLarge: 4,
  payloadLengthMismatch: 5,
  payloadInvalid: 6,
  notReady: 7,
  unknownChecksumType: 8,
  unexpectedReset: 9,
  noSuchInfo: 12,
  internalError: 13,
} as const;

/** Message types the HDX emulator implements. The two `get` types marked [I] are not confirmed for the HDX (docs/devices.md §2). */
export const OBP_MESSAGE = {
  reset: 0x0000_0000,
  getSerialNumber: 0x0000_0100,
  abort: 0x0010_0000,
  getSpectrum: 0x0010_1000,
  getIntegrationTime: 0x0011_0000,
  setIntegrationTime: 0x0011_0010,
  setLampEnable: 0x0011_0410,
  /** [I] OBP's usual id; not confirmed for the HDX (docs/devices.md §2). */
  getScansToAverage: 0x0012_0000,
  setScansToAverage: 0x0012_0010,
  /** [I] OBP's usual id; not confirmed for the HDX (docs/devices.md §2). */
  getBoxcarWidth: 0x0012_1000,
  setBoxcarWidth: 0x0012_1010,
  getWavelengthCoeffCount: 0x0018_0100,
  getWavelengthCoeff: 0x0018_0101,
  getNonlinearityCoeffCount: 0x0018_1100,
  getNonlinearityCoeff: 0x0018_1101,
} as const;

/** One decoded (or to-be-encoded) frame. `data` is the immediate data or the payload. */
export interface ObpFrame {
  flags: number;
  errorNo: number;
  messageType: number;
  regarding: number;
  /** 0 none, 1 MD5. */
  checksumType: number;
  data: Buffer;
}

/** What the reader yields: a valid frame, or a protocol error with whatever header fields were readable. */
export type ObpReadResult =
  | { ok: true; frame: ObpFrame }
  | { ok: false; errorNo: number; messageType: number; regarding: number; reason: string };

/** Encodes a frame: data of <= 16 bytes goes in the immediate field, longer data in the payload. */
export function encodeObpFrame(frame: ObpFrame): Buffer {
  const payload = frame.data.length > 16 ? frame.data : Buffer.alloc(0);
  const buf = Buffer.alloc(OBP_MIN_FRAME_BYTES + payload.length);
  START.copy(buf, 0);
  buf.writeUInt16LE(OBP_VERSION, 2);
  buf.writeUInt16LE(frame.flags, 4);
  buf.writeUInt16LE(frame.errorNo, 6);
  buf.writeUInt32LE(frame.messageType >>> 0, 8);
  buf.writeUInt32LE(frame.regarding >>> 0, 12);
  buf.writeUInt8(frame.checksumType, 22);
  if (payload.length === 0) {
    buf.writeUInt8(frame.data.length, 23);
    frame.data.copy(buf, 24);
  }
  buf.writeUInt32LE(payload.length + 20, 40);
  payload.copy(buf, OBP_HEADER_BYTES);
  const sumAt = OBP_HEADER_BYTES + payload.length;
  if (frame.checksumType === 1) md5(buf.subarray(0, sumAt)).copy(buf, sumAt);
  FOOTER.copy(buf, sumAt + 16);
  return buf;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

/**
 * Incremental frame reader for a TCP byte stream: push chunks, get complete frames or errors.
 * Checks, in order: start bytes (resync on the next C1 C0), bytes remaining (< 20: length
 * mismatch, > 16 + 4 + 64 KiB: too large), version, footer, checksum type, MD5, immediate length,
 * payload placement (a payload of 1..16 bytes must travel as immediate data).
 */
export class ObpFrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private resyncing = false;

  push(chunk: Buffer): ObpReadResult[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: ObpReadResult[] = [];
    for (;;) {
      const r = this.next();
      if (!r) return out;
      out.push(r);
    }
  }

  private next(): ObpReadResult | null {
    const b = this.buf;
    if (b.length < 2) return null;
    if (b[0] !== START[0] || b[1] !== START[1]) {
      const at = b.indexOf(START, 1);
      // Keep a trailing C1: it may be the first half of the next start.
      this.buf = at >= 0 ? b.subarray(at) : b.subarray(b[b.length - 1] === START[0] ? b.length - 1 : b.length);
      // The rest of a frame already NACKed for its length is skipped silently: one NACK per bad frame.
      const quiet = this.resyncing;
      this.resyncing = at < 0;
      return quiet ? this.next() : fail(OBP_ERROR.badProtocol, 0, 0, 'bad start bytes; resynchronised on the next C1 C0');
    }
    this.resyncing = false;
    if (b.length < OBP_HEADER_BYTES) return null;
    const messageType = b.readUInt32LE(8);
    const regarding = b.readUInt32LE(12);
    const remaining = b.readUInt32LE(40);
    if (remaining < 20 || remaining > 20 + OBP_MAX_PAYLOAD_BYTES) {
      // The length is unusable: drop the header and resync on the next start bytes.
      this.buf = b.subarray(2);
      this.resyncing = true;
      return remaining < 20
        ? fail(OBP_ERROR.payloadLengthMismatch, messageType, regarding, `bytes remaining ${remaining} < 20`)
        : fail(OBP_ERROR.tooLarge, messageType, regarding, `bytes remaining ${remaining} too large`);
    }
    const total = OBP_HEADER_BYTES + remaining;
    if (b.length < total) return null;
    const frame = b.subarray(0, total);
    const payloadLen = remaining - 20;
    if (!frame.subarray(total - 4).equals(FOOTER)) {
      // Most likely a wrong `bytes remaining`: resync instead of trusting it.
      this.buf = b.subarray(2);
      this.resyncing = true;
      return fail(OBP_ERROR.payloadLengthMismatch, messageType, regarding, 'footer not where bytes remaining puts it');
    }
    this.buf = b.subarray(total);
    const version = frame.readUInt16LE(2);
    if (version !== OBP_VERSION) return fail(OBP_ERROR.badProtocol, messageType, regarding, `protocol version 0x${version.toString(16)}`);
    const checksumType = frame.readUInt8(22);
    if (checksumType > 1) return fail(OBP_ERROR.unknownChecksumType, messageType, regarding, `checksum type ${checksumType}`);
    const sumAt = OBP_HEADER_BYTES + payloadLen;
    if (checksumType === 1 && !md5(frame.subarray(0, sumAt)).equals(frame.subarray(sumAt, sumAt + 16))) {
      return fail(OBP_ERROR.badChecksum, messageType, regarding, 'MD5 mismatch');
    }
    const immLen = frame.readUInt8(23);
    if (immLen > 16 || (immLen > 0 && payloadLen > 0) || (payloadLen > 0 && payloadLen <= 16)) {
      return fail(OBP_ERROR.payloadLengthMismatch, messageType, regarding, `immediate length ${immLen} with payload ${payloadLen}`);
    }
    const data = Buffer.from(payloadLen > 0 ? frame.subarray(OBP_HEADER_BYTES, sumAt) : frame.subarray(24, 24 + immLen));
    const frameOut: ObpFrame = { flags: frame.readUInt16LE(4), errorNo: frame.readUInt16LE(6), messageType, regarding, checksumType, data };
    return { ok: true, frame: frameOut };
  }
}

const fail = (errorNo: number, messageType: number, regarding: number, reason: string): ObpReadResult => ({
  ok: false,
  errorNo,
  messageType,
  regarding,
  reason,
});
