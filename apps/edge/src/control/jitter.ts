/** Loop timing statistics over a sliding window of ticks, ms. */
export interface JitterStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  ticks: number;
}

/** Keeps the last `size` lateness samples (tick start minus its absolute deadline). */
export class JitterRecorder {
  private readonly samples: Float64Array;
  private count = 0;
  private total = 0;

  constructor(size = 6_000) {
    this.samples = new Float64Array(size);
  }

  record(latenessMs: number): void {
    this.samples[this.count % this.samples.length] = Math.max(0, latenessMs);
    this.count++;
    this.total++;
  }

  stats(): JitterStats {
    const n = Math.min(this.count, this.samples.length);
    if (n === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, ticks: 0 };
    const sorted = Float64Array.from(this.samples.subarray(0, n)).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[n - 1]!, ticks: this.total };
  }
}

/**
 * Runs `fn` every `periodMs` at absolute deadlines (start + k x period) measured with
 * process.hrtime, so timer lateness never accumulates into drift (docs/devices.md §5). A tick that
 * overruns skips the deadlines it missed instead of bunching up. Returns a stop function.
 */
export function runAtFixedRate(periodMs: number, fn: (latenessMs: number) => void): () => void {
  const periodNs = BigInt(Math.round(periodMs * 1e6));
  const start = process.hrtime.bigint();
  let k = 1n;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    const now = process.hrtime.bigint();
    let deadline = start + k * periodNs;
    while (deadline < now - periodNs) deadline = start + ++k * periodNs;
    timer = setTimeout(fire, Math.max(0, Number(deadline - now) / 1e6));
  };
  const fire = () => {
    if (stopped) return;
    // libuv timers have 1 ms granularity and may fire a little early: never run before the deadline.
    const early = start + k * periodNs - process.hrtime.bigint();
    if (early > 0n) {
      timer = setTimeout(fire, Number(early) / 1e6 >= 1 ? Math.floor(Number(early) / 1e6) : 0);
      return;
    }
    const lateness = Number(-early) / 1e6;
    k++;
    fn(lateness);
    arm();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
