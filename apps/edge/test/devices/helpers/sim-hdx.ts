/** packages/sim HDX emulator by path (not yet exported from '@sdfl/sim'). */
export { HdxSpectrometerEmulator } from '../../../../../packages/sim/src/devices/hdx-spectrometer';
export { DEFAULT_WAVELENGTH_COEFFS } from '../../../../../packages/sim/src/devices/hdx-spectrum';
