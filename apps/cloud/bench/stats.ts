/** Small statistics and formatting helpers shared by the cloud benchmarks. */

/** Nearest-rank percentile of `xs` (p in 0..1); NaN for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** p50 / p99 / max / n of a list of milliseconds. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, p50: percentile(xs, 0.5), p99: percentile(xs, 0.99), max: xs.length ? Math.max(...xs) : Number.NaN };
}

/** `12.3 ms` or `1.23 s`. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`;
}

/** Prints rows as an aligned table (first row = header). */
export function printTable(title: string, rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** Rounds every number of a JSON-able value to 2 decimals (for the final line). */
export function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))) as T;
}

export const sleep = (msTime: number) => new Promise<void>((r) => setTimeout(r, msTime));

/** Polls `check` every 20 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
