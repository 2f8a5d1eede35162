/**
 * Part 3: ingestion throughput. N registered platforms (each with its own MQTT credentials, as
 * the tests' lightweight ProtocolEdge) publish results at once for experiments that exist in the
 * database for that platform. We count stored rows and time each result from publish to the
 * end-to-end receipt that names it (sent only after the row is stored).
 *
 * The experiments belong to a finished campaign and are already told, so each result goes the
 * whole ingest path (decode, platform check, row lock, insert, receipt, campaign wake-up and a
 * step that finds nothing to decide) but triggers no fit: this measures storage, not the optimizer.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { count, inArray } from 'drizzle-orm';
import { createConditionSpace } from '@sdfl/chemistry';
import { decode } from '@sdfl/protocol';
import { campaigns, experiments, results } from '../src/db/schema';
import { addPlatform } from '../src/engine/platforms';
import { ProtocolEdge } from '../test/support/protocol-edge';
import { startBenchCloud, waitOnline, fullResultBody, type BenchCloud, type BenchDbKind } from './harness';
import { summarize, type Summary } from './stats';

export interface IngestRound {
  readonly platforms: number;
  readonly perPlatform: number;
  readonly payload: 'full spectra' | 'tiny spectra';
  readonly payloadKb: number;
  readonly published: number;
  readonly stored: number;
  readonly receipted: number;
  readonly resultsPerS: number;
  readonly receiptLatencyMs: Summary;
  /** Main-thread event-loop utilisation during the burst (1 = never idle). */
  readonly mainThreadUtilisation: number;
  /** Main-thread event-loop delay during the burst, ms (2 ms timer resolution subtracted). */
  readonly loopDelayMs: Summary;
  /** Process CPU (all threads) during the burst, in cores. */
  readonly cpuCores: number;
  /** Connecting the N clients (CONNECT with scrypt check, subscribe, birth) until all were online, s. */
  readonly connectS: number;
  readonly timedOut: boolean;
}

export interface IngestOptions {
  readonly dbKind: BenchDbKind;
  readonly rounds: readonly { readonly platforms: number; readonly perPlatform: number; readonly payload?: IngestRound['payload'] }[];
  /** Give up on a round after this long, ms. Default 120 s. */
  readonly roundTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface IngestRun {
  readonly rounds: IngestRound[];
  /** Registering the platforms (scrypt hash each), s. */
  readonly registerS: number;
}

const CUBE = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
const CONDITION = createConditionSpace().fromCube(CUBE) as unknown as Record<string, number>;

export async function runIngest(o: IngestOptions): Promise<IngestRun> {
  const most = Math.max(...o.rounds.map((r) => r.platforms));
  const bench = await startBenchCloud(o.dbKind);
  try {
    const t0 = performance.now();
    const ids = Array.from({ length: most }, (_, i) => `bench-p${String(i).padStart(3, '0')}`);
    const passwords = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 8) {
      const batch = await Promise.all(ids.slice(i, i + 8).map((id) => addPlatform(bench.cloud.db.db, id, { actor: 'bench' })));
      for (const c of batch) passwords.set(c.platformId, c.password);
    }
    const registerS = (performance.now() - t0) / 1000;
    await seedExperiments(bench, ids);
    const nextAttempt = new Map(ids.map((id) => [id, 1]));
    const rounds: IngestRound[] = [];
    for (const r of o.rounds) {
      const round = await runRound(bench, ids.slice(0, r.platforms), passwords, nextAttempt, r.perPlatform, r.payload ?? 'full spectra', o.roundTimeoutMs ?? 120_000);
      rounds.push(round);
      o.log?.(`  ingest: ${round.platforms} platforms x ${round.perPlatform} (${round.payload}): ${round.resultsPerS.toFixed(1)} results/s`);
    }
    return { rounds, registerS };
  } finally {
    await bench.dispose();
  }
}

/** One finished campaign per platform with one experiment, told, that extra attempts report on. */
async function seedExperiments(bench: BenchCloud, ids: readonly string[]): Promise<void> {
  const db = bench.cloud.db.db;
  const now = new Date();
  await db.insert(campaigns).values(
    ids.map((id) => ({
      id: `c-${id}`,
      name: `ingest bench ${id}`,
      owner: 'bench',
      status: 'done',
      space: {},
      objective: { feature: 'plIntensity', direction: 'maximize' },
      schedule: [{ policy: 'lhs', count: 1 }],
      seed: 1,
      targetPlatform: id,
      platformId: id,
      planned: 1,
      startedAt: now,
      finishedAt: now,
    })),
  );
  await db.insert(experiments).values(
    ids.map((id) => ({
      id: `c-${id}-exp-1`,
      campaignId: `c-${id}`,
      seq: 1,
      suggestionId: 'exp-1',
      platformId: id,
      status: 'done',
      cube: CUBE,
      condition: CONDITION,
      policy: 'lhs',
      stage: 0,
      toldAt: now,
      value: 1,
    })),
  );
}

