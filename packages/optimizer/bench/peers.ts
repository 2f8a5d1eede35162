/**
 * Peers side by side: our study (LHS 9 + a model policy) against Optuna's multivariate TPE and a
 * scikit-learn GP-EI (bench/peers.py on Debian's python3, skipped with a message when absent) and
 * uniform random, on the same surfaces (bench/peer-functions.ts), the same 9-point initial design
 * and the same seeded 1.1 % multiplicative noise: the i-th evaluation of every method gets the
 * same noise draw. Scored on the noise-free value of the evaluated points. Beside the six scored
 * surfaces, a control whose optimum lies on two faces (reported, not pooled).
 *
 * Standalone: `npx tsx bench/peers.ts [--seeds 3] [--methods ei,tpe] [--functions levy7] [--twin-seeds 3]`;
 * also `--only peers` of bench/index.ts (with the twin table).
 */
import { pathToFileURL } from 'node:url';
import { createPrng, deriveSeed } from '../src/sampling/prng';
import { FACE_EPS, type PolicyName, type PolicyParams } from '../src/policies';
import { createStudy, type SurrogateKind } from '../src/study';
import { median, printTable, quantile, seconds } from './campaign';
import { normalisedRegret, peerFunctions, type PeerFunction } from './peer-functions';
import { PythonPeers } from './python-peers';
import { runTwinBench } from './twin';

const DIM = 7;
const INIT = 9;
const NOISE = 0.011;
/** A coordinate this close to 0 or 1 puts a proposal "on a bound" (the tie-break's own face test). */
const BOUND_EPS = FACE_EPS;
/**
 * Proposals a hair inside the faces would pass BOUND_EPS; the share of coordinates within 0.02 of
 * a face (uniform sampling: 0.04) shows whether proposals still crowd the faces.
 */
const NEAR_EPS = 0.02;
/**
 * A proposal on a bound "against the surface" improves (noise-free) when one of its bound
 * coordinates moves this far inward: the face is not where the function leads, so the acquisition
 * chased the face itself. A proposal on a bound whose surface gets worse inward follows the
 * function to a (local) optimum on the face, which the bound target allows.
 */
const INWARD = 0.05;

/** Our configurations: a policy and a surrogate after the shared 9-point LHS. */
export const OUR_METHODS: Record<string, { policy: PolicyName; surrogate?: SurrogateKind; params?: PolicyParams; inset?: number }> = {
  /** The study's defaults: `auto` GP, EI in the adaptive trust region, off the faces when nearly as good. */
  ei: { policy: 'ei' },
  /** The defaults without the tie-break against the faces (policies/faces.ts). */
  'ei-faces': { policy: 'ei', params: { faceTolerance: 0 } },
  ucb: { policy: 'ucb' },
  /** EI over the whole cube (a side-2 box around any incumbent covers it). */
  'ei-cube': { policy: 'ei', params: { trustRegion: 2 } },
  /** EI in a fixed 0.4-wide box (the previous bench's variant). */
  'ei-tr': { policy: 'ei', params: { trustRegion: 0.4 } },
  /** TuRBO's own region sizes (initial 0.8, max 1.6). */
  'ei-turbo': { policy: 'ei', params: { trustRegion: 'adaptive', adaptiveTrustRegion: { initial: 0.8, max: 1.6 } } },
  /** The paper's ENN with the default EI. */
  'ei-enn': { policy: 'ei', surrogate: 'enn' },
  'ei-cube-enn': { policy: 'ei', surrogate: 'enn', params: { trustRegion: 2 } },
  /**
   * The default EI on bounds narrowed by 0.03 on every side (as a user keeping off the faces
   * would set them): what proposals on the faces are worth.
   */
  'ei-inset': { policy: 'ei', inset: 0.03 },
};
const PEER_METHODS = ['tpe', 'gpei', 'random'] as const;

