/** A fixed-window counter per key, in memory (one process; enough to blunt guessing and runaways). */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one event; false when the key is over its limit in this window. */
  hit(key: string, now = Date.now()): boolean {
    const w = this.#window(key, now);
    w.count += 1;
    return w.count <= this.limit;
  }

  /** True when the key has used up this window (without counting). */
  blocked(key: string, now = Date.now()): boolean {
    return this.#window(key, now).count >= this.limit;
  }

  #window(key: string, now: number): { start: number; count: number } {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 10_000) for (const [k, v] of this.#windows) if (now - v.start >= this.windowMs) this.#windows.delete(k);
    }
    return w;
  }
}
