/**
 * Spectral features of in-situ absorption and PL spectra (docs/science.md §5):
 * Abs300, PL peak position, PL_I, PL_A, FWHM and the 380/600 nm side peaks, plus the small
 * numeric helpers the simulator and drivers share (wavelength polynomial, interpolation).
 */
export { absorbance, plSignal, type AbsorptionSpectra, type PlSpectra } from './absorbance';
export { computeFeatures, type FeatureFlag, type FeatureInput, type Features } from './compute-features';
export { interpolate, pixelWavelengths, trapezoid } from './numeric';
export {
  defaultFeatureOptions,
  featureOptionsSchema,
  HDX_SATURATION_COUNTS,
  parseAbsorbanceOptions,
  parseFeatureOptions,
  type AbsorbanceOptions,
  type AbsorbanceOptionsInput,
  type FeatureOptions,
  type FeatureOptionsInput,
} from './options';
export { movingAverage, savitzkyGolay, smoothMasked, type SmoothingOptions } from './smoothing';
export { validateSameGrid, validateSpectrum, type MaskedSpectrum, type PixelMask, type Spectrum } from './spectrum';
