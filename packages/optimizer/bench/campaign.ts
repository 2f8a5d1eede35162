/** Shared bench helpers: run an ask/tell campaign to completion, summarise, print tables. */
import type { Study } from '../src/study';

/** One evaluated experiment of a campaign. */
export interface Step {
  cube: number[];
  policy: string;
  /** Value told to the study (noisy for the simulator). */
  measured: number | null;
  /** Noise-free value (for regret / % of optimum). */
  truth: number;
}

/**
 * Asks and tells one experiment at a time until the schedule is done.
 * @param evaluate returns the measured value (or null = failed) and the noise-free truth
 */
export async function runCampaign<C>(study: Study<C>, evaluate: (cube: number[], condition: C) => { measured: number | null; truth: number }): Promise<Step[]> {
  const steps: Step[] = [];
  for (;;) {
    const [s] = await study.ask();
    if (!s) break;
    const r = evaluate(s.cube, s.condition);
    study.tell(s.id, r.measured === null ? { failed: true, reason: 'bench failure' } : r.measured);
    steps.push({ cube: s.cube, policy: s.policy, ...r });
  }
  return steps;
}

/** Running best of `values` (max or min). */
export function bestSoFar(values: readonly number[], direction: 'maximize' | 'minimize'): number[] {
  const out: number[] = [];
  let b = direction === 'maximize' ? -Infinity : Infinity;
  for (const v of values) {
    b = direction === 'maximize' ? Math.max(b, v) : Math.min(b, v);
    out.push(b);
  }
  return out;
}

/** Median (NaN for an empty list); non-finite entries (e.g. "never reached" = Infinity) sort last. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Quantile by linear interpolation. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Prints an aligned text table. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const cells = [header, ...rows].map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = header.map((_, j) => Math.max(...cells.map((r) => r[j]?.length ?? 0)));
  console.log(`\n${title}`);
  cells.forEach((r, i) => {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : '>budget';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** Wall-clock seconds since `t0` (performance.now()). */
export function seconds(t0: number): number {
  return Math.round((performance.now() - t0) / 100) / 10;
}
