import type { OpticalSample } from '../optics';
import type { SpectralComponents } from './response';

/** Noise-free features of a product (what a perfect extractor reads from its spectra). */
export interface ReactorFeatures {
  /** Absorbance at 300 nm, AU (yield proxy). */
  abs300: number;
  /** PL_I: height of the STE emission, relative PL units (~1 at the reference condition). The optimization target. */
  plIntensity: number;
  /** PL_A: area of the STE band, PL units x nm (= PL_I x FWHM x 1.0645 for the Gaussian band). */
  plArea: number;
  /** STE peak position, nm (450, independent of inputs). */
  plPeakNm: number;
  /** STE band full width at half maximum, nm (80-90). */
  fwhmNm: number;
  /** Height of the ~380 nm side emission (Cs-oleate / excess OA), PL units. */
  sidePeak380: number;
  /** Height of the ~600 nm side emission (second population below ~120 C), PL units. */
  sidePeak600: number;
}

/** Area of a unit-height Gaussian per nm of FWHM: sqrt(pi / (4 ln 2)). */
export const GAUSSIAN_AREA_PER_FWHM = Math.sqrt(Math.PI / (4 * Math.LN2));

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);
const gauss = (nm: number, centreNm: number, fwhmNm: number) => {
  const z = (nm - centreNm) / (fwhmNm / FWHM_PER_SIGMA);
  return Math.exp(-0.5 * z * z);
};
/** Smooth step from 1 (z << 0) to 0 (z >> 0). */
const fallingStep = (z: number) => 1 / (1 + Math.exp(z));

/**
 * Cs3Cu2I5 absorption, 1 at 300 nm: an excitonic band peaking near 290 nm in front of the
 * band-to-band continuum that rises below ~275 nm (in-situ spectra, paper Fig 8C).
 */
const ncRaw = (nm: number) => gauss(nm, 292, 18) + 0.5 * fallingStep((nm - 272) / 6);
const NC_AT_300 = ncRaw(300);
const ncShape = (nm: number) => ncRaw(nm) / NC_AT_300;
/** Cu(I)-ligand precursor band below 280 nm, 1 at 300 nm. */
const precursorShape = (nm: number) => fallingStep((nm - 270) / 8) / fallingStep((300 - 270) / 8);
/** Side population (CsCu2I3-like) absorption band near 330 nm, 1 at its maximum. */
const side600AbsShape = (nm: number) => gauss(nm, 330, 35);

/** Absorbance of a product at one wavelength, AU. */
export function absorbanceAt(c: SpectralComponents, nm: number): number {
  return (
    c.ncAbs300 * ncShape(nm) +
    c.scatterAbs300 * (300 / nm) ** 4 +
    c.precursorAbs300 * precursorShape(nm) +
    c.side600Abs * side600AbsShape(nm)
  );
}

/**
 * Emission of a product under the 300 nm LED at one wavelength, PL units. `scale` applies a
 * sample's fluctuations: the STE band's area by `plArea` and its width by `fwhm` (so its height
 * goes by plArea / fwhm), the side emissions by `sides`.
 */
export function emissionAt(c: SpectralComponents, nm: number, scale: SampleScale = UNIT_SCALE): number {
  const ste = (scale.plArea / scale.fwhm) * c.plHeight * gauss(nm, c.plPeakNm, c.fwhmNm * scale.fwhm);
  return ste + scale.sides * (c.side380Height * gauss(nm, 380, 25) + c.side600Height * gauss(nm, 600, 90));
}

/** Noise-free features of a product. */
export function featuresOf(c: SpectralComponents): ReactorFeatures {
  return {
    abs300: absorbanceAt(c, 300),
    plIntensity: c.plHeight,
    plArea: c.plHeight * c.fwhmNm * GAUSSIAN_AREA_PER_FWHM,
    plPeakNm: c.plPeakNm,
    fwhmNm: c.fwhmNm,
    sidePeak380: c.side380Height,
    sidePeak600: c.side600Height,
  };
}

/**
 * A mixture of products with weights (the outlet of a dispersed flow line), optionally scaled by
 * per-sample fluctuations, as the flow cells see it. Absorbance and emission are linear in
 * concentration, so a mixture's spectra are the weighted sums.
 */
export function mixtureSample(parts: readonly { weight: number; components: SpectralComponents }[], scale: SampleScale = UNIT_SCALE): OpticalSample {
  const map = (wavelengthNm: readonly number[], f: (nm: number) => number) => {
    const out = new Float64Array(wavelengthNm.length);
    for (let i = 0; i < out.length; i++) out[i] = f(wavelengthNm[i]!);
    return out;
  };
  const active = parts.filter((p) => p.weight > 0);
  return {
    absorbance: (wl) => map(wl, (nm) => scale.absorbance * active.reduce((s, p) => s + p.weight * absorbanceAt(p.components, nm), 0)),
    emission: (wl) => map(wl, (nm) => active.reduce((s, p) => s + p.weight * emissionAt(p.components, nm, scale), 0)),
  };
}

/** Multiplicative fluctuations of one sample (1 = none). */
export interface SampleScale {
  absorbance: number;
  plArea: number;
  fwhm: number;
  sides: number;
}

export const UNIT_SCALE: Readonly<SampleScale> = Object.freeze({ absorbance: 1, plArea: 1, fwhm: 1, sides: 1 });
