/**
 * The paper's autonomous workflow on the simulated reactor (docs/science.md §7):
 * LHS 9 + MV 51 exploration -> ENN twin (structure search, test R^2, SHAP) -> 10-experiment
 * campaigns from the twin as informed prior with EI, UCB, EPLT and RANDOM. Measured values are
 * noisy (the sim's 1.1 % PL_I noise); progress is scored on the noise-free truth of the chosen
 * conditions, relative to the sim's global optimum.
 *
 * The twin's test R^2 is measured on an independent test campaign: 1000 uniformly drawn conditions,
 * measured with the simulator's noise. The paper could only hold out 20 % of its own 60 points; that
 * figure is printed too, but 12 actively chosen points make a noisy and pessimistic test set (MV
 * picks the conditions the model finds hardest), so it is not the headline.
 */
import type { ConditionSpace } from '@sdfl/chemistry';
import { createRandom, createReactorModel, type ReactorModel } from '@sdfl/sim';
import { maximinLhs } from '../src/sampling/lhs';
import { createPrng, deriveSeed, uniformSample } from '../src/sampling/prng';
import { createStudy, type Observation, type SnapshotSurrogate, type SurrogateFactory, type TrainingData } from '../src/study';
import { evaluateTwin, exactShapleyPoint, shapleyAnalysis, uncertaintyVsSize } from '../src/twin';
import { r2 } from '../src/enn/metrics';
import { bestSoFar, median, printTable, runCampaign, seconds } from './campaign';

/** Picks a twin structure from the exploration data and returns its factory. */
export type StructureSearch = (data: TrainingData, seed: number) => Promise<{ fit: SurrogateFactory; label: string; searchR2: number | null }>;

/** Options of {@link runWorkflowBench}. */
export interface WorkflowBenchOptions {
  variants: readonly number[];
  seeds: number;
  /** Surrogate of the exploration stage (the default ENN). */
  fit: SurrogateFactory;
  structureSearch: StructureSearch;
  /** Campaign budget. Default 10 (paper). */
  budget?: number;
  /** Simulator seed (variant draws). Default 7. */
  simSeed?: number;
}

/** The paper's four campaigns, plus EI restricted to a 0.4-wide trust region around the incumbent (ours). */
const POLICIES = ['ei', 'ucb', 'eplt', 'random', 'ei-tr'] as const;
const TARGET = 0.97;
const SECOND_TARGET = 0.9;

interface RunResult {
  variant: number;
  seed: number;
  /** R^2 on 1000 independent uniform conditions, measured with noise (headline). */
  testR2: number;
  /** R^2 on the paper's 80/20 split of the 60 exploration points. */
  splitR2: number;
  /** Pooled 5-fold cross-validated R^2 of the chosen structure on the 60 points (null: no search). */
  cvR2: number | null;
  truthR2: number;
  lhsTruthR2: number;
  structure: string;
  shapTop2: number[];
  truthTop2: number[];
  explorationBest: number;
  curves: Record<string, number[]>;
  toTarget: Record<string, number>;
  toSecond: Record<string, number>;
}

/** Noise-free PL_I of a cube point. */
const truthAt = (sim: ReactorModel, space: ConditionSpace, u: readonly number[]): number => sim.truth(space.fromCube(u)).plIntensity;

