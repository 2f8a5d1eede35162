/**
 * Optimizer benchmarks: `npm run bench -w packages/optimizer [-- --quick] [-- --only workflow,functions,latency]`.
 * Prints tables and one final `BENCH_JSON {...}` line. Each bench adds its summary to `results`.
 */
import { initBackend } from '../src/backend';
import { runLatencyBench } from './latency';
import { ennFactory, ennStructureSearch } from './surrogates';
import { runTestFunctionBench } from './test-functions';
import { runWorkflowBench } from './workflow';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? args[args.indexOf('--only') + 1];
const only = args.some((a) => a.startsWith('--only')) && onlyArg ? new Set(onlyArg.split(',')) : null;
const want = (name: string): boolean => only === null || only.has(name);
const results: Record<string, unknown> = { quick };

await initBackend();
if (want('workflow')) {
  results.workflow = await runWorkflowBench({ variants: [0, 1, 2], seeds: quick ? 2 : 10, fit: ennFactory(), structureSearch: ennStructureSearch() });
}
if (want('functions')) {
  results.testFunctions = await runTestFunctionBench({ seeds: quick ? 2 : 10, budget: 30, fit: ennFactory() });
}
if (want('latency')) {
  results.latency = await runLatencyBench({ quick });
}

console.log(`BENCH_JSON ${JSON.stringify(results)}`);
