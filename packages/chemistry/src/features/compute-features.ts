import { FEATURE_FLAGS, type FeatureFlag } from '@sdfl/protocol';
import { ChemistryError } from '../errors';
import { absorbance, plSignal, type AbsorptionSpectra, type PlSpectra } from './absorbance';
import { fitBaseline, regionPixels, subtractBaseline } from './baseline';
import { at, evalPoly, lowerBound, polyFit, trapezoid, windowIndices } from './numeric';
import { parseFeatureOptions, type FeatureOptions, type FeatureOptionsInput } from './options';
import { fullWidthAtLevel, locatePeak, sidePeakHeight, type PixelRange } from './peak';
import { smoothMasked } from './smoothing';
import { assertCovers, type MaskedSpectrum } from './spectrum';

/**
 * Why some features are null (or 0): set instead of reporting a garbage number. The names are the
 * protocol's `FEATURE_FLAGS` (their order is the order flags are listed in).
 */
export type { FeatureFlag };

/** The spectra of one experiment, as acquired after t_E. */
export interface FeatureInput {
  readonly absorption: AbsorptionSpectra;
  readonly pl: PlSpectra;
}

/**
 * Features of one experiment (docs/science.md §5), one field per protocol `FEATURE_NAMES` entry
 * (test/shared-names.test.ts checks they match). null = not measurable, see flags.
 */
export interface Features {
  /** Absorbance at the excitation wavelength (default 300 nm), absorbance units. Yield proxy. */
  abs300: number | null;
  /** Main PL peak position, nm (~450 nm for Cs3Cu2I5). */
  plPeakNm: number | null;
  /** PL_I: baseline-corrected main peak height, counts. The optimization target (PLQY proxy). */
  plIntensity: number | null;
  /** PL_A: baseline-corrected area over the area window, counts x nm. 0 when `no-emission`. */
  plArea: number | null;
  /** Full width at half maximum of the main peak, nm. */
  fwhmNm: number | null;
  /** Height of the ~380 nm side peak, counts (>= 0). */
  sidePeak380: number | null;
  /** Height of the ~600 nm side peak, counts (>= 0). */
  sidePeak600: number | null;
  /** Sorted, without duplicates. */
  flags: FeatureFlag[];
}

const FLAG_ORDER: readonly FeatureFlag[] = FEATURE_FLAGS;

/**
 * Computes Abs300, PL peak position, PL_I, PL_A, FWHM and side-peak heights from raw spectra.
 * Pure and deterministic. Outcomes that are measurements (saturation, no emission, weak signal)
 * give flags and null features; only malformed input throws:
 * ChemistryError('INVALID_SPECTRUM') for bad spectra, differing grids, or a grid that does not
 * cover a configured window; ChemistryError('INVALID_CONFIG') for bad options.
 *
 * - `saturated`: a pixel of a window a feature uses is saturated -> that feature is null.
 * - `no-emission`: no resolved maximum inside the search window, or PL_I < noEmissionSnr x noise
 *   (noise = pixel std about the baseline) -> plPeakNm, plIntensity, fwhmNm null, plArea 0
 *   (zero emission is a result the optimizer must learn from, not a missing value).
 * - `low-signal`: reference below minReferenceCounts or S - D <= 0 in the Abs window, or
 *   PL_I below lowSignalSnr x noise; values are still reported when computable.
 *
 * Method: PL baseline fitted in flanking regions; PL_I and position from a least-squares parabola
 * over the top 80 % of the smoothed peak; PL_A by trapezoids over the area window; FWHM from
 * half-maximum crossings refined by local line fits. Known limits (model-free, no deconvolution):
 * very broad emission leaks into the 345-360 nm baseline region (~0.5 % of PL_I at FWHM 70 nm
 * centred at 450 nm; a 430 nm peak of FWHM 60 nm reads PL_A ~1.7 % low), and side-peak heights above a local chord read a few
 * percent low on the convex flank of a strong main peak.
 * @example computeFeatures({ absorption: { sample, dark, reference }, pl: { sample: pl, dark: plDark } })
 */
export function computeFeatures(input: FeatureInput, options: FeatureOptionsInput = {}): Features {
  const o = parseFeatureOptions(options);
  const flags = new Set<FeatureFlag>();
  const abs300 = absorbanceAt(absorbance(input.absorption, o.absorbance), o.absorbance, flags);
  const pl = plFeatures(plSignal(input.pl, o.pl), o, flags);
  const features = { abs300, ...pl };
  // Last guard: extreme inputs may overflow; a non-finite number is never reported.
  for (const key of Object.keys(features) as (keyof typeof features)[]) {
    const v = features[key];
    if (v !== null && !Number.isFinite(v)) features[key] = null;
  }
  return { ...features, flags: FLAG_ORDER.filter((f) => flags.has(f)) };
}

