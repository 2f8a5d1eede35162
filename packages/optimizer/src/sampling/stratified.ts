/**
 * Latin-hypercube-admissible candidates for sequential designs: each coordinate is drawn inside a
 * 1/strata slice of its axis that no existing point occupies, so a design grown one point at a
 * time keeps every one-dimensional projection evenly filled (as an LHS does). Why: acquisition
 * functions of network ensembles favour the cube's faces, where members extrapolate apart; drawing
 * their candidates from the free strata keeps model-chosen designs from piling up on the bounds.
 */
import type { Prng } from './prng';

/** Strata of [0,1) occupied by `points` along axis `k` (values of 1 count in the last stratum). */
function occupiedStrata(points: readonly (readonly number[])[], k: number, strata: number): Set<number> {
  return new Set(points.map((p) => Math.min(strata - 1, Math.max(0, Math.floor(p[k]! * strata)))));
}

/**
 * `n` candidates in [0,1)^dim whose coordinates lie in strata free of `existing` points.
 * An axis whose strata are all taken falls back to uniform draws.
 * @param strata slices per axis: the planned design size (points so far + points still to choose)
 */
export function stratifiedCandidates(n: number, dim: number, existing: readonly (readonly number[])[], strata: number, rng: Prng): number[][] {
  if (!Number.isInteger(strata) || strata < 1) throw new RangeError(`strata must be a positive integer, got ${strata}`);
  const free = Array.from({ length: dim }, (_, k) => {
    const taken = occupiedStrata(existing, k, strata);
    const open = Array.from({ length: strata }, (_, s) => s).filter((s) => !taken.has(s));
    return open.length > 0 ? open : null;
  });
  return Array.from({ length: n }, () =>
    free.map((open) => (open ? (open[rng.int(open.length)]! + rng.next()) / strata : rng.next())),
  );
}
