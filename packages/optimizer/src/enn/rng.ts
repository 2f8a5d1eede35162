/**
 * Seeded pseudo-random numbers for the ENN (weight init, bootstraps, splits). `Math.random` is never
 * used so that the same seed and data give bit-identical models.
 */
import { createPrng, type Prng, splitmix32 } from '../sampling/prng';

export { permutation } from '../sampling/prng';

/** The generator the ENN draws from: the optimizer's xoshiro128** (state never saved here). */
export type Rng = Pick<Prng, 'next' | 'int' | 'normal'>;

/**
 * A seeded generator for weight init, bootstraps and splits: the same algorithm as the study's
 * (one PRNG in the package), seeded through SplitMix32 so nearby seeds give unrelated streams.
 *
 * @param seed any integer; non-integers are truncated.
 */
export function createRng(seed: number): Rng {
  return createPrng(seed);
}

/**
 * A uniform on [0, 1) that depends only on (seed, a, b): used for per-(member, point) bootstrap draws
 * so that appending observations leaves earlier points' draws unchanged (stable out-of-bag sets
 * keep early stopping honest across warm-started refits).
 */
export function hashUniform(seed: number, a: number, b: number): number {
  let h = splitmix32((Math.trunc(seed) >>> 0) ^ 0x5bd1e995);
  h = splitmix32((h ^ Math.imul(a + 1, 0x27d4eb2f)) >>> 0);
  h = splitmix32((h ^ Math.imul(b + 1, 0x165667b1)) >>> 0);
  return h / 4294967296;
}