/** Options of {@link runPeersBench}. */
export interface PeersBenchOptions {
  seeds: number;
  /** Evaluations per run, the 9-point design included. Default 30. */
  budget?: number;
  /** Methods: keys of OUR_METHODS and tpe, gpei, random. Default ei, ei-faces, ucb, ei-cube, ei-inset, tpe, gpei, random. */
  methods?: readonly string[];
  /** Surfaces by name. Default the six scored ones and the face-bump control. */
  functions?: readonly string[];
  /** Seeds of the twin table (LHS 9 + MV 51 on each surface, default surrogate); 0 skips it. Default 0. */
  twinSeeds?: number;
}

interface Run {
  /** Noise-free value of each evaluation. */
  truth: number[];
  /** Decision times (ms) of the proposals after the initial design. */
  decisionMs: number[];
  /** Proposals after the initial design with a coordinate on a bound. */
  onBound: number;
  /** Of those, proposals against the surface (see INWARD). */
  againstSurface: number;
  /** Coordinates of those proposals within NEAR_EPS of 0 or 1 (a uniform point: 2 NEAR_EPS of them). */
  nearCoords: number;
  proposals: number;
}

const onBound = (x: readonly number[]) => x.some((v) => v < BOUND_EPS || v > 1 - BOUND_EPS);
const againstSurface = (fn: PeerFunction, xs: readonly (readonly number[])[]) =>
  xs.filter((x) => {
    const here = fn.f(x);
    return x.some((v, k) => (v < BOUND_EPS || v > 1 - BOUND_EPS) && fn.f(x.map((w, j) => (j === k ? (v < 0.5 ? w + INWARD : w - INWARD) : w))) < here);
  }).length;
const nearCoords = (xs: readonly (readonly number[])[]) => xs.reduce((a, x) => a + x.filter((v) => v < NEAR_EPS || v > 1 - NEAR_EPS).length, 0);
const nearShare = (rs: readonly Run[]) => {
  const coords = rs.reduce((a, r) => a + r.proposals, 0) * DIM;
  return coords > 0 ? rs.reduce((a, r) => a + r.nearCoords, 0) / coords : null;
};

