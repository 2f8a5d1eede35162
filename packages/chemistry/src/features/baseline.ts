import { at, evalPoly, median, polyFit, windowIndices } from './numeric';

/** A fitted PL baseline: its value at any wavelength and the pixel noise around it. */
export interface Baseline {
  /** Baseline at `wavelengthNm`, counts. */
  at(wavelengthNm: number): number;
  /** Standard deviation of single pixels about the baseline in the regions, counts. */
  readonly noise: number;
  /** Pixels the baseline was fitted to. */
  readonly points: number;
}

/** Pixels of `values` that fall in any of `regionsNm`, or 'saturated' if one of them is null. */
export function regionPixels(
  wavelengthNm: readonly number[],
  values: readonly (number | null)[],
  regionsNm: readonly (readonly [number, number])[],
): { xs: number[]; ys: number[] } | 'saturated' {
  const xs: number[] = [];
  const ys: number[] = [];
  const seen = new Set<number>(); // overlapping regions must not count a pixel twice
  for (const region of regionsNm) {
    const { start, end } = windowIndices(wavelengthNm, region);
    for (let i = start; i < end; i++) {
      if (seen.has(i)) continue;
      seen.add(i);
      const v = values[i];
      if (v === null || v === undefined) return 'saturated';
      xs.push(at(wavelengthNm, i));
      ys.push(v);
    }
  }
  return { xs, ys };
}

/**
 * Fits the baseline under the PL spectrum from pixels in flanking regions where nothing emits.
 * - `'linear'`: least-squares line (corrects a tilted background, e.g. stray light); noise is the
 *   residual standard deviation with n - 2 degrees of freedom.
 * - `'median'`: constant median (robust to spikes); noise is 1.4826 x the median absolute deviation.
 * Returns null with fewer than 3 pixels or a degenerate fit.
 */
export function fitBaseline(xs: readonly number[], ys: readonly number[], method: 'linear' | 'median'): Baseline | null {
  const n = xs.length;
  if (n < 3) return null;
  if (method === 'median') {
    const level = median(ys);
    const noise = 1.4826 * median(ys.map((y) => Math.abs(y - level)));
    return { at: () => level, noise, points: n };
  }
  const fit = polyFit(xs, ys, 1);
  if (fit === null) return null;
  const { x0, p } = fit;
  return { at: (x) => evalPoly(p, x - x0), noise: Math.sqrt(fit.rss / (n - 2)), points: n };
}

/** `values` minus the baseline, null where `values` is null. */
export function subtractBaseline(
  wavelengthNm: readonly number[],
  values: readonly (number | null)[],
  baseline: Baseline,
): (number | null)[] {
  return values.map((v, i) => (v === null ? null : v - baseline.at(at(wavelengthNm, i))));
}
