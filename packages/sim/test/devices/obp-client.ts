import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * Hand-built OBP frames for the conformance tests, written field by field from the table in
 * docs/devices.md §2 (deliberately not using the emulator's own encoder).
 */
export interface FrameSpec {
  type: number;
  flags?: number;
  regarding?: number;
  checksumType?: number;
  /** Immediate data (<= 16 bytes) ... */
  imm?: number[] | Buffer;
  /** ... or a payload (> 16 bytes). */
  payload?: Buffer;
  version?: number;
  /** Override the immediate-length byte. */
  immLen?: number;
  /** Override bytes remaining. */
  remaining?: number;
  /** Corrupt the checksum. */
  badSum?: boolean;
}

export function buildFrame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const imm = Buffer.from(spec.imm ?? []);
  const head = Buffer.alloc(44);
  head[0] = 0xc1;
  head[1] = 0xc0;
  head.writeUInt16LE(spec.version ?? 0x1100, 2);
  head.writeUInt16LE(spec.flags ?? 0, 4);
  head.writeUInt16LE(0, 6);
  head.writeUInt32LE(spec.type, 8);
  head.writeUInt32LE(spec.regarding ?? 0, 12);
  head[22] = spec.checksumType ?? 0;
  head[23] = spec.immLen ?? imm.length;
  imm.copy(head, 24);
  head.writeUInt32LE(spec.remaining ?? payload.length + 16 + 4, 40);
  const body = Buffer.concat([head, payload]);
  const sum = spec.checksumType === 1 ? createHash('md5').update(body).digest() : Buffer.alloc(16);
  if (spec.badSum) sum[0]! ^= 0xff;
  return Buffer.concat([body, sum, Buffer.from([0xc5, 0xc4, 0xc3, 0xc2])]);
}

/** A reply split into its fields. */
export interface Reply {
  raw: Buffer;
  flags: number;
  errorNo: number;
  type: number;
  regarding: number;
  checksumType: number;
  immLen: number;
  imm: Buffer;
  remaining: number;
  payload: Buffer;
  checksum: Buffer;
  footer: Buffer;
}

/** TCP client that reads 44 bytes, then `bytes remaining` (the framing docs/devices.md §2 prescribes). */
export class ObpTestClient {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<ObpTestClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new ObpTestClient(s)));
      s.once('error', reject);
    });
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** Next reply frame; rejects after `timeoutMs` of real time. */
  async next(timeoutMs = 1000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length >= 44) {
        const remaining = this.buf.readUInt32LE(40);
        if (this.buf.length >= 44 + remaining) {
          const raw = this.buf.subarray(0, 44 + remaining);
          this.buf = this.buf.subarray(44 + remaining);
          return parse(raw);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error(this.closed ? 'connection closed' : `no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
    }
  }

  /** Sends and waits for the reply. */
  async request(spec: FrameSpec, timeoutMs = 1000): Promise<Reply> {
    this.send(buildFrame(spec));
    return this.next(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}

function parse(raw: Buffer): Reply {
  const remaining = raw.readUInt32LE(40);
  const n = remaining - 20;
  const immLen = raw[23]!;
  return {
    raw,
    flags: raw.readUInt16LE(4),
    errorNo: raw.readUInt16LE(6),
    type: raw.readUInt32LE(8),
    regarding: raw.readUInt32LE(12),
    checksumType: raw[22]!,
    immLen,
    imm: raw.subarray(24, 24 + immLen),
    remaining,
    payload: raw.subarray(44, 44 + n),
    checksum: raw.subarray(44 + n, 60 + n),
    footer: raw.subarray(60 + n, 64 + n),
  };
}

/** uint16 LE counts of a get-spectrum payload. */
export const countsOf = (r: Reply): number[] => Array.from({ length: r.payload.length / 2 }, (_, i) => r.payload.readUInt16LE(2 * i));
