import { at, evalPoly, polyFit, windowIndices } from './numeric';

/** The top of a peak: sub-pixel position (nm) and baseline-corrected height (counts). */
export interface PeakTop {
  /** Pixel of the smoothed maximum. */
  readonly index: number;
  readonly wavelengthNm: number;
  readonly height: number;
}

/** Half-open pixel range [start, end). */
export interface PixelRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Finds the main peak in `range`: the maximum of the smoothed, baseline-corrected signal, refined
 * by a least-squares parabola through the raw corrected pixels whose smoothed value is at least
 * `fitFraction` x the maximum (position = vertex, height = vertex value). Falls back to the exact
 * parabola through the 3 smoothed pixels around the maximum, then to the pixel itself.
 * Returns null when the maximum sits on the range's first or last pixel: the signal rises out of
 * the window, so there is no resolved peak in it. All pixels in `range` must be non-null.
 */
export function locatePeak(
  wavelengthNm: readonly number[],
  corrected: readonly (number | null)[],
  smoothed: readonly (number | null)[],
  range: PixelRange,
  fitFraction: number,
): PeakTop | null {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = range.start; i < range.end; i++) {
    const v = smoothed[i] ?? -Infinity;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  if (best <= range.start || best >= range.end - 1) return null;
  const peak = { index: best, wavelengthNm: at(wavelengthNm, best), height: bestValue };
  if (!(bestValue > 0)) return peak; // nothing above the baseline: no-emission decides, not the fit

  // The top region: contiguous pixels around the maximum down to fitFraction of it.
  const level = fitFraction * bestValue;
  const above = (i: number): boolean => (smoothed[i] ?? -Infinity) >= level && corrected[i] != null;
  let lo = best - 1;
  let hi = best + 1;
  while (lo > 0 && above(lo - 1)) lo--;
  while (hi < wavelengthNm.length - 1 && above(hi + 1)) hi++;
  const top = vertex(wavelengthNm, corrected, lo, hi);
  if (top !== null) return { index: best, ...top };
  const three = vertex(wavelengthNm, smoothed, best - 1, best + 1);
  return three === null ? peak : { index: best, ...three };
}

// Vertex of the least-squares parabola through pixels lo..hi, if it opens downwards and its
// vertex lies inside [lambda(lo), lambda(hi)] (otherwise the fit is not describing a top).
function vertex(
  wavelengthNm: readonly number[],
  values: readonly (number | null)[],
  lo: number,
  hi: number,
): { wavelengthNm: number; height: number } | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = lo; i <= hi; i++) {
    const v = values[i];
    if (v === null || v === undefined) return null;
    xs.push(at(wavelengthNm, i));
    ys.push(v);
  }
  const fit = polyFit(xs, ys, 2);
  if (fit === null) return null;
  const [, b = 0, c = 0] = fit.p;
  if (!(c < 0)) return null;
  const t = -b / (2 * c);
  const x = fit.x0 + t;
  if (!(x >= at(xs, 0) && x <= at(xs, xs.length - 1))) return null;
  return { wavelengthNm: x, height: evalPoly(fit.p, t) };
}

/**
 * Full width at `level` (normally height / 2) of the peak around pixel `peakIndex`, nm. Walks the
 * smoothed signal outwards to the first pixel below the level on each side and interpolates the
 * crossing; then refines each crossing with a least-squares line through the raw corrected pixels
 * within +- 10 % of that first width (a Gaussian is nearly straight there, and many pixels average
 * the noise that makes a two-pixel interpolation wander). Returns 'saturated' if a masked pixel
 * comes first, null if the spectrum ends first.
 */
export function fullWidthAtLevel(
  wavelengthNm: readonly number[],
  corrected: readonly (number | null)[],
  smoothed: readonly (number | null)[],
  peakIndex: number,
  level: number,
): number | null | 'saturated' {
  const crossing = (step: 1 | -1): number | null | 'saturated' => {
    let inner = smoothed[peakIndex];
    for (let i = peakIndex + step; i >= 0 && i < smoothed.length; i += step) {
      const v = smoothed[i];
      if (v === null || v === undefined || inner === null || inner === undefined) return 'saturated';
      if (v < level) {
        const xi = at(wavelengthNm, i - step);
        const xo = at(wavelengthNm, i);
        const f = inner === v ? 0.5 : (inner - level) / (inner - v);
        return xi + f * (xo - xi);
      }
      inner = v;
    }
    return null;
  };
  const left = crossing(-1);
  const right = crossing(1);
  if (left === 'saturated' || right === 'saturated') return 'saturated';
  if (left === null || right === null) return null;
  const halfWindow = 0.1 * (right - left);
  const refine = (x: number, sign: 1 | -1): number => refineCrossing(wavelengthNm, corrected, x, halfWindow, level, sign) ?? x;
  return refine(right, -1) - refine(left, 1);
}

// Where a least-squares line through the pixels within x +- halfWindow reaches `level`; null if
// the line has the wrong slope sign, the crossing leaves the window, or a pixel is masked.
function refineCrossing(
  wavelengthNm: readonly number[],
  corrected: readonly (number | null)[],
  x: number,
  halfWindow: number,
  level: number,
  sign: 1 | -1,
): number | null {
  const { start, end } = windowIndices(wavelengthNm, [x - halfWindow, x + halfWindow]);
  if (end - start < 3) return null;
  const xs = wavelengthNm.slice(start, end);
  const ys = corrected.slice(start, end);
  if (ys.some((v) => v === null)) return null;
  const fit = polyFit(xs, ys as number[], 1);
  if (fit === null) return null;
  const [b0 = NaN, b1 = NaN] = fit.p;
  if (!(sign * b1 > 0)) return null;
  const refined = fit.x0 + (level - b0) / b1;
  return Math.abs(refined - x) <= halfWindow ? refined : null;
}

/**
 * Height of a side peak in `range`, counts, >= 0: the largest smoothed value above either the
 * global baseline (`localBaseline` false) or a chord between the window's ends (each end the mean
 * of its outer 10 % of pixels), which removes a sloping flank of the main peak. A side peak much
 * wider than the window is underestimated by the chord. 'saturated' if a pixel is masked.
 */
export function sidePeakHeight(
  wavelengthNm: readonly number[],
  smoothed: readonly (number | null)[],
  range: PixelRange,
  localBaseline: boolean,
): number | 'saturated' {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = range.start; i < range.end; i++) {
    const v = smoothed[i];
    if (v === null || v === undefined) return 'saturated';
    xs.push(at(wavelengthNm, i));
    ys.push(v);
  }
  const n = xs.length;
  let chord = (_x: number): number => 0;
  if (localBaseline && n >= 2) {
    const k = Math.max(1, Math.round(0.1 * n));
    const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    const [x1, y1, x2, y2] = [mean(xs.slice(0, k)), mean(ys.slice(0, k)), mean(xs.slice(n - k)), mean(ys.slice(n - k))];
    chord = (x) => y1 + ((y2 - y1) * (x - x1)) / (x2 - x1);
  }
  let height = 0;
  for (let i = 0; i < n; i++) height = Math.max(height, at(ys, i) - chord(at(xs, i)));
  return height;
}
