/**
 * Pending experiments as fantasies (Ginsbourger et al. 2010): the study pretends each pending point
 * returned a value (the model's belief or a constant "lie") so that the next decision moves away
 * from it. Either the surrogate is refitted with the fantasies, or — cheaply — this overlay imitates
 * what a refit would do near each fantasy: pull the mean to the fantasy value and shrink the spread.
 */
import type { Prediction, Surrogate } from '../surrogate';
import type { PendingOptions } from './types';

/** A fantasised observation. */
export interface Fantasy {
  cube: readonly number[];
  value: number;
}

/**
 * Fantasy values for pending points.
 * @param believed model mean at each pending point (kriging believer)
 * @param observed successful objective values (for the constant liars)
 */
export function fantasyValues(strategy: Required<PendingOptions>['strategy'], believed: Float64Array, observed: readonly number[]): number[] {
  if (strategy === 'believer' || observed.length === 0) return Array.from(believed);
  const lie =
    strategy === 'liar-min' ? Math.min(...observed) : strategy === 'liar-max' ? Math.max(...observed) : observed.reduce((a, b) => a + b, 0) / observed.length;
  return Array.from(believed, () => lie);
}

/**
 * Wraps a surrogate so that near each fantasy (Gaussian weight w = exp(-|x - p|^2 / 2 h^2)) the
 * mean moves by w (value - mean(p)) and every member's deviation from the mean shrinks by the
 * product of (1 - w): at a fantasy point the spread is zero, as after a refit that interpolates it.
 */
export function fantasyOverlay(base: Surrogate, fantasies: readonly Fantasy[], width = 0.1): Surrogate {
  const h2 = 2 * width * width;
  const anchors = fantasies.length > 0 ? base.predict(fantasies.map((f) => [...f.cube])).mean : new Float64Array(0);
  const effect = (x: readonly (readonly number[])[]): { shift: Float64Array; shrink: Float64Array } => {
    const shift = new Float64Array(x.length);
    const shrink = new Float64Array(x.length).fill(1);
    x.forEach((p, i) => {
      fantasies.forEach((f, j) => {
        let d2 = 0;
        for (let k = 0; k < p.length; k++) d2 += (p[k]! - f.cube[k]!) ** 2;
        const w = Math.exp(-d2 / h2);
        shift[i]! += w * (f.value - anchors[j]!);
        shrink[i]! *= 1 - w;
      });
    });
    return { shift, shrink };
  };
  const predictMembers = (x: readonly (readonly number[])[]): Float64Array[] => {
    const members = base.predictMembers(x);
    const { mean } = base.predict(x);
    const { shift, shrink } = effect(x);
    return members.map((m) => m.map((v, i) => mean[i]! + shift[i]! + (v - mean[i]!) * shrink[i]!));
  };
  return {
    dim: base.dim,
    members: base.members,
    predictMembers,
    predict: (x): Prediction => {
      const p = base.predict(x);
      const { shift, shrink } = effect(x);
      return { mean: p.mean.map((m, i) => m + shift[i]!), std: p.std.map((s, i) => s * shrink[i]!) };
    },
  };
}
