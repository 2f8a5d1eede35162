import { Duplex } from 'node:stream';

/**
 * Two connected in-memory byte streams: what one end writes, the other end reads. The in-memory
 * transport of the conformance suites (docs/conventions.md §3): an emulator attaches to one end, a
 * driver or test to the other, with no PTY or socket in between. Node 20 lacks `stream.duplexPair`
 * (added in 22.6), hence this.
 *
 * Destroying either end ends the other (like a serial line whose device was unplugged: the peer
 * reads EOF and then `close`).
 *
 * @example
 * const [host, device] = createDuplexPair();
 * emulator.attach(device);
 * host.write('status\r');
 */
export function createDuplexPair(): [Duplex, Duplex] {
  const a = new LinkedEnd();
  const b = new LinkedEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class LinkedEnd extends Duplex {
  peer: LinkedEnd | null = null;

  override _read(): void {
    // Data is pushed by the peer's _write; nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (peer && !peer.destroyed) peer.push(Buffer.from(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = null;
    if (peer && !peer.destroyed) {
      peer.push(null);
      peer.destroy();
    }
    callback(error);
  }
}
