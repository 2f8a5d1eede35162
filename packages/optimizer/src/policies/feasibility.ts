/**
 * Learning from failed experiments: a kernel (Nadaraya-Watson) estimate of the probability that an
 * experiment at x fails, and the penalty it puts on an acquisition. Why not drop failures: a failed
 * condition (clogging, no product, pump stall) says the region is bad, and re-proposing its
 * neighbourhood wastes precursor and reactor time.
 */
import type { AcquisitionKind } from '../acquisition';
import { isSignedAcquisition } from '../acquisition';

/** Options of {@link createFeasibilityModel}. */
export interface FeasibilityOptions {
  /** Gaussian kernel bandwidth in cube units. Default 0.15. */
  bandwidth?: number;
  /**
   * Pseudo-count of "nothing known" weight in the denominator: right on top of a lone failure
   * p_fail = 1 / (1 + pseudoCount). Default 0.25 (p = 0.8).
   */
  pseudoCount?: number;
}

/** Probability of failure per point. */
export interface FeasibilityModel {
  /** True when there is at least one failure (otherwise pFail is identically 0). */
  readonly active: boolean;
  pFail(x: readonly (readonly number[])[]): Float64Array;
}

/** Builds the failure model from successful and failed cube points. */
export function createFeasibilityModel(
  successes: readonly (readonly number[])[],
  failures: readonly (readonly number[])[],
  options: FeasibilityOptions = {},
): FeasibilityModel {
  const h2 = 2 * (options.bandwidth ?? 0.15) ** 2;
  const pseudo = options.pseudoCount ?? 0.25;
  const weight = (a: readonly number[], b: readonly number[]): number => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
    return Math.exp(-s / h2);
  };
  return {
    active: failures.length > 0,
    pFail: (x) =>
      Float64Array.from(x, (p) => {
        if (failures.length === 0) return 0;
        let wf = 0;
        let ws = 0;
        for (const f of failures) wf += weight(p, f);
        for (const s of successes) ws += weight(p, s);
        return wf / (wf + ws + pseudo);
      }),
  };
}

/**
 * Lowers acquisition values where failure is likely: multiplies non-negative acquisitions (MV, EI)
 * by 1 - p_fail (the constrained-EI rule), and subtracts p_fail x `scale` from signed ones (UCB,
 * EPLT), where `scale` is in objective units (default: the observed objective range).
 */
export function penalize(values: Float64Array, pFail: Float64Array, kind: AcquisitionKind, scale: number): Float64Array {
  const signed = isSignedAcquisition(kind);
  return values.map((v, i) => {
    const p = pFail[i]!;
    return signed ? v - p * scale : v * (1 - p);
  });
}
