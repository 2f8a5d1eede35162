import { ChemistryError } from '../errors';

/**
 * Linear interpolation of the table (xs, ys) at x. `xs` must increase strictly. Outside the table
 * the end values are returned (like numpy.interp); NaN x gives NaN.
 * Throws ChemistryError('INVALID_SPECTRUM') on empty or unequal tables.
 * @example interpolate([400, 500], [0, 10], 450) // 5
 */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (xs.length === 0 || xs.length !== ys.length) {
    throw new ChemistryError('INVALID_SPECTRUM', `interpolate: need equal, non-empty tables (got ${xs.length} xs, ${ys.length} ys)`);
  }
  if (Number.isNaN(x)) return NaN;
  const n = xs.length;
  if (x <= at(xs, 0)) return at(ys, 0);
  if (x >= at(xs, n - 1)) return at(ys, n - 1);
  const hi = lowerBound(xs, x); // xs[hi - 1] < x <= xs[hi], 1 <= hi <= n - 1
  const x0 = at(xs, hi - 1);
  const x1 = at(xs, hi);
  const t = (x - x0) / (x1 - x0);
  return at(ys, hi - 1) + t * (at(ys, hi) - at(ys, hi - 1));
}

/**
 * Wavelength of each pixel from the spectrometer's calibration polynomial,
 * lambda(i) = sum_k c_k * i^k, nm (docs/devices.md §2; HDX stores N = 4 coefficients).
 * Throws ChemistryError('INVALID_SPECTRUM') for no/non-finite coefficients or a bad pixel count.
 * @example pixelWavelengths([200, 0.5], 3) // [200, 200.5, 201]
 */
export function pixelWavelengths(coefficients: readonly number[], n: number): number[] {
  if (coefficients.length === 0 || !coefficients.every(Number.isFinite)) {
    throw new ChemistryError('INVALID_SPECTRUM', `pixelWavelengths: coefficients must be finite numbers (got [${coefficients.join(', ')}])`);
  }
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ChemistryError('INVALID_SPECTRUM', `pixelWavelengths: pixel count must be a non-negative integer (got ${n})`);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let w = 0;
    for (let k = coefficients.length - 1; k >= 0; k--) w = w * i + at(coefficients, k); // Horner
    out[i] = w;
  }
  return out;
}

/** Element i of an array whose bounds the caller has checked (noUncheckedIndexedAccess helper). */
export function at(values: readonly number[], i: number): number {
  return values[i] as number;
}

/** First index whose value is >= x in an increasing array (values.length if none). */
export function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(values, mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Half-open index range [start, end) of the pixels with lo <= wavelength <= hi. */
export function windowIndices(wavelengthNm: readonly number[], [lo, hi]: readonly [number, number]): { start: number; end: number } {
  const start = lowerBound(wavelengthNm, lo);
  let end = lowerBound(wavelengthNm, hi);
  if (end < wavelengthNm.length && at(wavelengthNm, end) === hi) end++;
  return { start, end: Math.max(start, end) };
}

/** Median of a non-empty list (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? at(sorted, mid) : (at(sorted, mid - 1) + at(sorted, mid)) / 2;
}

/**
 * Least-squares polynomial y = sum_k p_k (x - x0)^k of degree 1 or 2, with x0 the mean of xs
 * (centring keeps the normal equations well conditioned on a 200-900 nm axis).
 * Returns null when the system is singular (too few distinct x).
 */
export function polyFit(xs: readonly number[], ys: readonly number[], degree: 1 | 2): { x0: number; p: number[]; rss: number } | null {
  const n = xs.length;
  const m = degree + 1;
  if (n < m) return null;
  const x0 = xs.reduce((s, x) => s + x, 0) / n;
  // Normal equations A p = b with A_jk = sum t^(j+k), b_j = sum y t^j.
  const a = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const t = at(xs, i) - x0;
    const y = at(ys, i);
    for (let j = 0; j < m; j++) {
      const row = a[j] as number[];
      for (let k = 0; k < m; k++) row[k] = at(row, k) + t ** (j + k);
      row[m] = at(row, m) + y * t ** j;
    }
  }
  const p = solve(a, m);
  if (p === null) return null;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (at(ys, i) - evalPoly(p, at(xs, i) - x0)) ** 2;
  return { x0, p, rss };
}

/** Value of sum_k p_k t^k. */
export function evalPoly(p: readonly number[], t: number): number {
  let v = 0;
  for (let k = p.length - 1; k >= 0; k--) v = v * t + at(p, k);
  return v;
}

// Gaussian elimination with partial pivoting on an m x (m+1) augmented matrix (m <= 3).
function solve(a: number[][], m: number): number[] | null {
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    const scale = Math.max(...a.map((row) => Math.abs(row[c]!)));
    if (!(Math.abs(a[pivot]![c]!) > 1e-12 * scale)) return null;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    const rowC = a[c]!;
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const row = a[r]!;
      const f = row[c]! / rowC[c]!;
      for (let k = c; k <= m; k++) row[k] = row[k]! - f * rowC[k]!;
    }
  }
  const p = a.map((row, i) => row[m]! / row[i]!);
  return p.every(Number.isFinite) ? p : null;
}

/**
 * Trapezoid integral of the piecewise-linear curve (xs, ys) over [lo, hi], with the partial
 * intervals at both ends interpolated, so the result does not jump as pixels cross the limits.
 * Units: y-units x nm. Assumes xs increasing and covering [lo, hi].
 */
export function trapezoid(xs: readonly number[], ys: readonly number[], lo: number, hi: number): number {
  const { start, end } = windowIndices(xs, [lo, hi]);
  const px = [lo];
  const py = [interpolate(xs, ys, lo)];
  for (let i = start; i < end; i++) {
    if (at(xs, i) > lo && at(xs, i) < hi) {
      px.push(at(xs, i));
      py.push(at(ys, i));
    }
  }
  px.push(hi);
  py.push(interpolate(xs, ys, hi));
  let area = 0;
  for (let i = 1; i < px.length; i++) area += ((at(px, i) - at(px, i - 1)) * (at(py, i) + at(py, i - 1))) / 2;
  return area;
}
