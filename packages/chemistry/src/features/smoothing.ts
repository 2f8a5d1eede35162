import { at } from './numeric';

/** How to smooth a spectrum: method and odd window length in pixels. */
export interface SmoothingOptions {
  readonly method: 'savitzky-golay' | 'moving-average' | 'none';
  readonly points: number;
}

/**
 * Quadratic/cubic Savitzky-Golay smoothing with an odd window of `points` pixels. Unlike a moving
 * average it preserves the height and width of peaks wider than the window. Near the ends the
 * window shrinks symmetrically (the end pixels stay as they are), so no value is extrapolated.
 */
export function savitzkyGolay(values: readonly number[], points: number): number[] {
  const half = Math.max(0, (points - 1) >> 1);
  const weights = new Map<number, number[]>();
  return values.map((_, i) => {
    const m = Math.min(half, i, values.length - 1 - i);
    if (m < 2) return at(values, i); // a 3-point quadratic is the identity
    let w = weights.get(m);
    if (w === undefined) {
      w = sgWeights(m);
      weights.set(m, w);
    }
    let sum = 0;
    for (let k = -m; k <= m; k++) sum += at(w, k + m) * at(values, i + k);
    return sum;
  });
}

// Closed-form quadratic SG smoothing weights for half-width m (Savitzky & Golay 1964, Table I):
// c_k = (3(3m^2 + 3m - 1) - 15k^2) / ((2m + 3)(2m + 1)(2m - 1)).
function sgWeights(m: number): number[] {
  const norm = (2 * m + 3) * (2 * m + 1) * (2 * m - 1);
  return Array.from({ length: 2 * m + 1 }, (_, j) => {
    const k = j - m;
    return (3 * (3 * m * m + 3 * m - 1) - 15 * k * k) / norm;
  });
}

/** Centred moving average over an odd window of `points` pixels, shrinking symmetrically at the ends. */
export function movingAverage(values: readonly number[], points: number): number[] {
  const half = Math.max(0, (points - 1) >> 1);
  // Prefix sums make it O(n) whatever the window.
  const prefix = [0];
  for (const v of values) prefix.push(at(prefix, prefix.length - 1) + v);
  return values.map((_, i) => {
    const m = Math.min(half, i, values.length - 1 - i);
    return (at(prefix, i + m + 1) - at(prefix, i - m)) / (2 * m + 1);
  });
}

/**
 * Smooths each run of non-null values separately; null (masked) pixels stay null and never leak
 * into their neighbours.
 */
export function smoothMasked(values: readonly (number | null)[], options: SmoothingOptions): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(values.length).fill(null);
  let i = 0;
  while (i < values.length) {
    if (values[i] === null) {
      i++;
      continue;
    }
    const run: number[] = [];
    const start = i;
    for (let v = values[i]; i < values.length && v !== null && v !== undefined; v = values[++i]) run.push(v);
    const smoothed = smooth(run, options);
    for (let k = 0; k < smoothed.length; k++) out[start + k] = at(smoothed, k);
  }
  return out;
}

/** Applies the chosen smoother to a dense array. */
export function smooth(values: readonly number[], { method, points }: SmoothingOptions): number[] {
  if (method === 'savitzky-golay') return savitzkyGolay(values, points);
  if (method === 'moving-average') return movingAverage(values, points);
  return [...values];
}