async function runRound(
  bench: BenchCloud,
  ids: readonly string[],
  passwords: Map<string, string>,
  nextAttempt: Map<string, number>,
  perPlatform: number,
  payloadKind: IngestRound['payload'],
  timeoutMs: number,
): Promise<IngestRound> {
  const { cloud } = bench;
  const db = cloud.db.db;
  const c0 = performance.now();
  const edges = ids.map((id) => new ProtocolEdge({ platformId: id, url: cloud.mqttUrl, password: passwords.get(id)! }));
  try {
    await Promise.all(edges.map((e) => e.start()));
    await waitOnline(cloud, ids, 120_000);
    await cloud.engine.idle();
    const connectS = (performance.now() - c0) / 1000;

    // Encode everything first: the burst then costs the clients only socket writes.
    const burst: { edge: ProtocolEdge; id: string; payload: string }[] = [];
    for (const [i, edge] of edges.entries()) {
      const platformId = ids[i]!;
      for (let k = 0; k < perPlatform; k++) {
        const attempt = nextAttempt.get(platformId)!;
        nextAttempt.set(platformId, attempt + 1);
        const body = fullResultBody(`c-${platformId}-exp-1`, attempt, CONDITION, 500, `c-${platformId}`);
        // The small variant separates per-message cost from the cost of the bytes.
        if (payloadKind === 'tiny spectra') Object.assign(body, { spectra: { absorbance: { wavelengthNm: [300, 400], values: [0.5, 0.1] }, pl: { wavelengthNm: [445, 460], values: [500, 250] } } });
        const { message, payload } = edge.encode('result', body);
        burst.push({ edge, id: message.id, payload });
      }
    }
    const payloadKb = burst.reduce((s, b) => s + b.payload.length, 0) / burst.length / 1024;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let lastReceipt = 0;
    let allReceipted: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allReceipted = resolve));
    for (const edge of edges) {
      edge.client.on('message', (topic, payload) => {
        const t = performance.now();
        const r = decode(topic, payload);
        if (!r.ok || r.kind !== 'receipt') return;
        for (const id of r.message.body.ids) {
          const s = sentAt.get(id);
          if (s === undefined) continue;
          sentAt.delete(id);
          latencies.push(t - s);
          lastReceipt = t;
        }
        if (latencies.length === burst.length) allReceipted();
      });
    }
    const [{ before = 0 } = {}] = await db.select({ before: count() }).from(results).where(inArray(results.platformId, [...ids]));
    const loop = monitorEventLoopDelay({ resolution: 2 });
    loop.enable();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    // Every platform publishes its results at once (QoS 1, pipelined); no client waits for another.
    const publishing = burst.map(({ edge, id, payload }) => {
      sentAt.set(id, performance.now());
      return edge.publishRaw('result', payload);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      allReceipted();
    }, timeoutMs);
    await Promise.all([finished, ...publishing]);
    clearTimeout(timer);
    const end = timedOut ? performance.now() : lastReceipt;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    const cpuWallS = (performance.now() - start) / 1000;
    loop.disable();
    const toMs = (ns: number) => Math.max(0, ns / 1e6 - 2);
    await cloud.engine.idle();
    const [{ after = 0 } = {}] = await db.select({ after: count() }).from(results).where(inArray(results.platformId, [...ids]));
    const stored = Number(after) - Number(before);
    const wallS = (end - start) / 1000;
    return {
      platforms: ids.length,
      perPlatform,
      payload: payloadKind,
      payloadKb,
      published: burst.length,
      stored,
      receipted: latencies.length,
      resultsPerS: stored / wallS,
      receiptLatencyMs: summarize(latencies),
      mainThreadUtilisation: elu.utilization,
      loopDelayMs: { n: loop.count, p50: toMs(loop.percentile(50)), p99: toMs(loop.percentile(99)), max: toMs(loop.max) },
      cpuCores: (cpu.user + cpu.system) / 1e6 / cpuWallS,
      connectS,
      timedOut,
    };
  } finally {
    await Promise.all(edges.map((e) => e.stop().catch(() => undefined)));
    await cloud.engine.idle();
  }
}
