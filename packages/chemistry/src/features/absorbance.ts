import { HDX_SATURATION_COUNTS, parseAbsorbanceOptions, type AbsorbanceOptionsInput } from './options';
import { validateSameGrid, type MaskedSpectrum, type PixelMask, type Spectrum } from './spectrum';

/** The three spectra of an absorption measurement, all on one wavelength grid (counts). */
export interface AbsorptionSpectra {
  /** Lamp through the flowcell with the product flowing. */
  readonly sample: Spectrum;
  /** Lamp shuttered, same integration time, scans and boxcar (docs/devices.md §2: no dark pixels). */
  readonly dark: Spectrum;
  /** Lamp through the flowcell with the blank (solvent + carrier). */
  readonly reference: Spectrum;
}

/** The two spectra of a PL measurement, on one wavelength grid (counts). */
export interface PlSpectra {
  /** UV LED on. */
  readonly sample: Spectrum;
  /** UV LED off, same acquisition settings. */
  readonly dark: Spectrum;
}

/**
 * Absorbance A = -log10((S - D) / (R - D)) per pixel (docs/science.md §5, docs/devices.md §2).
 *
 * Masked (null) pixels, with `mask[i]` giving the reason:
 * - `'saturated'`: S, D or R >= `saturationCounts` (default 65535);
 * - `'low-reference'`: R - D < `minReferenceCounts` (default 500 counts), transmission undefined;
 * - `'non-positive'`: S - D <= 0. With `nonPositive: 'mask'` (default) the value is null; with
 *   `'clip'` it is `maxAbsorbance` (default 4) and all values are capped there.
 *
 * Throws ChemistryError('INVALID_SPECTRUM') for malformed spectra or differing grids and
 * ChemistryError('INVALID_CONFIG') for bad options.
 */
export function absorbance(spectra: AbsorptionSpectra, opts: AbsorbanceOptionsInput = {}): MaskedSpectrum {
  const o = parseAbsorbanceOptions(opts);
  const { sample, dark, reference } = spectra;
  validateSameGrid({ 'absorption sample': sample, 'absorption dark': dark, 'absorption reference': reference });
  const n = sample.counts.length;
  const values = new Array<number | null>(n).fill(null);
  const mask = new Array<PixelMask | null>(n).fill(null);
  let masked = 0;
  for (let i = 0; i < n; i++) {
    const s = sample.counts[i] ?? NaN;
    const d = dark.counts[i] ?? NaN;
    const r = reference.counts[i] ?? NaN;
    const signal = s - d;
    const ref = r - d;
    if (s >= o.saturationCounts || d >= o.saturationCounts || r >= o.saturationCounts) {
      mask[i] = 'saturated';
    } else if (!(ref >= o.minReferenceCounts) || !(ref > 0)) {
      mask[i] = 'low-reference';
    } else if (!(signal > 0)) {
      mask[i] = 'non-positive';
      if (o.nonPositive === 'clip') values[i] = o.maxAbsorbance;
    } else {
      const a = -Math.log10(signal / ref);
      values[i] = o.nonPositive === 'clip' ? Math.min(a, o.maxAbsorbance) : a;
    }
    if (values[i] === null) masked++;
  }
  return { wavelengthNm: sample.wavelengthNm, values, mask, masked };
}

/**
 * Dark-corrected PL signal S - D per pixel, counts. Pixels where S or D >= `saturationCounts`
 * (default 65535) are null with mask `'saturated'`: a clipped detector makes S - D meaningless.
 * Throws ChemistryError('INVALID_SPECTRUM') for malformed spectra or differing grids.
 */
export function plSignal(spectra: PlSpectra, opts: { saturationCounts?: number } = {}): MaskedSpectrum {
  const saturation = opts.saturationCounts ?? HDX_SATURATION_COUNTS;
  const { sample, dark } = spectra;
  validateSameGrid({ 'PL sample': sample, 'PL dark': dark });
  const n = sample.counts.length;
  const values = new Array<number | null>(n).fill(null);
  const mask = new Array<PixelMask | null>(n).fill(null);
  let masked = 0;
  for (let i = 0; i < n; i++) {
    const s = sample.counts[i] ?? NaN;
    const d = dark.counts[i] ?? NaN;
    if (s >= saturation || d >= saturation) {
      mask[i] = 'saturated';
      masked++;
    } else {
      values[i] = s - d;
    }
  }
  return { wavelengthNm: sample.wavelengthNm, values, mask, masked };
}
