/** Seeded 7-D test data for the ENN tests. */
import { createRng } from '../src/enn/rng';

/** Smooth 7-D target: a sum of sines plus one interaction (range ~ +-6). */
export function smooth7(x: readonly number[]): number {
  return x.reduce((a, v, i) => a + Math.sin(2 * v + 0.3 * i) * (1 + 0.2 * i), 0) + 2 * (x[0]! - 0.5) * (x[1]! - 0.5);
}

/** n uniform points in [lo, hi]^d. */
export function points(n: number, seed: number, d = 7, lo = 0, hi = 1): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => lo + (hi - lo) * rng.next()));
}

/** Observations of `f` at n seeded points. */
export function dataset(n: number, seed: number, f = smooth7, lo = 0, hi = 1): { x: number[][]; y: number[] } {
  const x = points(n, seed, 7, lo, hi);
  return { x, y: x.map(f) };
}

/** A small, fast structure for tests that do not measure accuracy. */
export const TINY = { members: 4, depth: 1, width: 8, epochs: 40 } as const;

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
