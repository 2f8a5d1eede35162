/**
 * ENN decision latency: refit after one new observation (warm start from the previous model, with
 * the structure accepted by `selectStructure`) + prediction on 10,000 candidate points, p50/p95 over
 * repeats at 10, 60, 200 and 1000 observations, per tfjs backend. A cold refit (+ predict) is timed
 * too, and test R^2 of the warm chain vs a cold fit shows that the warm start keeps accuracy.
 * Target (brief): decision p50 <= 0.5 s at 60 observations on the 2-core machine.
 *
 * Standalone: `npx tsx bench/latency.ts [--quick]`; also run by bench/index.ts.
 */
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { initBackend, selectBackend, type TfBackendName } from '../src/backend';
import { DEFAULT_STRUCTURE, fitEnn, r2, selectStructure, type Enn, type EnnStructure } from '../src/enn/index';
import { createRng } from '../src/enn/rng';

/** Options of {@link runLatencyBench}. */
export interface LatencyBenchOptions {
  /** Fewer repeats, CPU backend only up to 200 observations. Default false. */
  quick?: boolean;
  /** Observation counts; default [10, 60, 200, 1000]. */
  sizes?: number[];
  /** Backends to try; default ['wasm', 'cpu'] (those that fail to start are reported as skipped). */
  backends?: TfBackendName[];
  /** Skip the search and time this structure (e.g. DEFAULT_STRUCTURE). */
  structure?: EnnStructure;
}

/** One row of the latency table (times in ms). */
export interface LatencyRow {
  backend: string;
  n: number;
  repeats: number;
  warmFitP50: number;
  predictP50: number;
  decisionP50: number;
  decisionP95: number;
  coldDecisionP50: number;
  warmEpochsMean: number;
  coldEpochs: number;
  r2Warm: number;
  r2Cold: number;
}

const CANDIDATES = 10_000;
const DIM = 7;

/** Smooth 7-D target with curvature: sines, an interaction and a bump (PL_I-like optimum). */
function target(x: readonly number[]): number {
  const sines = x.reduce((a, v, i) => a + Math.sin(2 * v + 0.3 * i) * (1 + 0.2 * i), 0);
  const bump = 3 * Math.exp(-x.reduce((a, v, i) => a + (v - 0.6) ** 2 * (i < 2 ? 6 : 1), 0));
  return sines + bump + 2 * (x[0]! - 0.5) * (x[1]! - 0.5);
}

function uniform(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: DIM }, () => rng.next()));
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
}

async function timed<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await f();
  return [value, performance.now() - t0];
}

/** Run the latency benchmark; prints a table and returns the summary for BENCH_JSON. */
export async function runLatencyBench(options: LatencyBenchOptions = {}) {
  const quick = options.quick ?? false;
  const sizes = options.sizes ?? [10, 60, 200, 1000];
  const original = await initBackend();
  const load = loadavg().map((v) => Math.round(v * 100) / 100);

  // The structure the workflow would use: selected and accepted on 60 observations (paper step 3).
  const x60 = uniform(60, 1);
  const search = options.structure ? undefined : await timed(() => selectStructure(x60, x60.map(target), { seed: 1 }));
  const structure: EnnStructure = options.structure ?? search![0].best;
  if (search) {
    const [selection, ms] = search;
    console.log(`latency: structure search on 60 points took ${(ms / 1000).toFixed(1)} s; best R^2 ${selection.r2.toFixed(3)} (accepted ${selection.accepted})`);
    for (const c of selection.report) console.log(`latency:   R^2 ${c.r2.toFixed(3)} train ${c.trainR2.toFixed(3)} ${c.fitMs.toFixed(0)} ms ${JSON.stringify(c.structure)}`);
  }
  console.log(`latency: structure ${JSON.stringify(structure)}; load average ${load.join(' ')} on ${availableParallelism()} cores`);

  const candidates = uniform(CANDIDATES, 2);
  const testX = uniform(1000, 3);
  const testY = testX.map(target);
  const rows: LatencyRow[] = [];
  const skipped: string[] = [];
  for (const backend of options.backends ?? ['wasm', 'cpu']) {
    try {
      await selectBackend({ force: backend, log: () => {} });
    } catch (error) {
      skipped.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const n of sizes) {
      const slow = backend === 'cpu';
      if (slow && quick && n > 200) continue;
      const repeats = slow ? (n >= 1000 ? 1 : 3) : quick ? 3 : n >= 1000 ? 5 : 10;
      rows.push(await measure(backend, n, repeats, structure, candidates, testX, testY));
      const r = rows.at(-1)!;
      console.log(`latency: ${backend} n=${n} decision p50 ${r.decisionP50.toFixed(0)} ms (warm fit ${r.warmFitP50.toFixed(0)} + predict ${r.predictP50.toFixed(0)}), cold ${r.coldDecisionP50.toFixed(0)} ms`);
    }
  }
  await selectBackend({ force: original, log: () => {} });
  printTable(rows);
  const at60 = rows.find((r) => r.backend === 'wasm' && r.n === 60);
  const targetMet = at60 ? at60.decisionP50 <= 500 : null;
  console.log(`latency: target decision p50 <= 500 ms at 60 observations (wasm): ${targetMet === null ? 'not measured' : targetMet ? 'MET' : 'MISSED'}`);
  const searched = search && { ms: Math.round(search[1]), r2: search[0].r2, accepted: search[0].accepted };
  return { structure, search: searched ?? null, loadAverage: load, rows, skipped, targetMet };
}