// Abs at the excitation wavelength: least-squares line through the unmasked pixels within
// +- halfWidthNm, evaluated at the centre (= their mean for a symmetric window, unbiased on a slope).
function absorbanceAt(spectrum: MaskedSpectrum, o: FeatureOptions['absorbance'], flags: Set<FeatureFlag>): number | null {
  const wl = spectrum.wavelengthNm;
  const window = [o.excitationNm - o.halfWidthNm, o.excitationNm + o.halfWidthNm] as const;
  assertCovers(wl, window, `the absorbance window around ${o.excitationNm} nm`);
  let { start, end } = windowIndices(wl, window);
  if (end - start < 2) {
    // Window narrower than the pixel pitch: use the two pixels around the excitation wavelength.
    end = Math.min(wl.length, Math.max(lowerBound(wl, o.excitationNm) + 1, 2));
    start = end - 2;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = start; i < end; i++) {
    const reason = spectrum.mask[i];
    if (reason === 'saturated') {
      flags.add('saturated');
      return null;
    }
    if (reason === 'low-reference' || reason === 'non-positive') flags.add('low-signal');
    const v = spectrum.values[i];
    if (v !== null && v !== undefined) {
      xs.push(at(wl, i));
      ys.push(v);
    }
  }
  if (xs.length < Math.min(o.minValidPixels, end - start)) return null;
  const fit = polyFit(xs, ys, 1);
  return fit === null ? at(ys, 0) : evalPoly(fit.p, o.excitationNm - fit.x0);
}

// Pixel range of a configured window; throws if the grid does not cover it with >= 3 pixels.
function rangeOf(wl: readonly number[], window: readonly [number, number], what: string): PixelRange {
  assertCovers(wl, window, what);
  const range = windowIndices(wl, window);
  if (range.end - range.start < 3) {
    throw new ChemistryError('INVALID_SPECTRUM', `${what} (${window[0]}-${window[1]} nm) holds fewer than 3 pixels of the grid`);
  }
  return range;
}

const hasMasked = (values: readonly (number | null)[], r: PixelRange): boolean =>
  values.slice(r.start, r.end).some((v) => v === null);

type PlFeatures = Omit<Features, 'abs300' | 'flags'>;

function plFeatures(signal: MaskedSpectrum, o: FeatureOptions, flags: Set<FeatureFlag>): PlFeatures {
  const wl = signal.wavelengthNm;
  const out: PlFeatures = { plPeakNm: null, plIntensity: null, plArea: null, fwhmNm: null, sidePeak380: null, sidePeak600: null };
  const search = rangeOf(wl, o.pl.searchWindowNm, 'the PL search window');
  const area = rangeOf(wl, o.pl.areaWindowNm, 'the PL area window');
  const side380 = rangeOf(wl, o.sidePeaks.window380Nm, 'the 380 nm side-peak window');
  const side600 = rangeOf(wl, o.sidePeaks.window600Nm, 'the 600 nm side-peak window');
  o.pl.baseline.regionsNm.forEach((r, k) => rangeOf(wl, r, `PL baseline region ${k + 1}`));

  const region = regionPixels(wl, signal.values, o.pl.baseline.regionsNm);
  if (region === 'saturated') {
    flags.add('saturated'); // every PL feature is relative to the baseline
    return out;
  }
  const baseline = fitBaseline(region.xs, region.ys, o.pl.baseline.method);
  if (baseline === null) return out;
  const corrected = subtractBaseline(wl, signal.values, baseline);
  const smoothed = smoothMasked(corrected, o.pl.smoothing);

  const side = (r: PixelRange): number | null => {
    const h = sidePeakHeight(wl, smoothed, r, o.sidePeaks.localBaseline);
    if (h !== 'saturated') return h;
    flags.add('saturated');
    return null;
  };
  out.sidePeak380 = side(side380);
  out.sidePeak600 = side(side600);

  // The area's end points are interpolated from the pixels just outside the window, so those count too.
  const areaSaturated = hasMasked(corrected, { start: Math.max(0, area.start - 1), end: area.end + 1 });
  if (areaSaturated) flags.add('saturated');
  if (hasMasked(corrected, search)) {
    flags.add('saturated');
    return out;
  }
  const peak = locatePeak(wl, corrected, smoothed, search, o.pl.peakFitFraction);
  const snr = peak === null ? 0 : signalToNoise(peak.height, baseline.noise);
  if (peak === null || snr < o.pl.noEmissionSnr) {
    flags.add('no-emission');
    out.plArea = areaSaturated ? null : 0;
    return out;
  }
  if (snr < o.pl.lowSignalSnr) flags.add('low-signal');
  out.plPeakNm = peak.wavelengthNm;
  out.plIntensity = peak.height;
  if (!areaSaturated) {
    const ys = corrected.map((v) => v ?? 0); // no nulls inside the area window (checked above)
    out.plArea = trapezoid(wl, ys, o.pl.areaWindowNm[0], o.pl.areaWindowNm[1]);
  }
  const width = fullWidthAtLevel(wl, corrected, smoothed, peak.index, peak.height / 2);
  if (width === 'saturated') flags.add('saturated');
  else out.fwhmNm = width;
  return out;
}

// Peak height over single-pixel baseline noise; a noiseless synthetic baseline gives +-Infinity.
function signalToNoise(height: number, noise: number): number {
  if (noise > 0) return height / noise;
  return height > 0 ? Infinity : 0;
}
