/**
 * Limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.4/7.5) with a backtracking Armijo line search,
 * for the GP's few (d + 2) hyper-parameters. Deterministic: no randomness, fixed iteration caps.
 */

/** Value and gradient of the function to minimise; f = Infinity marks an infeasible point. */
export type ValueAndGradient = (x: Float64Array) => { f: number; g: Float64Array };

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iterations. Default 100. */
  maxIterations?: number;
  /** Pairs kept. Default 8. */
  memory?: number;
  /** Stop when max |g_i| falls below this. Default 1e-5. */
  gradientTolerance?: number;
  /** Stop when the relative decrease of f falls below this. Default 1e-10. */
  valueTolerance?: number;
  /**
   * Stop when f fell by less than this (absolute) over the last `stallWindow` iterations: the
   * iterate creeps along a flat ridge where the objective no longer tells points apart. Default 0 (off).
   */
  stallTolerance?: number;
  /** Iterations of the stall window. Default 3. */
  stallWindow?: number;
}

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Minimises `fg` from `x0`. `fg(x0)` must be finite. */
export function minimizeLbfgs(fg: ValueAndGradient, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIt = options.maxIterations ?? 100;
  const mem = options.memory ?? 8;
  const gtol = options.gradientTolerance ?? 1e-5;
  const ftol = options.valueTolerance ?? 1e-10;
  const stallTol = options.stallTolerance ?? 0;
  const window = options.stallWindow ?? 3;
  let x = Float64Array.from(x0);
  let { f, g } = fg(x);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations };
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const history = [f];
  let it = 0;
  for (; it < maxIt; it++) {
    if (g.reduce((a, v) => Math.max(a, Math.abs(v)), 0) < gtol) break;
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let i = ss.length - 1; i >= 0; i--) {
      const a = dot(ss[i]!, q) / dot(ys[i]!, ss[i]!);
      alphas[i] = a;
      for (let k = 0; k < q.length; k++) q[k]! -= a * ys[i]![k]!;
    }
    const gamma = ss.length > 0 ? dot(ss.at(-1)!, ys.at(-1)!) / dot(ys.at(-1)!, ys.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let k = 0; k < q.length; k++) q[k]! *= gamma;
    for (let i = 0; i < ss.length; i++) {
      const b = dot(ys[i]!, q) / dot(ys[i]!, ss[i]!);
      for (let k = 0; k < q.length; k++) q[k]! += ss[i]![k]! * (alphas[i]! - b);
    }
    let d = q.map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      ss.length = 0;
      ys.length = 0;
      d = g.map((v) => -v / Math.max(1, Math.sqrt(dot(g, g))));
      slope = dot(g, d);
    }
    // Backtracking Armijo line search.
    let step = 1;
    let next: { f: number; g: Float64Array } | undefined;
    let xn = x;
    for (let ls = 0; ls < 30; ls++) {
      xn = x.map((v, k) => v + step * d[k]!);
      const r = fg(xn);
      evaluations++;
      if (Number.isFinite(r.f) && r.f <= f + 1e-4 * step * slope) {
        next = r;
        break;
      }
      step *= 0.5;
    }
    if (!next) break;
    const s = xn.map((v, k) => v - x[k]!);
    const y = next.g.map((v, k) => v - g[k]!);
    if (dot(s, y) > 1e-12) {
      ss.push(s);
      ys.push(y);
      if (ss.length > mem) {
        ss.shift();
        ys.shift();
      }
    }
    const decrease = f - next.f;
    x = xn;
    f = next.f;
    g = next.g;
    history.push(f);
    if (decrease <= ftol * Math.max(1, Math.abs(f)) || (history.length > window && history.at(-1 - window)! - f < stallTol)) {
      it++;
      break;
    }
  }
  return { x, f, iterations: it, evaluations };
}
