/**
 * Dense symmetric positive-definite algebra on row-major Float64Arrays for the GP: Cholesky,
 * triangular solves and the inverse from the factor. Hand-written because n stays small (tens to
 * a few hundred points) and one flat array per matrix keeps the hot loops allocation-free.
 */

/**
 * Lower Cholesky factor L of the n x n matrix `a` (A = L L^T), in a new array (upper part zero).
 * Returns null when A is not numerically positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= l[rj + k]! * l[rj + k]!;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= l[ri + k]! * l[rj + k]!;
      l[ri + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L z = b in place (forward substitution), L lower triangular n x n. */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * b[k]!;
    b[i] = s / l[ri + i]!;
  }
  return b;
}

/** {@link solveLower} for four right-hand sides at once (each row of L read once); same results. */
export function solveLower4(l: Float64Array, n: number, b0: Float64Array, b1: Float64Array, b2: Float64Array, b3: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s0 = b0[i]!;
    let s1 = b1[i]!;
    let s2 = b2[i]!;
    let s3 = b3[i]!;
    for (let k = 0; k < i; k++) {
      const v = l[ri + k]!;
      s0 -= v * b0[k]!;
      s1 -= v * b1[k]!;
      s2 -= v * b2[k]!;
      s3 -= v * b3[k]!;
    }
    const d = l[ri + i]!;
    b0[i] = s0 / d;
    b1[i] = s1 / d;
    b2[i] = s2 / d;
    b3[i] = s3 / d;
  }
}

/** Solves L^T z = b in place (back substitution). */
export function solveUpper(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}

/** A^{-1} from its Cholesky factor: (L^{-1})^T L^{-1}, symmetric, full n x n. */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  // T = (L^{-1})^T, upper triangular, built row by row so that every inner loop runs over
  // contiguous memory (the textbook column order strides by n in both products).
  const t = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    // Column j of L^{-1} = row j of T: solve L c = e_j for c_i, i >= j.
    const rj = j * n;
    t[rj + j] = 1 / l[rj + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[ri + k]! * t[rj + k]!;
      t[rj + i] = s / l[ri + i]!;
    }
  }
  // inv_ij = sum_k T_ik T_jk over k >= max(i, j).
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += t[ri + k]! * t[rj + k]!;
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}