/** Runs every (surface, seed, method); prints one table per surface and a summary; returns it for BENCH_JSON. */
export async function runPeersBench(o: PeersBenchOptions): Promise<Record<string, unknown>> {
  const budget = o.budget ?? 30;
  const methods = o.methods ?? ['ei', 'ei-faces', 'ucb', 'ei-cube', 'ei-inset', 'tpe', 'gpei', 'random'];
  for (const m of methods) if (!(m in OUR_METHODS) && !(PEER_METHODS as readonly string[]).includes(m)) throw new Error(`unknown peers method '${m}'`);
  const wantsPython = methods.some((m) => m === 'tpe' || m === 'gpei');
  const python = wantsPython ? await PythonPeers.start() : undefined;
  if (typeof python === 'string') console.log(`peers: skipping TPE and GP-EI: ${python}`);
  const active = methods.filter((m) => (m !== 'tpe' && m !== 'gpei') || typeof python === 'object');
  const checkpoints = [10, 20, budget].filter((c, i, a) => c <= budget && a.indexOf(c) === i);
  const fns = peerFunctions({ control: true }).filter((f) => !o.functions || o.functions.includes(f.name));
  const scored = fns.filter((f) => !f.control);
  const summary: Record<string, Record<string, unknown>> = {};
  const pooled: Record<string, number[]> = {};
  const t0 = performance.now();
  try {
    for (const fn of fns) {
      const t = performance.now();
      const runs: Record<string, Run[]> = {};
      for (let s = 0; s < o.seeds; s++) {
        const seed = deriveSeed(2000 + s, fn.name);
        const noise = noiseStream(seed, budget);
        const measured = (x: readonly number[], i: number) => fn.f(x) * (1 + NOISE * noise[i]!);
        const init = await initialDesign(seed);
        for (const m of active) {
          const run = m in OUR_METHODS ? await runOurs(m, fn, seed, budget, measured) : m === 'random' ? runRandom(fn, seed, budget) : await runPython(python as PythonPeers, m, fn, seed, budget, init, measured);
          (runs[m] ??= []).push(run);
        }
      }
      const regretAt = (m: string, c: number) => runs[m]!.map((r) => normalisedRegret(fn, Math.min(...r.truth.slice(0, c))));
      const cell = (xs: number[]) => `${fmt(median(xs))} [${fmt(quantile(xs, 0.25))}-${fmt(quantile(xs, 0.75))}]`;
      printTable(
        `peers on ${fn.name}: median normalised regret [IQR] after n evaluations (${o.seeds} seeds, ${seconds(t)} s)`,
        ['method', ...checkpoints.map((c) => `n=${c}`), 'on a bound', 'against the surface', `coords <${NEAR_EPS} of one`, 'decision p50'],
        active.map((m) => {
          const rs = runs[m]!;
          const props = rs.reduce((a, r) => a + r.proposals, 0);
          return [
            m,
            ...checkpoints.map((c) => cell(regretAt(m, c))),
            props > 0 ? (rs.reduce((a, r) => a + r.onBound, 0) / props).toFixed(3) : 'n/a',
            props > 0 ? (rs.reduce((a, r) => a + r.againstSurface, 0) / props).toFixed(3) : 'n/a',
            nearShare(rs)?.toFixed(3) ?? 'n/a',
            m === 'random' ? 'n/a' : `${median(rs.flatMap((r) => r.decisionMs)).toFixed(0)} ms`,
          ];
        }),
      );
      summary[fn.name] = Object.fromEntries(
        active.map((m) => {
          const rs = runs[m]!;
          const props = rs.reduce((a, r) => a + r.proposals, 0);
          if (!fn.control) (pooled[m] ??= []).push(...regretAt(m, budget));
          return [
            m,
            {
              ...Object.fromEntries(checkpoints.map((c) => [`n${c}`, { median: median(regretAt(m, c)), q25: quantile(regretAt(m, c), 0.25), q75: quantile(regretAt(m, c), 0.75) }])),
              onBound: props > 0 ? rs.reduce((a, r) => a + r.onBound, 0) / props : null,
              againstSurface: props > 0 ? rs.reduce((a, r) => a + r.againstSurface, 0) / props : null,
              nearCoords: nearShare(rs),
              decisionP50Ms: m === 'random' ? null : median(rs.flatMap((r) => r.decisionMs)),
            },
          ];
        }),
      );
    }
  } finally {
    if (typeof python === 'object') python.stop();
  }
  const medianAt = (fnName: string, m: string) => (summary[fnName]?.[m] as { [k: string]: { median: number } } | undefined)?.[`n${budget}`]?.median ?? NaN;
  const ours = active.filter((m) => m in OUR_METHODS);
  const wins = Object.fromEntries(
    ours.map((m) => [m, scored.filter((fn) => ['tpe', 'gpei'].every((p) => active.includes(p) && medianAt(fn.name, m) < medianAt(fn.name, p))).map((fn) => fn.name)]),
  );
  printTable(
    `peers: pooled median normalised regret at ${budget} over ${scored.length} surfaces x ${o.seeds} seeds (${seconds(t0)} s); ours: surfaces where it beats TPE and GP-EI`,
    ['method', `pooled median @${budget}`, 'beats TPE and GP-EI on'],
    active.map((m) => [m, median(pooled[m] ?? []), m in wins ? `${wins[m]!.length}/${scored.length} ${wins[m]!.join(' ')}` : '']),
  );
  console.log('peers: targets: lower than TPE and GP-EI on >= 4 of 6 surfaces, pooled median <= 0.15, on a bound <= 0.05 unless the optimum lies on one (against the surface)');
  const twin = (o.twinSeeds ?? 0) > 0 ? await runTwinBench({ seeds: o.twinSeeds!, functions: scored.map((f) => f.name) }) : null;
  return {
    twin, seeds: o.seeds, budget, functions: summary, pooledMedian: Object.fromEntries(active.map((m) => [m, median(pooled[m] ?? [])])), wins, python: typeof python === 'string' ? python : 'ran' };
}

