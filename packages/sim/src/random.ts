/**
 * Counter-based (stateless) random numbers for the reactor model: every draw is a hash of a seed and
 * integer keys, so a noise value depends only on *what* it is for (e.g. seed, time bucket, channel)
 * and not on how many draws happened before. That keeps the simulated reactor reproducible however
 * often, and in whatever order, devices sample it.
 */

/** Anything that yields uniform numbers in [0, 1) (a `SeededRandom`, `createRandom()`, or `{ next: Math.random }`). */
export interface RandomSource {
  next(): number;
}

const TWO_32 = 4_294_967_296;

/** murmur3's 32-bit finaliser: a bijective avalanche of one word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, word: number): number {
  return fmix32((Math.imul(h ^ word, 0x9e3779b1) + 0x7f4a7c15) | 0);
}

/**
 * 32-bit hash of a seed and keys. Numbers are taken as integers (|x| < 2^53, fractional parts are
 * dropped); strings are hashed by UTF-16 code unit.
 */
export function hash32(seed: number, ...keys: (number | string)[]): number {
  let h = mixWord(0x2545f491, Math.trunc(seed) >>> 0);
  h = mixWord(h, Math.floor(Math.trunc(seed) / TWO_32) >>> 0);
  for (const key of keys) {
    if (typeof key === 'string') {
      for (let i = 0; i < key.length; i++) h = mixWord(h, key.charCodeAt(i));
      h = mixWord(h, key.length + 0x51ed27);
    } else {
      const x = Math.trunc(key);
      h = mixWord(h, x >>> 0);
      h = mixWord(h, Math.floor(x / TWO_32) >>> 0);
    }
  }
  return h;
}

/** Uniform in [0, 1) keyed by seed and keys (see {@link hash32}). */
export function hashUniform(seed: number, ...keys: (number | string)[]): number {
  return hash32(seed, ...keys) / TWO_32;
}

/** Standard normal keyed by seed and keys (Box-Muller on two keyed uniforms). */
export function hashNormal(seed: number, ...keys: (number | string)[]): number {
  const u = 1 - hashUniform(seed, ...keys, 0x5eed1); // (0, 1]: log stays finite
  const v = hashUniform(seed, ...keys, 0x5eed2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Standard normal drawn from any uniform source (Box-Muller, no cached spare). */
export function gaussian(source: RandomSource): number {
  const u = 1 - source.next();
  const v = source.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A seeded uniform source: the i-th draw is `hashUniform(seed, 'stream', i)`.
 * @example const rng = createRandom(42); model.measure(condition, rng);
 */
export function createRandom(seed: number): RandomSource & { readonly draws: number } {
  let i = 0;
  return {
    next: () => hashUniform(seed, 'stream', i++),
    get draws() {
      return i;
    },
  };
}

/**
 * Point `index` (0-based) of the Halton sequence in [0,1)^dim with a Cranley-Patterson shift drawn
 * from `seed` (0 = unshifted). Low-discrepancy, so dense searches cover the cube evenly. dim <= 16.
 */
export function haltonPoint(index: number, dim: number, seed = 0): number[] {
  const out = new Array<number>(dim);
  for (let d = 0; d < dim; d++) {
    const base = PRIMES[d];
    if (base === undefined) throw new RangeError(`haltonPoint supports up to ${PRIMES.length} dimensions, got ${dim}`);
    let f = 1;
    let r = 0;
    let i = index + 1; // skip the all-zero first point
    while (i > 0) {
      f /= base;
      r += f * (i % base);
      i = Math.floor(i / base);
    }
    const shift = seed === 0 ? 0 : hashUniform(seed, 'halton', d);
    out[d] = (r + shift) % 1;
  }
  return out;
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53] as const;
