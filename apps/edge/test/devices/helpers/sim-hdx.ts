/** packages/sim HDX emulator and its default calibration. */
export { DEFAULT_WAVELENGTH_COEFFS, HdxSpectrometerEmulator } from '@sdfl/sim';
