/**
 * What the light in a flow cell sees: the contract between the reactor model (which knows the
 * product flowing past the cells at a given time) and the spectrometer emulator (which turns it
 * into detector counts according to the light sources' state).
 */
export interface OpticalSample {
  /** Base-10 absorbance of the flowing sample at each wavelength (path length of the absorption cell). */
  absorbance(wavelengthNm: readonly number[]): Float64Array;
  /**
   * Photoluminescence emitted under the 300 nm UV LED at each wavelength, in relative units where
   * the reference-condition peak is about 1. Zero when nothing emits (empty line, no product).
   */
  emission(wavelengthNm: readonly number[]): Float64Array;
}

/** Gives the sample in the flow cells at clock time `atMs` (the reactor model implements it). */
export interface OpticalSampleSource {
  sampleAt(atMs: number): OpticalSample;
}
