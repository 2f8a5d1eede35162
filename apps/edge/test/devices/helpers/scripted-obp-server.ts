/**
 * A scripted OBP responder on a real TCP socket (127.0.0.1, ephemeral port), for unit tests of the
 * HDX driver's framing, matching and faults. A mock with canned replies, not an emulator: the sim's
 * HDX emulator is exercised in hdx-spectrometer-sim.test.ts once it exists.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { encodeFrame, OBP, OBP_FLAGS, ObpDecoder, type ObpFrame } from '../../../src/devices/obp-codec';
import { DeviceError } from '../../../src/devices/errors';

export class ScriptedObpServer {
  readonly received: ObpFrame[] = [];
  /** Wavelength polynomial coefficients (c0 + c1 i + ...). */
  coeffs = [200, 0.5, 1e-5, -1e-9];
  integrationUs = 100_000;
  /** Message types answered with this NACK error number. */
  nack = new Map<number, number>();
  /** When true, requests get no reply. */
  silent = false;
  /** Raw bytes sent instead of the next reply. */
  garbleNext: Buffer | undefined;
  /** Extra frames sent before each reply (e.g. a stale one). */
  before: Buffer[] = [];
  /** Spectrum reply delay, ms. Default: integration x scans. */
  spectrumDelayMs: number | undefined;
  pixels = 2068;
  private scans = 1;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  async listen(): Promise<number> {
    this.server = createServer((s) => this.onConnection(s));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  /** Drop every client connection (device unplugged). */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const decoder = new ObpDecoder('server');
    socket.on('data', (d: Buffer) => {
      for (const f of decoder.push(d)) if (!(f instanceof DeviceError)) this.handle(socket, f);
    });
  }

  private handle(socket: Socket, req: ObpFrame): void {
    this.received.push(req);
    if (this.silent) return;
    const reply = (payload?: Buffer, delayMs = 0) => {
      const nack = this.nack.get(req.messageType);
      const flags = OBP_FLAGS.response | (nack !== undefined ? OBP_FLAGS.nack : (req.flags & OBP_FLAGS.ackRequested) !== 0 ? OBP_FLAGS.ack : 0);
      const bytes = this.garbleNext ?? encodeFrame({ messageType: req.messageType, flags, errorNumber: nack ?? 0, payload: nack === undefined ? payload : undefined, checksum: true });
      this.garbleNext = undefined;
      const send = () => socket.write(Buffer.concat([...this.before.splice(0), bytes]));
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    };
    const p = req.payload;
    switch (req.messageType) {
      case OBP.serialNumber:
        return reply(Buffer.from('HDX01234\0\0'));
      case OBP.getIntegrationTime: {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(this.integrationUs);
        return reply(b);
      }
      case OBP.setIntegrationTime:
        this.integrationUs = p.readUInt32LE(0);
        return reply();
      case OBP.setScansToAverage:
        this.scans = p.readUInt16LE(0);
        return reply();
      case OBP.wavelengthCoeffCount:
        return reply(Buffer.from([this.coeffs.length]));
      case OBP.wavelengthCoeff: {
        const b = Buffer.alloc(4);
        b.writeFloatLE(this.coeffs[p[0]!] ?? 0);
        return reply(b);
      }
      case OBP.getSpectrum: {
        const b = Buffer.alloc(this.pixels * 2);
        for (let i = 0; i < this.pixels; i++) b.writeUInt16LE(i === 5 ? 65535 : 1000 + i, 2 * i);
        return reply(b, this.spectrumDelayMs ?? (this.integrationUs * this.scans) / 1000);
      }
      default:
        return reply();
    }
  }
}
