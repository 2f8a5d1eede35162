/**
 * Seeded pseudo-random numbers for the ENN (weight init, bootstraps, splits). `Math.random` is never
 * used so that the same seed and data give bit-identical models.
 */
import { splitmix32 } from '../sampling/prng';

export { permutation } from '../sampling/prng';

/** A seeded uniform generator on [0, 1) with helpers. */
export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

/**
 * Mulberry32 seeded through SplitMix32 so that nearby seeds (1, 2, 3...) give unrelated streams.
 *
 * @param seed any integer; non-integers are truncated.
 */
export function createRng(seed: number): Rng {
  let s = splitmix32(Math.trunc(seed) >>> 0);
  let spare: number | undefined;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.min(n - 1, Math.floor(next() * n)),
    normal: () => {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      const u = 1 - next(); // (0, 1]: log is finite
      const r = Math.sqrt(-2 * Math.log(u));
      const a = 2 * Math.PI * next();
      spare = r * Math.sin(a);
      return r * Math.cos(a);
    },
  };
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
