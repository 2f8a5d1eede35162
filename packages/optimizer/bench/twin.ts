/**
 * The twin on each peers surface: LHS 9 + MV 51 with the default surrogate on noisy values (1.1 %),
 * then the default surrogate fitted to those 60 points, R^2 against the noise-free truth on 1000
 * uniform points. Beside it, on the same 60 points and test points, the textbook scikit-learn GP
 * (bench/peers.py: ARD Matern-5/2, ML-II) as what a standard GP achieves, and each surface's
 * roughness: the variogram at lag h, E[(f(x) - f(x + h e))^2] / (2 Var f) over uniform x and random
 * unit directions e (0 for a function that is constant at that scale, 1 for one that decorrelates
 * within h). A surface rough at the scale of the design's spacing (60 points in 7-D are ~0.5 apart)
 * cannot be learned from 60 points by any smooth model. Then the surface's additive share (the sum
 * of its first-order Sobol indices: 1 for a sum of one-input terms, small when interactions carry
 * the variance, which 60 points in 7-D cannot pin down). Last, how many points the surface needs:
 * the exact GP on noisy LHS designs of 60, 120 and 240 points (3 seeds each), the same R^2.
 *
 * Standalone: `npx tsx bench/twin.ts [--seeds 3] [--functions levy7]`; also `--only twin` of bench/index.ts.
 */
import { pathToFileURL } from 'node:url';
import { r2 } from '../src/enn/metrics';
import { createPrng, deriveSeed, uniformSample } from '../src/sampling/prng';
import { createStudy } from '../src/study';
import { median, printTable, seconds } from './campaign';
import { peerFunctions, type PeerFunction } from './peer-functions';
import { PythonPeers } from './python-peers';

const DIM = 7;
const INIT = 9;
const POINTS = 60;
const NOISE = 0.011;

/** Options of {@link runTwinBench}. */
export interface TwinBenchOptions {
  seeds: number;
  /** Surfaces by name. Default all six. */
  functions?: readonly string[];
}

/** Per surface: median R^2 of ours and of the textbook GP, and the roughness figures. */
export interface TwinRow {
  ours: number;
  oursMin: number;
  sklearn: number | null;
  variogram: Record<string, number>;
  /** Sum of the first-order Sobol indices. */
  additiveShare: number;
  /** Median R^2 of the exact GP on an LHS design of each size. */
  lhsCurve: Record<string, number>;
}

/** Design sizes of the learning curve. */
const CURVE = [60, 120, 240];
const CURVE_SEEDS = 3;

/** Runs the twin table; returns one row per surface. */
export async function runTwinBench(o: TwinBenchOptions): Promise<Record<string, TwinRow>> {
  const python = await PythonPeers.start();
  if (typeof python === 'string') console.log(`twin: skipping the scikit-learn GP: ${python}`);
  const fns = peerFunctions().filter((f) => !o.functions || o.functions.includes(f.name));
  const out: Record<string, TwinRow> = {};
  const rows: (string | number)[][] = [];
  try {
    for (const fn of fns) {
      const t = performance.now();
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let s = 0; s < o.seeds; s++) {
        const seed = deriveSeed(3000 + s, fn.name);
        const { x, y, twin } = await mvDesign(fn, seed);
        const mc = uniformSample(1000, DIM, createPrng(deriveSeed(seed, 'mc')));
        const truth = mc.map(fn.f);
        ours.push(r2(truth, twin.predict(mc).mean));
        if (typeof python === 'object') theirs.push(r2(truth, await python.twin(x, y, mc, seed)));
      }
      const variogram = { '0.02': roughness(fn, 0.02), '0.1': roughness(fn, 0.1) };
      const lhsCurve: Record<string, number> = {};
      for (const n of CURVE) lhsCurve[n] = median(await Promise.all(Array.from({ length: CURVE_SEEDS }, (_, s) => lhsR2(fn, n, deriveSeed(4000 + s, fn.name)))));
      const additiveShare = firstOrderShare(fn);
      out[fn.name] = { ours: median(ours), oursMin: Math.min(...ours), sklearn: theirs.length > 0 ? median(theirs) : null, variogram, additiveShare, lhsCurve };
      rows.push([
        fn.name,
        median(ours),
        Math.min(...ours),
        Math.max(...ours),
        theirs.length > 0 ? median(theirs) : NaN,
        variogram['0.02'],
        variogram['0.1'],
        additiveShare,
        ...CURVE.map((n) => lhsCurve[n]!),
        seconds(t),
      ]);
    }
  } finally {
    if (typeof python === 'object') python.stop();
  }
  printTable(
    `Twin R^2 on 1000 noise-free uniform points after LHS ${INIT} + MV ${POINTS - INIT} noisy points (${o.seeds} seeds; target median >= 0.85 on smooth surfaces)`,
    ['surface', 'ours median', 'min', 'max', 'sklearn GP median', 'variogram h=0.02', 'h=0.1', 'additive share', ...CURVE.map((n) => `GP on LHS ${n}`), 's'],
    rows,
  );
  return out;
}

