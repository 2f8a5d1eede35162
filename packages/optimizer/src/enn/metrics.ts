/** Regression metrics. */

/**
 * Coefficient of determination R^2 = 1 - SS_res / SS_tot (can be negative; a perfect fit is 1).
 * A constant `yTrue` (SS_tot = 0) gives 1 if predicted exactly, else 0 (instead of -Infinity).
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  if (n !== yPred.length || n === 0) throw new RangeError(`r2 needs two equal non-empty arrays (${n} vs ${yPred.length})`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]! / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i]! - yPred[i]!) ** 2;
    ssTot += (yTrue[i]! - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
