/** Output standardization shared by the surrogates (tfjs-free, so the GP never loads TensorFlow.js). */
import type { Scaler } from './types';

/** Mean and population std; a constant target gets std 1 so the scaling stays finite. */
export function scalerOf(y: readonly number[]): Scaler {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
  const std = Math.sqrt(variance);
  return { mean, std: std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1 };
}
