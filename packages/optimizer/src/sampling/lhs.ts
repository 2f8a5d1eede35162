/** Latin hypercube designs (McKay et al. 1979) and the maximin selection among several of them. */
import { permutation, type Prng } from './prng';

/** Options of {@link latinHypercube}. */
export interface LhsOptions {
  /** Put each point at the centre of its stratum instead of uniformly inside it. Default false. */
  centered?: boolean;
}

/**
 * One Latin hypercube of n points in [0,1)^d: along every axis each of the n strata
 * [k/n, (k+1)/n) holds exactly one point.
 */
export function latinHypercube(n: number, d: number, rng: Prng, options: LhsOptions = {}): number[][] {
  const points = Array.from({ length: n }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    const perm = permutation(n, rng);
    for (let i = 0; i < n; i++) {
      const offset = options.centered ? 0.5 : rng.next();
      points[i]![j] = (perm[i]! + offset) / n;
    }
  }
  return points;
}

/** Smallest Euclidean distance between two points of a set (Infinity for fewer than 2 points). */
export function minPairwiseDistance(points: readonly (readonly number[])[]): number {
  let best = Infinity;
  for (let a = 0; a < points.length; a++) {
    for (let b = a + 1; b < points.length; b++) best = Math.min(best, distance(points[a]!, points[b]!));
  }
  return best;
}

/** Euclidean distance. */
export function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return Math.sqrt(s);
}

/** Options of {@link maximinLhs}. */
export interface MaximinLhsOptions extends LhsOptions {
  /** Random Latin hypercubes drawn; the one with the largest minimum pairwise distance wins. Default 50. */
  tries?: number;
}

/**
 * Maximin Latin hypercube: the best of `tries` random designs by minimum pairwise distance.
 * Why: a plain LHS can put points almost on top of each other in 7-D; the initialisation stage of
 * the paper (9 LHS points) should spread them.
 *
 * @example
 * const x = maximinLhs(9, 7, createPrng(1)); // 9 points, one per stratum on every axis
 */
export function maximinLhs(n: number, d: number, rng: Prng, options: MaximinLhsOptions = {}): number[][] {
  const tries = Math.max(1, options.tries ?? 50);
  let best = latinHypercube(n, d, rng, options);
  let bestScore = minPairwiseDistance(best);
  for (let t = 1; t < tries; t++) {
    const cand = latinHypercube(n, d, rng, options);
    const score = minPairwiseDistance(cand);
    if (score > bestScore) {
      best = cand;
      bestScore = score;
    }
  }
  return best;
}
