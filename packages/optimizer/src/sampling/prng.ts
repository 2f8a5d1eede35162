/**
 * Seeded pseudo-random numbers with a serializable state, so that a study can be saved and resumed
 * and still draw the very same numbers (`Math.random` is never used by the optimizer).
 */

/** A uniform generator on [0, 1) with helpers and a JSON-serializable state. */
export interface Prng {
  /** Uniform on [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller; no cached spare so the state stays four words). */
  normal(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** The four 32-bit words of the state (a copy). */
  state(): [number, number, number, number];
}

/** SplitMix32 step: turns any integer into a well-mixed 32-bit word (seeding only). */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derives a child seed from a seed and labels (e.g. `deriveSeed(seed, 'fit', version)`), so that
 * independent consumers get unrelated but reproducible streams.
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = splitmix32(Math.trunc(seed) >>> 0);
  for (const label of labels) {
    const s = String(label);
    for (let i = 0; i < s.length; i++) h = splitmix32(h ^ Math.imul(s.charCodeAt(i), 0x01000193));
    h = splitmix32(h ^ 0x5bd1e995);
  }
  return h >>> 0;
}

/**
 * xoshiro128** (Blackman & Vigna 2018): 128-bit state, period 2^128 - 1, passes BigCrush.
 * Seeded through SplitMix32 so that nearby seeds (1, 2, 3...) give unrelated streams.
 *
 * @param seed any integer (truncated), or a saved `state()` to resume exactly.
 * @example
 * const rng = createPrng(42);
 * const u = rng.next();
 * const resumed = createPrng(rng.state()); // continues the same stream
 */
export function createPrng(seed: number | readonly number[]): Prng {
  let s0: number, s1: number, s2: number, s3: number;
  if (typeof seed === 'number') {
    let x = Math.trunc(seed) >>> 0;
    s0 = x = splitmix32(x);
    s1 = x = splitmix32(x);
    s2 = x = splitmix32(x);
    s3 = splitmix32(x);
  } else {
    if (seed.length !== 4) throw new RangeError(`a PRNG state has 4 words, got ${seed.length}`);
    [s0, s1, s2, s3] = seed.map((w) => w >>> 0) as [number, number, number, number];
  }
  // The all-zero state is the one fixed point of xoshiro: nudge it.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => uint32() / 4294967296;
  return {
    next,
    uint32,
    int: (n) => Math.min(n - 1, Math.floor(next() * n)),
    normal: () => {
      const u = 1 - next(); // (0, 1]: log is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    state: () => [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0],
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Pick<Prng, 'int'>): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** n points uniform in [0,1]^d. */
export function uniformSample(n: number, d: number, rng: Prng): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next()));
}