/** Standard normal draws shared by every method of one (surface, seed). */
export function noiseStream(seed: number, n: number): number[] {
  const rng = createPrng(deriveSeed(seed, 'noise'));
  return Array.from({ length: n }, () => rng.normal());
}

/** The 9 LHS points our study draws first for this seed (every method starts from them). */
async function initialDesign(seed: number): Promise<number[][]> {
  const study = createStudy({ space: { dim: DIM, fromCube: (u: readonly number[]) => [...u] }, objective: { feature: 'f', direction: 'minimize' }, schedule: [{ policy: 'lhs', count: INIT }], seed });
  return (await study.ask(INIT)).map((s) => s.cube);
}

async function runOurs(method: string, fn: PeerFunction, seed: number, budget: number, measured: (x: readonly number[], i: number) => number): Promise<Run> {
  const cfg = OUR_METHODS[method]!;
  const inset = cfg.inset ?? 0;
  const at = (u: readonly number[]) => u.map((v) => inset + (1 - 2 * inset) * v);
  const study = createStudy({
    space: { dim: DIM, fromCube: (u: readonly number[]) => [...u] },
    objective: { feature: 'f', direction: 'minimize' },
    schedule: [
      { policy: 'lhs', count: INIT },
      { policy: cfg.policy, count: budget - INIT, ...(cfg.params ? { params: cfg.params } : {}) },
    ],
    seed,
    ...(cfg.surrogate ? { surrogate: cfg.surrogate } : {}),
  });
  const run: Run = { truth: [], decisionMs: [], onBound: 0, againstSurface: 0, nearCoords: 0, proposals: 0 };
  for (let i = 0; i < budget; i++) {
    const t = performance.now();
    const [s] = await study.ask();
    const ms = performance.now() - t;
    if (!s) break;
    const x = at(s.cube);
    if (i >= INIT) {
      run.decisionMs.push(ms);
      run.proposals++;
      if (onBound(x)) run.onBound++;
      run.againstSurface += againstSurface(fn, [x]);
      run.nearCoords += nearCoords([x]);
    }
    run.truth.push(fn.f(x));
    study.tell(s.id, measured(x, i));
  }
  return run;
}

function runRandom(fn: PeerFunction, seed: number, budget: number): Run {
  const rng = createPrng(deriveSeed(seed, 'uniform'));
  const xs = Array.from({ length: budget }, () => Array.from({ length: DIM }, () => rng.next()));
  return { truth: xs.map(fn.f), decisionMs: [], onBound: xs.filter(onBound).length, againstSurface: againstSurface(fn, xs), nearCoords: nearCoords(xs), proposals: budget };
}

async function runPython(py: PythonPeers, method: string, fn: PeerFunction, seed: number, budget: number, init: number[][], measured: (x: readonly number[], i: number) => number): Promise<Run> {
  let i = 0;
  const { xs, ms } = await py.run(method, DIM, seed % 2 ** 31, budget, init, (x) => measured(x, i++));
  const after = xs.slice(INIT);
  return {
    truth: xs.map(fn.f),
    decisionMs: ms.slice(INIT),
    onBound: after.filter(onBound).length,
    againstSurface: againstSurface(fn, after),
    nearCoords: nearCoords(after),
    proposals: after.length,
  };
}

function fmt(x: number): string {
  return Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const value = (name: string) => args[args.indexOf(name) + 1];
  const summary = await runPeersBench({
    seeds: args.includes('--seeds') ? Number(value('--seeds')) : args.includes('--quick') ? 2 : 10,
    ...(args.includes('--methods') ? { methods: value('--methods')!.split(',') } : {}),
    ...(args.includes('--functions') ? { functions: value('--functions')!.split(',') } : {}),
    twinSeeds: args.includes('--twin-seeds') ? Number(value('--twin-seeds')) : 0,
  });
  console.log(`BENCH_JSON ${JSON.stringify({ peers: summary })}`);
}
