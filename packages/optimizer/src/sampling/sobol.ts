/**
 * Sobol low-discrepancy sequence (Bratley & Fox algorithm 659 with Gray-code ordering) with
 * optional Owen-style scrambling (random linear matrix scramble + digital shift, as in SciPy's
 * `qmc.Sobol(scramble=True)`).
 */
import type { Prng } from './prng';

/**
 * Joe & Kuo (2008) "new-joe-kuo-6.21201" direction numbers for dimensions 2..21:
 * [s (degree), a (coefficients), m_1..m_s]. Dimension 1 is the van der Corput sequence.
 */
const JOE_KUO: readonly (readonly number[])[] = [
  [1, 0, 1],
  [2, 1, 1, 3],
  [3, 1, 1, 3, 1],
  [3, 2, 1, 1, 1],
  [4, 1, 1, 1, 3, 3],
  [4, 4, 1, 3, 5, 13],
  [5, 2, 1, 1, 5, 5, 17],
  [5, 4, 1, 1, 5, 5, 5],
  [5, 7, 1, 1, 7, 11, 19],
  [5, 11, 1, 1, 5, 1, 1],
  [5, 13, 1, 1, 1, 3, 11],
  [5, 14, 1, 3, 5, 5, 31],
  [6, 1, 1, 3, 3, 9, 7, 49],
  [6, 13, 1, 1, 1, 15, 21, 21],
  [6, 16, 1, 3, 1, 13, 27, 49],
  [6, 19, 1, 1, 1, 15, 7, 5],
  [6, 22, 1, 3, 1, 15, 13, 25],
  [6, 25, 1, 1, 5, 5, 19, 61],
  [7, 1, 1, 3, 7, 11, 23, 15, 103],
  [7, 4, 1, 3, 7, 13, 13, 15, 69],
];

/** Largest dimension supported. */
export const SOBOL_MAX_DIM = JOE_KUO.length + 1;
const BITS = 32;

/** Options of {@link createSobol}. */
export interface SobolOptions {
  /** Scramble with this generator (linear matrix scramble + digital shift); default: no scrambling. */
  scramble?: Prng;
  /** Points to skip at the start (the unscrambled sequence starts at the origin). Default 0. */
  skip?: number;
}

/** A stateful Sobol generator in [0,1)^d. */
export interface SobolSequence {
  readonly dim: number;
  /** Index of the next point. */
  readonly index: number;
  /** Next point. */
  next(): number[];
  /** Next n points. */
  take(n: number): number[][];
}

/** Direction numbers V[k] (k = 0..31, bit 31 = first binary digit) of each dimension. */
function directions(dim: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let j = 0; j < dim; j++) {
    const v = new Uint32Array(BITS);
    if (j === 0) {
      for (let k = 0; k < BITS; k++) v[k] = (1 << (31 - k)) >>> 0;
    } else {
      const row = JOE_KUO[j - 1]!;
      const s = row[0]!;
      const a = row[1]!;
      for (let k = 0; k < s; k++) v[k] = (row[2 + k]! << (31 - k)) >>> 0;
      for (let k = s; k < BITS; k++) {
        let x = v[k - s]! ^ (v[k - s]! >>> s);
        for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i]!;
        v[k] = x >>> 0;
      }
    }
    out.push(v);
  }
  return out;
}

/** Parity of a 32-bit word. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Applies a random lower-triangular (unit diagonal) binary matrix to every direction number. */
function scrambleDirections(v: Uint32Array, rng: Prng): void {
  // Row i (0 = most significant output digit) mixes input digits 0..i.
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const below = i === 0 ? 0 : (rng.uint32() >>> (32 - i)) << (32 - i); // random digits 0..i-1
    rows[i] = (below | (1 << (31 - i))) >>> 0;
  }
  for (let k = 0; k < BITS; k++) {
    let out = 0;
    for (let i = 0; i < BITS; i++) if (parity(rows[i]! & v[k]!)) out |= 1 << (31 - i);
    v[k] = out >>> 0;
  }
}

/**
 * Creates a Sobol generator for `dim` <= {@link SOBOL_MAX_DIM} dimensions.
 *
 * @example
 * createSobol(2).take(4); // [[0,0],[0.5,0.5],[0.75,0.25],[0.25,0.75]]
 */
export function createSobol(dim: number, options: SobolOptions = {}): SobolSequence {
  if (!Number.isInteger(dim) || dim < 1 || dim > SOBOL_MAX_DIM) {
    throw new RangeError(`Sobol dimension must be 1..${SOBOL_MAX_DIM}, got ${dim}`);
  }
  const v = directions(dim);
  const x = new Uint32Array(dim);
  if (options.scramble) {
    for (let j = 0; j < dim; j++) scrambleDirections(v[j]!, options.scramble);
    for (let j = 0; j < dim; j++) x[j] = options.scramble.uint32(); // digital shift
  }
  let index = 0;
  const advance = (): void => {
    // Gray code: flip the direction of the lowest zero bit of the index.
    let c = 0;
    while ((index >>> c) & 1) c++;
    if (c >= BITS) throw new RangeError('Sobol sequence exhausted (2^32 points)');
    for (let j = 0; j < dim; j++) x[j] = (x[j]! ^ v[j]![c]!) >>> 0;
    index++;
  };
  const next = (): number[] => {
    const p = Array.from(x, (w) => w / 4294967296);
    advance();
    return p;
  };
  for (let i = 0; i < (options.skip ?? 0); i++) advance();
  return {
    dim,
    get index() {
      return index;
    },
    next,
    take: (n) => Array.from({ length: n }, next),
  };
}

/** n Sobol points in [0,1)^d; scrambled when an rng is given (then the origin is not special). */
export function sobolSample(n: number, dim: number, rng?: Prng): number[][] {
  return createSobol(dim, rng ? { scramble: rng } : {}).take(n);
}