async function oneRun(o: WorkflowBenchOptions, variant: number, seed: number): Promise<RunResult> {
  const sim = createReactorModel({ seed: o.simSeed ?? 7, variant });
  const space = sim.space;
  const opt = sim.optimum().value;
  const objective = { feature: 'plIntensity', direction: 'maximize' as const };
  const measure = (stream: number) => {
    const rng = createRandom(stream);
    return (cube: number[]) => {
      const condition = space.fromCube(cube);
      const m = sim.measure(condition, rng);
      return { measured: m.failed ? null : m.features.plIntensity, truth: truthAt(sim, space, cube) };
    };
  };

  // 1-2. Initialisation (LHS 9) and MV exploration (51) -> 60 experiments.
  const explore = createStudy({ space, objective, seed, fit: o.fit, warmStart: true, schedule: [{ policy: 'lhs', count: 9 }, { policy: 'mv', count: 51 }] });
  const expSteps = await runCampaign(explore, measure(deriveSeed(seed, variant, 'explore')));
  const data = explore.trainingData();

  // 3. Twin: structure search, the paper's 80/20 split, an independent measured test set, and
  // accuracy against the noise-free truth.
  const chosen = await o.structureSearch(data, seed);
  const ev = await evaluateTwin(data, { fit: chosen.fit, seed });
  const twin: SnapshotSurrogate = await chosen.fit(data, { seed: deriveSeed(seed, 'twin') });
  const mc = uniformSample(1000, space.dim, createPrng(deriveSeed(seed, 'mc')));
  const yMc = mc.map((u) => truthAt(sim, space, u));
  const twinMc = twin.predict(mc).mean;
  const truthR2 = r2(yMc, twinMc);
  const testMeasure = measure(deriveSeed(seed, variant, 'test'));
  const testR2 = r2(mc.map((u) => testMeasure(u).measured ?? 0), twinMc);
  // Baseline: the same model class on 60 maximin-LHS experiments instead of LHS 9 + MV 51.
  const lhsX = maximinLhs(60, space.dim, createPrng(deriveSeed(seed, 'lhs60')));
  const lhsMeasure = measure(deriveSeed(seed, variant, 'lhs60'));
  const lhsData = { x: lhsX, y: lhsX.map((u) => lhsMeasure(u).measured ?? 0) };
  const lhsTruthR2 = r2(yMc, (await chosen.fit(lhsData, { seed: deriveSeed(seed, 'twin') })).predict(mc).mean);

  // 5. SHAP of the twin vs SHAP of the truth itself (same points and background).
  const background = data.x.slice(0, 24);
  const shap = shapleyAnalysis(twin, data.x, background);
  const truthAbs = new Float64Array(space.dim);
  for (const x of data.x) {
    const { phi } = exactShapleyPoint((rows) => [Float64Array.from(rows, (u) => truthAt(sim, space, u))], x, background);
    phi[0]!.forEach((v, i) => (truthAbs[i]! += Math.abs(v)));
  }
  const truthTop2 = Array.from(truthAbs.keys()).sort((a, b) => truthAbs[b]! - truthAbs[a]!).slice(0, 2);

  // 6. Campaigns from the twin as informed prior.
  const prior = { observations: explore.observations().map((ob: Observation) => ({ cube: ob.cube, value: ob.value, ...(ob.failed ? { failed: ob.failed } : {}) })), model: twin };
  const curves: Record<string, number[]> = {};
  const toTarget: Record<string, number> = {};
  const toSecond: Record<string, number> = {};
  for (const policy of POLICIES) {
    const stage = policy === 'ei-tr' ? { policy: 'ei' as const, params: { trustRegion: 0.4 } } : { policy };
    const study = createStudy({ space, objective, seed: deriveSeed(seed, policy), fit: chosen.fit, prior, schedule: [{ ...stage, count: o.budget ?? 10 }] });
    const steps = await runCampaign(study, measure(deriveSeed(seed, variant, policy)));
    curves[policy] = bestSoFar(steps.map((st) => st.truth / opt), 'maximize');
    const hit = curves[policy].findIndex((v) => v >= TARGET);
    toTarget[policy] = hit < 0 ? Infinity : hit + 1;
    const hit2 = curves[policy].findIndex((v) => v >= SECOND_TARGET);
    toSecond[policy] = hit2 < 0 ? Infinity : hit2 + 1;
  }
  return {
    variant,
    seed,
    testR2,
    splitR2: ev.testR2,
    cvR2: chosen.searchR2,
    truthR2,
    lhsTruthR2,
    structure: chosen.label,
    shapTop2: shap.ranking.slice(0, 2).map((r) => r.feature),
    truthTop2,
    explorationBest: Math.max(...expSteps.map((st) => st.truth)) / opt,
    curves,
    toTarget,
    toSecond,
  };
}

