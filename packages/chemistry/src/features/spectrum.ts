import { ChemistryError } from '../errors';

/**
 * One spectrometer read-out: `counts[i]` (detector counts, dark not subtracted) measured at
 * `wavelengthNm[i]` (nm, strictly increasing, as given by the wavelength polynomial).
 */
export interface Spectrum {
  readonly wavelengthNm: readonly number[];
  readonly counts: readonly number[];
}

/** Why a pixel of a derived spectrum carries no usable value. */
export type PixelMask = 'saturated' | 'low-reference' | 'non-positive';

/**
 * A derived spectrum (absorbance, dark-corrected PL) on the input grid. `values[i]` is null where
 * the pixel is masked; `mask[i]` says why (it may also be set on a non-null value, e.g. an
 * absorbance clipped at its cap); `masked` counts the null values.
 */
export interface MaskedSpectrum {
  readonly wavelengthNm: readonly number[];
  readonly values: readonly (number | null)[];
  readonly mask: readonly (PixelMask | null)[];
  readonly masked: number;
}

/** Two grids are the same if every wavelength agrees to this, nm (float32 coefficients round-trip). */
const GRID_TOLERANCE_NM = 1e-6;

const invalid = (message: string): ChemistryError => new ChemistryError('INVALID_SPECTRUM', message);

/**
 * Checks the shape of a spectrum: arrays of equal length >= 2, finite counts, finite and strictly
 * increasing wavelengths. Throws ChemistryError('INVALID_SPECTRUM') naming `label` and the pixel.
 */
export function validateSpectrum(spectrum: Spectrum, label = 'spectrum'): void {
  // Runtime checks on purpose: spectra arrive from drivers, files and the network.
  const s = spectrum as Partial<Spectrum> | null | undefined;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.wavelengthNm) || !Array.isArray(s.counts)) {
    throw invalid(`${label}: expected { wavelengthNm: number[], counts: number[] }`);
  }
  const { wavelengthNm: wl, counts } = s;
  if (wl.length !== counts.length) {
    throw invalid(`${label}: ${wl.length} wavelengths but ${counts.length} counts (lengths must match)`);
  }
  if (wl.length < 2) {
    throw invalid(`${label}: ${wl.length === 0 ? 'empty' : 'a single pixel'} (at least 2 pixels are needed)`);
  }
  let previous = -Infinity;
  for (let i = 0; i < wl.length; i++) {
    const w: unknown = wl[i];
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw invalid(`${label}: wavelength at pixel ${i} is ${String(w)} (must be a finite number, nm)`);
    }
    if (w <= previous) {
      throw invalid(`${label}: wavelengths must increase strictly; pixel ${i} (${w} nm) follows ${previous} nm`);
    }
    previous = w;
    const c: unknown = counts[i];
    if (typeof c !== 'number' || !Number.isFinite(c)) {
      throw invalid(`${label}: counts at pixel ${i} is ${String(c)} (must be a finite number)`);
    }
  }
}

/**
 * Validates each spectrum and checks that all share one wavelength grid (same spectrometer, same
 * calibration). Throws ChemistryError('INVALID_SPECTRUM').
 */
export function validateSameGrid(spectra: Readonly<Record<string, Spectrum>>): void {
  const entries = Object.entries(spectra);
  for (const [label, s] of entries) validateSpectrum(s, label);
  const first = entries[0];
  if (first === undefined) return;
  const [firstLabel, ref] = first;
  for (const [label, s] of entries.slice(1)) {
    if (s.wavelengthNm.length !== ref.wavelengthNm.length) {
      throw invalid(`${label} has ${s.wavelengthNm.length} pixels but ${firstLabel} has ${ref.wavelengthNm.length} (same grid required)`);
    }
    for (let i = 0; i < ref.wavelengthNm.length; i++) {
      const a = ref.wavelengthNm[i] ?? NaN;
      const b = s.wavelengthNm[i] ?? NaN;
      if (!(Math.abs(a - b) <= GRID_TOLERANCE_NM)) {
        throw invalid(`${label} and ${firstLabel} differ at pixel ${i} (${b} vs ${a} nm); they must share one wavelength grid`);
      }
    }
  }
}

/**
 * Throws ChemistryError('INVALID_SPECTRUM') unless the grid spans `[lo, hi]`: a window the
 * spectrometer does not cover is a configuration error, not a measurement outcome.
 */
export function assertCovers(wavelengthNm: readonly number[], [lo, hi]: readonly [number, number], what: string): void {
  const first = wavelengthNm[0] ?? NaN;
  const last = wavelengthNm[wavelengthNm.length - 1] ?? NaN;
  if (!(first <= lo && last >= hi)) {
    throw invalid(`spectrum covers ${first}-${last} nm but ${what} needs ${lo}-${hi} nm`);
  }
}