/** The 60 noisy points of LHS 9 + MV 51 with the default surrogate, and the twin fitted to them. */
async function mvDesign(fn: PeerFunction, seed: number) {
  const rng = createPrng(deriveSeed(seed, 'noise'));
  const noise = Array.from({ length: POINTS }, () => rng.normal());
  const study = createStudy({
    space: { dim: DIM, fromCube: (u: readonly number[]) => [...u] },
    objective: { feature: 'f', direction: 'minimize' },
    schedule: [{ policy: 'lhs', count: INIT }, { policy: 'mv', count: POINTS - INIT }],
    seed,
  });
  for (let i = 0; i < POINTS; i++) {
    const [sg] = await study.ask();
    study.tell(sg!.id, fn.f(sg!.cube) * (1 + NOISE * noise[i]!));
  }
  const { x, y } = study.trainingData();
  return { x, y, twin: (await study.model())! };
}

/** R^2 on 1000 noise-free uniform points of the exact GP fitted to `n` noisy LHS points. */
async function lhsR2(fn: PeerFunction, n: number, seed: number): Promise<number> {
  const rng = createPrng(deriveSeed(seed, 'noise'));
  const study = createStudy({
    space: { dim: DIM, fromCube: (u: readonly number[]) => [...u] },
    objective: { feature: 'f', direction: 'minimize' },
    schedule: [{ policy: 'lhs', count: n }],
    seed,
    surrogate: 'gp',
  });
  for (const sg of await study.ask(n)) study.tell(sg.id, fn.f(sg.cube) * (1 + NOISE * rng.normal()));
  const mc = uniformSample(1000, DIM, createPrng(deriveSeed(seed, 'mc')));
  return r2(mc.map(fn.f), (await study.model())!.predict(mc).mean);
}

/** Sum over inputs of the first-order Sobol index, by the pick-freeze estimator on 20000 seeded pairs. */
export function firstOrderShare(fn: PeerFunction, n = 20_000): number {
  const rng = createPrng(deriveSeed(12, fn.name, 'sobol-indices'));
  const a = uniformSample(n, DIM, rng);
  const b = uniformSample(n, DIM, rng);
  const fa = a.map(fn.f);
  const fb = b.map(fn.f);
  const mean = fa.reduce((s, v) => s + v, 0) / n;
  const variance = fa.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  let share = 0;
  for (let k = 0; k < DIM; k++) {
    let s = 0;
    // Centred: a surface with a large mean and a small variance (Ackley) otherwise drowns in noise.
    for (let i = 0; i < n; i++) s += (fa[i]! - mean) * (fn.f(b[i]!.map((v, j) => (j === k ? a[i]![k]! : v))) - fb[i]!);
    share += s / n / variance;
  }
  return share;
}

/** Variogram at lag h over the variance (see the file comment), from 4000 seeded pairs. */
export function roughness(fn: PeerFunction, h: number): number {
  const rng = createPrng(deriveSeed(11, fn.name, 'roughness'));
  const diffs: number[] = [];
  const values: number[] = [];
  while (diffs.length < 4000) {
    const x = Array.from({ length: DIM }, () => rng.next());
    const e = Array.from({ length: DIM }, () => rng.normal());
    const norm = Math.hypot(...e);
    const x2 = x.map((v, k) => v + (h * e[k]!) / norm);
    if (x2.some((v) => v < 0 || v > 1)) continue;
    const a = fn.f(x);
    diffs.push((a - fn.f(x2)) ** 2);
    values.push(a);
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return diffs.reduce((s, v) => s + v, 0) / diffs.length / (2 * variance);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const value = (name: string) => args[args.indexOf(name) + 1];
  const rows = await runTwinBench({
    seeds: args.includes('--seeds') ? Number(value('--seeds')) : 3,
    ...(args.includes('--functions') ? { functions: value('--functions')!.split(',') } : {}),
  });
  console.log(`BENCH_JSON ${JSON.stringify({ twin: rows })}`);
}
