/**
 * Policies on classic 7-D test functions (minimised), against random and LHS baselines:
 * Hartmann-6 with a seventh inert input, Ackley-7 (shifted so the optimum is not the cube centre)
 * and Levy-7. Every policy run starts from a 9-point maximin LHS and has the same total budget.
 */
import { createStudy, type SurrogateFactory } from '../src/study';
import { maximinLhs } from '../src/sampling/lhs';
import { createPrng, deriveSeed } from '../src/sampling/prng';
import { bestSoFar, median, printTable, quantile, runCampaign, seconds } from './campaign';

/** A test function on [0,1]^7 to minimise, and its known minimum. */
export interface TestFunction {
  name: string;
  f: (u: readonly number[]) => number;
  min: number;
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));

/** Hartmann-6 on inputs 1-6; input 7 is inert. Minimum -3.32237. */
export function hartmann6(u: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 6; j++) e += H6_A[i]![j]! * (u[j]! - H6_P[i]![j]!) ** 2;
    s -= H6_ALPHA[i]! * Math.exp(-e);
  }
  return s;
}

/** Ackley on [-32.768, 32.768]^7, shifted by +-7.5 per axis (optimum at u = 0.5 -+ 0.114). Minimum 0. */
export function ackley7(u: readonly number[]): number {
  const d = u.length;
  const x = u.map((v, i) => -32.768 + 65.536 * v - (i % 2 ? 7.5 : -7.5));
  const sq = x.reduce((s, v) => s + v * v, 0) / d;
  const cs = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / d;
  return -20 * Math.exp(-0.2 * Math.sqrt(sq)) - Math.exp(cs) + 20 + Math.E;
}

/** Levy on [-10, 10]^7 (optimum x = 1, u = 0.55). Minimum 0. */
export function levy7(u: readonly number[]): number {
  const w = u.map((v) => 1 + (-10 + 20 * v - 1) / 4);
  const d = w.length;
  let s = Math.sin(Math.PI * w[0]!) ** 2;
  for (let i = 0; i < d - 1; i++) s += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
  s += (w[d - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]!) ** 2);
  return s;
}

export const TEST_FUNCTIONS: readonly TestFunction[] = [
  { name: 'hartmann6+inert', f: hartmann6, min: -3.32237 },
  { name: 'ackley7', f: ackley7, min: 0 },
  { name: 'levy7', f: levy7, min: 0 },
];

/** Options of {@link runTestFunctionBench}. */
export interface TestFunctionBenchOptions {
  seeds: number;
  /** Total evaluations per run (9 of them LHS for model policies). */
  budget: number;
  fit: SurrogateFactory;
  /** Model policies; a `-tr` suffix adds a 0.4-wide trust region around the incumbent. */
  policies?: readonly ('ei' | 'ucb' | 'eplt' | 'mv' | 'ei-tr' | 'ucb-tr' | 'eplt-tr')[];
}

/** Median simple regret (best-so-far minus the minimum) per function, method and checkpoint. */
export async function runTestFunctionBench(o: TestFunctionBenchOptions): Promise<Record<string, unknown>> {
  const policies = o.policies ?? ['ei', 'ucb', 'eplt', 'ei-tr', 'eplt-tr'];
  const checkpoints = [9, 15, 20, o.budget].filter((c, i, a) => c <= o.budget && a.indexOf(c) === i);
  const out: Record<string, unknown> = {};
  for (const tf of TEST_FUNCTIONS) {
    const t0 = performance.now();
    const regrets: Record<string, number[][]> = {}; // method -> seed -> regret per evaluation
    const add = (method: string, values: number[]): void => {
      (regrets[method] ??= []).push(bestSoFar(values, 'minimize').map((b) => b - tf.min));
    };
    for (let s = 0; s < o.seeds; s++) {
      const seed = deriveSeed(1000 + s, tf.name);
      const rng = createPrng(deriveSeed(seed, 'random'));
      add('random', Array.from({ length: o.budget }, () => tf.f(Array.from({ length: 7 }, () => rng.next()))));
      add('lhs', maximinLhs(o.budget, 7, createPrng(deriveSeed(seed, 'lhs'))).map((u) => tf.f(u)));
      for (const policy of policies) {
        const study = createStudy({
          space: { dim: 7, fromCube: (u: readonly number[]) => [...u] },
          objective: { feature: 'f', direction: 'minimize' },
          schedule: [
            { policy: 'lhs', count: 9 },
            { policy: policy.endsWith('-tr') ? (policy.slice(0, -3) as 'ei') : (policy as 'ei'), count: o.budget - 9, params: policy.endsWith('-tr') ? { trustRegion: 0.4 } : {} },
          ],
          seed,
          fit: o.fit,
        });
        const steps = await runCampaign(study, (cube) => {
          const v = tf.f(cube);
          return { measured: v, truth: v };
        });
        add(policy, steps.map((st) => st.truth));
      }
    }
    const methods = [...policies, 'random', 'lhs'];
    const rows = methods.map((m) => [m, ...checkpoints.map((c) => median(regrets[m]!.map((r) => r[c - 1]!))), quantile(regrets[m]!.map((r) => r[o.budget - 1]!), 0.25), quantile(regrets[m]!.map((r) => r[o.budget - 1]!), 0.75)]);
    printTable(
      `${tf.name}: median simple regret after n evaluations (${o.seeds} seeds, ${seconds(t0)} s)`,
      ['method', ...checkpoints.map((c) => `n=${c}`), `q25@${o.budget}`, `q75@${o.budget}`],
      rows,
    );
    out[tf.name] = Object.fromEntries(methods.map((m) => [m, Object.fromEntries(checkpoints.map((c) => [`n${c}`, median(regrets[m]!.map((r) => r[c - 1]!))]))]));
  }
  return out;
}
