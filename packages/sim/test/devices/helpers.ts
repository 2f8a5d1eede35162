import type { Duplex } from 'node:stream';
import { hasSocat } from '../../src/devices/pty-pair';

/**
 * Whether socat-based tests can run. Under CI=true a missing socat is a failure (the CI script
 * installs it); elsewhere the tests skip with the install hint.
 */
export function socatAvailable(): boolean {
  if (hasSocat()) return true;
  const hint = 'socat not found: apt-get install socat';
  if (process.env.CI === 'true') throw new Error(`${hint} (required under CI=true)`);
  console.warn(`skipping PTY tests: ${hint}`);
  return false;
}

/** Collects bytes from a stream and hands out Chemyx replies framed on the `>` prompt. */
export class PromptReader {
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  constructor(stream: Duplex) {
    stream.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
  }
  /** Everything received so far, consumed. */
  drain(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }
  /** Resolves with the bytes up to and including the next `>`; rejects after `timeoutMs`. */
  async reply(timeoutMs = 1000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buf.indexOf(0x3e);
      if (i >= 0) {
        const out = this.buf.subarray(0, i + 1).toString('latin1');
        this.buf = this.buf.subarray(i + 1);
        return out;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '>' within ${timeoutMs} ms; got ${JSON.stringify(this.buf.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => (clearTimeout(t), resolve());
      });
      this.waiter = null;
    }
  }
}
