/**
 * Outbox throughput: `n` results through the real path — encode, durable append (SQLite WAL,
 * synchronous=FULL: one fsync per message), QoS 1 publish, PUBACK, row marked as awaiting the
 * cloud's receipt (results stay in the outbox until receipted; no cloud here) — against an
 * in-process aedes broker on a loopback TCP port.
 *
 * Run alone: `npx tsx apps/edge/bench/outbox.ts [n] [file|memory] [maxInFlight]`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import type { BodyInput } from '@sdfl/protocol';
import { Link } from '../src/link/index';
import { openEdgeDb } from '../src/store/index';

/** Options of {@link benchOutbox}. */
export interface BenchOutboxOptions {
  /** Messages to send. Default 2000. */
  readonly n?: number;
  /** `file` (a temp file, the real durability cost) or `memory` (`:memory:`, network path only). Default `file`. */
  readonly storage?: 'file' | 'memory';
  /** Outbox window (rows awaiting PUBACK). Default the link's default, 16. */
  readonly maxInFlight?: number;
  /** Print the figure to stdout. Default true. */
  readonly print?: boolean;
}

/** Result of {@link benchOutbox}. */
export interface BenchOutboxResult {
  readonly n: number;
  readonly storage: 'file' | 'memory';
  readonly elapsedMs: number;
  /** Of which: the synchronous encode + durable append loop, ms (the fsync share, for `file`). */
  readonly appendMs: number;
  /** Messages PUBACKed (and marked as awaiting a receipt) per second. */
  readonly msgsPerS: number;
  /** Size of one encoded result payload, bytes. */
  readonly payloadBytes: number;
}

/** Measures outbox throughput (see the module comment) and prints `msgs/s`. */
export async function benchOutbox(options: BenchOutboxOptions = {}): Promise<BenchOutboxResult> {
  const n = options.n ?? 2000;
  const storage = options.storage ?? 'file';
  const aedes = await Aedes.createBroker();
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-bench-outbox-'));
  const db = openEdgeDb(storage === 'file' ? join(dir, 'edge.db') : ':memory:');
  const link = new Link({
    platformId: 'bench-1',
    brokerUrl: `mqtt://127.0.0.1:${port}`,
    keepaliveS: 30,
    reconnectPeriodMs: 1000,
    agentVersion: 'bench',
    db,
    log: pino({ level: 'silent' }),
    stateProvider: () => ({
      devices: { pumps: [], spectrometers: [], heater: { kind: 'simulated' } },
      capabilities: { offlinePolicies: ['standby'], features: [] },
      limits: { temperature: { minC: 20, maxC: 180, ceilingC: 200 }, pumps: {} },
      stage: 'idle',
      safe: false,
    }),
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
  });
  try {
    const online = new Promise<void>((resolve) => link.once('online', () => resolve()));
    await link.start();
    await online;
    const payloadBytes = Buffer.byteLength(JSON.stringify(result(0)));
    const start = performance.now();
    for (let i = 0; i < n; i++) link.publishResult(result(i));
    const appendMs = performance.now() - start;
    await link.whenDrained();
    const elapsedMs = performance.now() - start;
    const msgsPerS = n / (elapsedMs / 1000);
    if (options.print ?? true) {
      console.log(
        `outbox (${storage}, ~${payloadBytes} B body): ${n} msgs in ${elapsedMs.toFixed(0)} ms = ${msgsPerS.toFixed(0)} msgs/s ` +
          `(append + publish QoS1 + PUBACK + mark awaiting receipt; append loop ${appendMs.toFixed(0)} ms)`,
      );
    }
    return { n, storage, elapsedMs, appendMs, msgsPerS, payloadBytes };
  } finally {
    await link.stop();
    db.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function result(i: number): BodyInput<'result'> {
  const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
  return {
    experimentId: `bench-${i}`,
    attempt: 1,
    condition: { temperatureC: 120, cuIUlMin: 20, csOleateUlMin: 15, oaCsUlMin: 3, oaCuIUlMin: 4, oAmUlMin: 5, odeCuIUlMin: 30 },
    flowPlan: { ratesUlMin: { cuI: 20, csOleate: 15 }, residenceTimeS: 90, reactionTimeS: 90, equilibrationS: 108 },
    warnings: [],
    status: 'failed',
    failure: { reason: 'TIMEOUT', detail: 'bench' },
    timings: { startedAt: at, finishedAt: at, durations: { totalS: 1 } },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [n, storage, maxInFlight] = process.argv.slice(2);
  await benchOutbox({
    n: n === undefined ? 2000 : Number(n),
    storage: storage === 'memory' ? 'memory' : 'file',
    ...(maxInFlight === undefined ? {} : { maxInFlight: Number(maxInFlight) }),
  });
}
