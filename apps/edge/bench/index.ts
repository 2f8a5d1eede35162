/**
 * `npm run bench -w apps/edge`: control-loop jitter under agent load (worker vs main thread),
 * command-to-pump-start latency, outbox write+publish throughput. Prints a table and BENCH_JSON.
 * Options: --seconds N (jitter duration, default 60), --runs N (pump-start runs, default 5).
 */
import { benchJitter } from './jitter';
import { benchOutbox } from './outbox';
import { benchPumpStart } from './pump-start';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 60);
const runs = arg('runs', 5);
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const jitter = [await benchJitter('worker', seconds), await benchJitter('main-thread', seconds)];
console.log(`\ncontrol-loop jitter, 100 ms period, ${seconds} s while publishing results with full spectra`);
console.log('mode         ticks   p50        p99        max        results published');
for (const j of jitter) console.log(`${j.mode.padEnd(12)} ${String(j.ticks).padEnd(7)} ${ms(j.p50Ms).padEnd(10)} ${ms(j.p99Ms).padEnd(10)} ${ms(j.maxMs).padEnd(10)} ${j.resultsPublished}`);

const starts = await benchPumpStart(runs);
console.log(`\ncommand-to-pump-start latency (${starts.length} runs, plate at temperature): p50 ${ms(q(starts, 0.5))}, p95 ${ms(q(starts, 0.95))}, max ${ms(Math.max(...starts))}`);

console.log('\noutbox write + publish + PUBACK + delete');
const outbox = [await benchOutbox({ n: 1000, storage: 'file' }), await benchOutbox({ n: 2000, storage: 'memory' })];

console.log(
  `BENCH_JSON ${JSON.stringify({
    jitter,
    pumpStartMs: { p50: q(starts, 0.5), p95: q(starts, 0.95), max: Math.max(...starts), runs: starts.length },
    outbox: outbox.map((o) => ({ storage: o.storage, n: o.n, msgsPerS: o.msgsPerS })),
  })}`,
);
process.exit(0);