/** Cold fit on n-1 points, then `repeats` decisions: warm refit on one more point + predict. */
async function measure(
  backend: string,
  n: number,
  repeats: number,
  structure: EnnStructure,
  candidates: number[][],
  testX: number[][],
  testY: number[],
): Promise<LatencyRow> {
  const x = uniform(n + repeats, 100 + n);
  const y = x.map(target);
  const first = (k: number) => ({ x: x.slice(0, k), y: y.slice(0, k) });
  const [base] = await timed(() => fitEnn(first(n - 1), { structure, seed: 1 }));
  let model: Enn = base;
  const warmFit: number[] = [];
  const predict: number[] = [];
  const decision: number[] = [];
  let warmEpochs = 0;
  for (let r = 0; r < repeats; r++) {
    const [next, fitMs] = await timed(() => fitEnn(first(n + r), { init: model, seed: 1 }));
    const [, predictMs] = await timed(() => next.predict(candidates));
    model = next;
    warmEpochs += next.metadata.epochsRun / repeats;
    warmFit.push(fitMs);
    predict.push(predictMs);
    decision.push(fitMs + predictMs);
  }
  const coldDecision: number[] = [];
  let cold: Enn | undefined;
  for (let r = 0; r < Math.min(repeats, 3); r++) {
    const [fitted, fitMs] = await timed(() => fitEnn(first(n + repeats - 1), { structure, seed: 1 }));
    const [, predictMs] = await timed(() => fitted.predict(candidates));
    coldDecision.push(fitMs + predictMs);
    cold = fitted;
  }
  return {
    backend,
    n,
    repeats,
    warmFitP50: quantile(warmFit, 0.5),
    predictP50: quantile(predict, 0.5),
    decisionP50: quantile(decision, 0.5),
    decisionP95: quantile(decision, 0.95),
    coldDecisionP50: quantile(coldDecision, 0.5),
    warmEpochsMean: warmEpochs,
    coldEpochs: cold!.metadata.epochsRun,
    r2Warm: r2(testY, model.predict(testX).mean),
    r2Cold: r2(testY, cold!.predict(testX).mean),
  };
}

function printTable(rows: LatencyRow[]): void {
  const head = ['backend', 'n', 'reps', 'warm fit p50', 'predict p50', 'decision p50', 'decision p95', 'cold+predict p50', 'epochs warm/cold', 'R2 warm/cold'];
  const body = rows.map((r) => [
    r.backend,
    String(r.n),
    String(r.repeats),
    `${r.warmFitP50.toFixed(0)} ms`,
    `${r.predictP50.toFixed(0)} ms`,
    `${r.decisionP50.toFixed(0)} ms`,
    `${r.decisionP95.toFixed(0)} ms`,
    `${r.coldDecisionP50.toFixed(0)} ms`,
    `${r.warmEpochsMean.toFixed(0)}/${r.coldEpochs}`,
    `${r.r2Warm.toFixed(3)}/${r.r2Cold.toFixed(3)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  body.forEach((b) => console.log(line(b)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const summary = await runLatencyBench({
    quick: args.includes('--quick'),
    ...(args.includes('--default-structure') ? { structure: { ...DEFAULT_STRUCTURE } } : {}),
    ...(args.includes('--wasm-only') ? { backends: ['wasm' as const] } : {}),
  });
  console.log(`BENCH_JSON ${JSON.stringify({ latency: summary })}`);
}
