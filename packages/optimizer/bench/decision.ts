/**
 * Study decision time: `ask` right after a `tell` (the refit on every observation + the acquisition
 * search), p50/p95 over repeats, at given observation counts, per surrogate and policy. This is
 * what a service waits for between a result and the next suggestion. EI is what the targets are
 * about; MV fits to learn, which on the GP means three fits (output-warp.ts).
 *
 * Standalone: `npx tsx bench/decision.ts [--sizes 60,1000] [--surrogates auto,gp,enn] [--policies ei,mv] [--repeats 5]`.
 */
import { pathToFileURL } from 'node:url';
import { createPrng, uniformSample } from '../src/sampling/prng';
import type { PolicyName } from '../src/policies/policy';
import { createStudy, type SurrogateKind } from '../src/study';
import { median, printTable, quantile } from './campaign';

/** Smooth 7-D target (as bench/latency.ts). */
const target = (x: readonly number[]) =>
  x.reduce((a, v, i) => a + Math.sin(2 * v + 0.3 * i) * (1 + 0.2 * i), 0) + 3 * Math.exp(-x.reduce((a, v, i) => a + (v - 0.6) ** 2 * (i < 2 ? 6 : 1), 0));

/** Options of {@link runDecisionBench}. */
export interface DecisionBenchOptions {
  sizes?: readonly number[];
  surrogates?: readonly SurrogateKind[];
  /** Default EI only. */
  policies?: readonly PolicyName[];
  repeats?: number;
}

/** Times `repeats` decisions of a study holding n observations, per surrogate, policy and n. */
export async function runDecisionBench(o: DecisionBenchOptions = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const surrogate of o.surrogates ?? ['auto']) {
    for (const [policy, n] of (o.policies ?? ['ei']).flatMap((p) => (o.sizes ?? [60, 1000]).map((size) => [p, size] as const))) {
      const x = uniformSample(n, 7, createPrng(n));
      const repeats = o.repeats ?? 5;
      const study = createStudy({
        space: { dim: 7, fromCube: (u: readonly number[]) => [...u] },
        objective: { feature: 'y', direction: 'maximize' },
        schedule: [{ policy, count: repeats + 1 }],
        seed: 1,
        surrogate,
        prior: { observations: x.map((cube) => ({ cube, value: target(cube) })) },
      });
      const times: number[] = [];
      for (let r = 0; r <= repeats; r++) {
        const t = performance.now();
        const [s] = await study.ask();
        if (r > 0) times.push(performance.now() - t); // the first ask also loads modules and JITs
        study.tell(s!.id, target(s!.cube));
      }
      rows.push({ surrogate, policy, n, repeats, p50Ms: median(times), p95Ms: quantile(times, 0.95) });
      console.log(`decision: ${surrogate} ${policy} n=${n} p50 ${median(times).toFixed(0)} ms`);
    }
  }
  printTable(
    'Study decision time (tell -> ask: refit + acquisition search), ms',
    ['surrogate', 'policy', 'observations', 'repeats', 'p50', 'p95'],
    rows.map((r) => [String(r.surrogate), String(r.policy), r.n as number, r.repeats as number, Math.round(r.p50Ms as number), Math.round(r.p95Ms as number)]),
  );
  console.log('decision: targets (EI) p50 <= 100 ms at 60 observations, <= 1000 ms at 1000');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const value = (name: string) => args[args.indexOf(name) + 1];
  const rows = await runDecisionBench({
    ...(args.includes('--sizes') ? { sizes: value('--sizes')!.split(',').map(Number) } : {}),
    ...(args.includes('--surrogates') ? { surrogates: value('--surrogates')!.split(',') as SurrogateKind[] } : {}),
    ...(args.includes('--policies') ? { policies: value('--policies')!.split(',') as PolicyName[] } : {}),
    ...(args.includes('--repeats') ? { repeats: Number(value('--repeats')) } : {}),
  });
  console.log(`BENCH_JSON ${JSON.stringify({ decision: rows })}`);
}
