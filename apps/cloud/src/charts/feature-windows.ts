/**
 * The wavelength windows the spectral features are measured in: the defaults of
 * `packages/chemistry/src/features/options.ts`, copied as plain numbers so that the browser bundle
 * needs no chemistry (test/charts/spectra.test.ts fails when they drift from chemistry's defaults).
 *
 * @module
 */

/** A closed wavelength interval [low, high], nm. */
export type WindowNm = readonly [number, number];

/** The windows of the feature definitions, nm. */
export interface FeatureWindows {
  /** Where Abs is reported (the UV LED's excitation). */
  readonly excitationNm: number;
  /** Half width of the averaging window around it. */
  readonly excitationHalfWidthNm: number;
  /** Where the main PL peak is searched. */
  readonly plSearchNm: WindowNm;
  /** Regions of the PL baseline fit (a line through all their pixels). */
  readonly plBaselineNm: readonly WindowNm[];
  /** The ~380 nm side-peak window (excess OA). */
  readonly window380Nm: WindowNm;
  /** The ~600 nm side-population window (T < 120 C). */
  readonly window600Nm: WindowNm;
}

/** Chemistry's default windows. */
export const DEFAULT_FEATURE_WINDOWS: FeatureWindows = {
  excitationNm: 300,
  excitationHalfWidthNm: 2,
  plSearchNm: [420, 500],
  plBaselineNm: [
    [345, 360],
    [700, 740],
  ],
  window380Nm: [360, 400],
  window600Nm: [560, 640],
};

/**
 * The PL baseline as chemistry's default fits it: a least-squares line through every pixel inside
 * the baseline regions (a constant with one pixel; null with none). Returns counts at a wavelength.
 */
export function plBaseline(wavelengthNm: readonly number[], values: readonly number[], regions: readonly WindowNm[]): ((nm: number) => number) | null {
  const xs: number[] = [];
  const ys: number[] = [];
  wavelengthNm.forEach((w, i) => {
    const v = values[i];
    if (v !== undefined && Number.isFinite(v) && regions.some(([lo, hi]) => w >= lo && w <= hi)) {
      xs.push(w);
      ys.push(v);
    }
  });
  if (xs.length === 0) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = sxx > 0 ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx : 0;
  return (nm) => my + slope * (nm - mx);
}