/** Runs every (variant, seed), prints the tables, returns the summary for BENCH_JSON. */
export async function runWorkflowBench(o: WorkflowBenchOptions): Promise<Record<string, unknown>> {
  const runs: RunResult[] = [];
  const t0 = performance.now();
  for (const variant of o.variants) {
    for (let s = 0; s < o.seeds; s++) {
      const t = performance.now();
      const r = await oneRun(o, variant, 100 + s);
      runs.push(r);
      console.log(
        `workflow variant ${variant} seed ${s}: test R2 ${r.testR2.toFixed(3)} (80/20 ${r.splitR2.toFixed(3)}, CV ${r.cvR2?.toFixed(3) ?? 'n/a'}), truth R2 ${r.truthR2.toFixed(3)} [${r.structure}] (LHS-60 ${r.lhsTruthR2.toFixed(3)}), ` +
          `SHAP top2 ${r.shapTop2.join(',')} (truth ${r.truthTop2.join(',')}), to ${TARGET * 100}%: ` +
          POLICIES.map((p) => `${p} ${Number.isFinite(r.toTarget[p]) ? r.toTarget[p] : '>' + (o.budget ?? 10)}`).join(' ') +
          ` (${seconds(t)} s)`,
      );
    }
  }
  await uncertaintyTable(o);
  regionTable(o);
  const budget = o.budget ?? 10;
  const labels = createReactorModel().space.dimensions.map((d) => d.label);
  const sameTop2 = (r: RunResult) => r.shapTop2.length === 2 && r.shapTop2.every((f) => r.truthTop2.includes(f));
  printTable(
    `Twin after LHS 9 + MV 51 (${runs.length} runs: variants ${o.variants.join(',')} x ${o.seeds} seeds, ${seconds(t0)} s)`,
    ['variant', 'test R2 (1000 measured)', '80/20 split R2', '5-fold CV R2', 'truth R2 (1000 MC)', 'truth R2 if LHS 60', 'runs test R2>=0.8', 'SHAP top-2 = truth'],
    [...o.variants.map((v) => runs.filter((r) => r.variant === v)), runs].map((rs, i) => [
      i < o.variants.length ? String(o.variants[i]) : 'all',
      median(rs.map((r) => r.testR2)),
      median(rs.map((r) => r.splitR2)),
      median(rs.map((r) => r.cvR2 ?? NaN)),
      median(rs.map((r) => r.truthR2)),
      median(rs.map((r) => r.lhsTruthR2)),
      `${rs.filter((r) => r.testR2 >= 0.8).length}/${rs.length}`,
      `${rs.filter(sameTop2).length}/${rs.length}`,
    ]),
  );
  const top = runs.flatMap((r) => r.shapTop2.map((f) => labels[f]!));
  console.log(`SHAP top-2 inputs of the twins (counts): ${countStrings(top)}; truth top-2: ${countStrings(runs.flatMap((r) => r.truthTop2.map((f) => labels[f]!)))}`);
  printTable(
    `Campaigns from the twin (median best-so-far, fraction of the true optimum; exploration best ${median(runs.map((r) => r.explorationBest)).toFixed(3)})`,
    ['policy', ...Array.from({ length: budget }, (_, i) => `it${i + 1}`), `n to ${TARGET * 100}%`, `reached`, `n to ${SECOND_TARGET * 100}%`, `reached`, 'beat exploration best'],
    POLICIES.map((p) => [
      p,
      ...Array.from({ length: budget }, (_, i) => median(runs.map((r) => r.curves[p]![i]!))),
      median(runs.map((r) => r.toTarget[p]!)),
      `${runs.filter((r) => Number.isFinite(r.toTarget[p])).length}/${runs.length}`,
      median(runs.map((r) => r.toSecond[p]!)),
      `${runs.filter((r) => Number.isFinite(r.toSecond[p])).length}/${runs.length}`,
      `${runs.filter((r) => beatsExploration(r, p)).length}/${runs.length}`,
    ]),
  );
  // The paper's own comparison: random sampling ended ~20 % below EI.
  const randomGap = median(runs.map((r) => 1 - r.curves.random!.at(-1)! / r.curves.ei!.at(-1)!));
  console.log(`Random's final best below EI's (median of per-run gaps): ${(100 * randomGap).toFixed(1)} % (paper: ~20 %)`);
  return {
    runs: runs.length,
    variants: o.variants,
    seeds: o.seeds,
    twinTestR2Median: median(runs.map((r) => r.testR2)),
    twinSplitR2Median: median(runs.map((r) => r.splitR2)),
    twinCvR2Median: median(runs.map((r) => r.cvR2 ?? NaN)),
    twinTruthR2Median: median(runs.map((r) => r.truthR2)),
    lhs60TruthR2Median: median(runs.map((r) => r.lhsTruthR2)),
    structures: countStrings(runs.map((r) => r.structure)),
    twinAccepted: runs.filter((r) => r.testR2 >= 0.8).length / runs.length,
    shapTop2Agreement: runs.filter(sameTop2).length / runs.length,
    explorationBestMedian: median(runs.map((r) => r.explorationBest)),
    randomBelowEiMedian: randomGap,
    campaigns: Object.fromEntries(
      POLICIES.map((p) => [
        p,
        {
          finalMedian: median(runs.map((r) => r.curves[p]![budget - 1]!)),
          toTargetMedian: finiteOrNull(median(runs.map((r) => r.toTarget[p]!))),
          reachedFraction: runs.filter((r) => Number.isFinite(r.toTarget[p])).length / runs.length,
          to90Median: finiteOrNull(median(runs.map((r) => r.toSecond[p]!))),
          reached90Fraction: runs.filter((r) => Number.isFinite(r.toSecond[p])).length / runs.length,
          beatsExplorationFraction: runs.filter((r) => beatsExploration(r, p)).length / runs.length,
        },
      ]),
    ),
  };
}

