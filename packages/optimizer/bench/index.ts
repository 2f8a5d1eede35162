/**
 * Optimizer benchmarks: `npm run bench -w packages/optimizer [-- --quick] [-- --only peers,twin,workflow,decision,functions,latency]`
 * (`--seeds N` for the peers; `--surrogate enn` runs the workflow on the paper's ENN twin). Without
 * `--only` every bench but `functions` and `twin` runs (`functions`: the ENN-only test-function bench the
 * peers superseded; `twin`: the peers' twin table alone, which `peers` already includes).
 * Prints tables and one final `BENCH_JSON {...}` line. Each bench adds its summary to `results`.
 */
import { initBackend } from '../src/backend';
import { runLatencyBench } from './latency';
import { runDecisionBench } from './decision';
import { runPeersBench } from './peers';
import { runTwinBench } from './twin';
import { autoFit } from '../src/study';
import { ennFactory, ennStructureSearch, gpTwinSearch } from './surrogates';
import { runTestFunctionBench } from './test-functions';
import { runWorkflowBench } from './workflow';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? args[args.indexOf('--only') + 1];
const only = args.some((a) => a.startsWith('--only')) && onlyArg ? new Set(onlyArg.split(',')) : null;
const want = (name: string): boolean => (only === null ? name !== 'functions' && name !== 'twin' : only.has(name));
const seedsArg = args.includes('--seeds') ? Number(args[args.indexOf('--seeds') + 1]) : undefined;
const enn = args.includes('--surrogate') && args[args.indexOf('--surrogate') + 1] === 'enn';
const results: Record<string, unknown> = { quick };

await initBackend();
if (want('peers')) {
  results.peers = await runPeersBench({ seeds: seedsArg ?? (quick ? 2 : 10), twinSeeds: quick ? 1 : 3 });
}
if (want('twin')) {
  results.twin = await runTwinBench({ seeds: seedsArg ?? (quick ? 1 : 3) });
}
if (want('workflow')) {
  const surrogate = enn ? { fit: ennFactory(), structureSearch: ennStructureSearch() } : { fit: autoFit, structureSearch: gpTwinSearch() };
  results.workflow = await runWorkflowBench({ variants: [0, 1, 2], seeds: quick ? 2 : 10, ...surrogate });
}
if (want('decision')) {
  results.decision = await runDecisionBench({ sizes: [60, 1000], surrogates: ['auto', 'gp', 'enn'], policies: ['ei', 'mv'], repeats: quick ? 3 : 5 });
}
if (want('functions')) {
  results.testFunctions = await runTestFunctionBench({ seeds: quick ? 2 : 10, budget: 30, fit: ennFactory() });
}
if (want('latency')) {
  results.latency = await runLatencyBench({ quick });
}

console.log(`BENCH_JSON ${JSON.stringify(results)}`);
