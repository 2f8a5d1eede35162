import type { Duplex } from 'node:stream';
import type { Clock } from '../../src/clock';
import { hasSocat } from '../../src/devices/pty-pair';

/** Real-time Clock (Date.now based) for tests that run before the package's RealClock exists. */
export function localClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const t = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
      }),
    every: (periodMs, fn) => {
      const t = setInterval(fn, periodMs);
      return () => clearInterval(t);
    },
  };
}

/** Clock moved by hand: `advance(ms)` fires due sleeps and periodic callbacks in deadline order. */
export class ManualClock implements Clock {
  private t: number;
  private timers: { at: number; fire: () => void; period?: number; dead?: boolean }[] = [];
  constructor(startMs = 1_700_000_000_000) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = { at: this.t + ms, fire: () => resolve() } as { at: number; fire: () => void; dead?: boolean };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => ((timer.dead = true), reject(signal.reason as Error)), { once: true });
    });
  }
  every(periodMs: number, fn: () => void): () => void {
    const timer = { at: this.t + periodMs, fire: fn, period: periodMs, dead: false };
    this.timers.push(timer);
    return () => void (timer.dead = true);
  }
  /** Advances time, firing timers at their deadlines; awaits microtasks between firings. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers = this.timers.filter((x) => !x.dead);
      const next = this.timers.reduce<(typeof this.timers)[number] | undefined>((a, b) => (a && a.at <= b.at ? a : b), undefined);
      if (!next || next.at > end) break;
      this.t = Math.max(this.t, next.at);
      if (next.period) next.at += next.period;
      else next.dead = true;
      next.fire();
      await new Promise((r) => setImmediate(r));
    }
    this.t = end;
    await new Promise((r) => setImmediate(r));
  }
}

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