/** Uncertainty vs data size on one exploration data set per variant (paper: models on 10..60 points). */
async function uncertaintyTable(o: WorkflowBenchOptions): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const variant of o.variants) {
    const sim = createReactorModel({ seed: o.simSeed ?? 7, variant });
    const study = createStudy({ space: sim.space, objective: { feature: 'plIntensity', direction: 'maximize' }, seed: 100, fit: o.fit, warmStart: true, schedule: [{ policy: 'lhs', count: 9 }, { policy: 'mv', count: 51 }] });
    const rng = createRandom(1);
    await runCampaign(study, (cube) => {
      const m = sim.measure(sim.space.fromCube(cube), rng);
      return { measured: m.failed ? null : m.features.plIntensity, truth: 0 };
    });
    const u = await uncertaintyVsSize(study.trainingData(), { fit: o.fit, seed: 1 });
    rows.push([String(variant), ...u.map((r) => r.relativeMeanStd)]);
  }
  printTable('Twin uncertainty vs data size: mean predicted std / std(y) on 1000 MC inputs (seed 100)', ['variant', 'n=10', 'n=20', 'n=30', 'n=40', 'n=50', 'n=60'], rows);
}

/** How small the target is: fraction of the cube within 97 % / 90 % / 80 % of each variant's optimum. */
function regionTable(o: WorkflowBenchOptions): void {
  const rows = o.variants.map((variant) => {
    const sim = createReactorModel({ seed: o.simSeed ?? 7, variant });
    const opt = sim.optimum().value;
    const pts = uniformSample(100_000, sim.space.dim, createPrng(deriveSeed(variant, 'region')));
    const v = pts.map((u) => truthAt(sim, sim.space, u) / opt);
    const frac = (t: number) => v.filter((x) => x >= t).length / v.length;
    return [String(variant), opt, sim.optimum().cube.map((x) => x.toFixed(2)).join(','), frac(0.97).toExponential(1), frac(0.9).toExponential(1), frac(0.8).toExponential(1)];
  });
  printTable('Simulator optima and target sizes (fraction of 100k uniform cube points at >= 97 / 90 / 80 % of the optimum)', ['variant', 'PL_I opt', 'optimum (cube)', '>=97%', '>=90%', '>=80%'], rows);
}

function countStrings(xs: readonly string[]): string {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** Whether policy `p`'s campaign found a better condition (noise-free) than the 60 exploration experiments. */
function beatsExploration(r: RunResult, p: string): boolean {
  return r.curves[p]!.at(-1)! > r.explorationBest;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
