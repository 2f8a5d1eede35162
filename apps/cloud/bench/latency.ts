/**
 * Parts 1 and 2: result-to-next-command latency against the number of observations in the study,
 * and the main thread's event-loop delay while those decisions (fits) run. One campaign on one
 * paced platform (see paced-platform.ts) runs through measurement windows of `window` decisions
 * starting at each requested observation count; the campaign is cancelled after the last window.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { desc, eq } from 'drizzle-orm';
import { modelSnapshots, studyStates } from '../src/db/schema';
import { addPlatform } from '../src/engine/platforms';
import { startBenchCloud, waitOnline, type BenchDbKind } from './harness';
import { PacedPlatform } from './paced-platform';
import { sleep, summarize, type Summary } from './stats';

/** Figures of one measurement window. */
export interface WindowFigures {
  /** Observation count the window starts at (it covers `from` .. `from + n - 1`). */
  readonly from: number;
  readonly latencyMs: Summary;
  /** Time inside the optimizer (tell + fit + ask) of the same decisions, as the engine reports it. */
  readonly computeMs: Summary;
  /** Event-loop delay of the main thread over the window, ms (timer resolution subtracted). */
  readonly loopDelayMs: Summary & { readonly mean: number };
  /** Share of the window's wall time spent in the optimizer. */
  readonly computeShare: number;
}

export interface LatencyRun {
  readonly host: 'worker' | 'inline';
  readonly windows: WindowFigures[];
  /** Surrogate that ran: the study's `options.surrogate` and the last model snapshot's format. */
  readonly surrogate: { readonly kind: string; readonly format: string; readonly nTrain: number | null };
  readonly schedule: string;
  readonly decisions: number;
  readonly stalls: number;
  readonly wallS: number;
}

export interface LatencyOptions {
  readonly dbKind: BenchDbKind;
  readonly host: 'worker' | 'inline';
  /** Observation counts at which windows start, ascending. */
  readonly at: readonly number[];
  /** Decisions per window. Default 20. */
  readonly window?: number;
  /** Event-loop delay timer resolution, ms. Default 2. */
  readonly resolutionMs?: number;
  readonly log?: (line: string) => void;
}

/** Waits (at most 10 s) until no message or decision is in progress. */
async function settle(engine: { idle(): Promise<void> }): Promise<void> {
  await Promise.race([engine.idle(), sleep(10_000)]);
}

/** Runs one campaign through the windows and returns their figures. */
export async function runLatency(o: LatencyOptions): Promise<LatencyRun> {
  const started = performance.now();
  const window = o.window ?? 20;
  const resolution = o.resolutionMs ?? 2;
  const last = o.at[o.at.length - 1]! + window;
  // LHS stays short so model-based decisions start early; the EI budget outlasts the last window.
  const schedule = `lhs 5 -> ei ${last + 10}`;
  const bench = await startBenchCloud(o.dbKind, { inline: o.host === 'inline' });
  const { cloud } = bench;
  const platform = new PacedPlatform({ platformId: 'bench-rig', url: cloud.mqttUrl, password: (await addPlatform(cloud.db.db, 'bench-rig', { actor: 'bench' })).password });
  try {
    // The optimizer time of every dispatching step, in order: step k answers result k (step 0 is the initial fill).
    const computes: number[] = [];
    cloud.engine.on('step', (_id, outcome) => {
      if (outcome.dispatchTo) computes.push(outcome.computeMs);
    });
    await platform.start();
    await waitOnline(cloud, ['bench-rig']);
    const campaign = await cloud.engine.createCampaign({ platform: 'bench-rig', schedule, seed: 11, queueDepth: 2 }, 'bench');

    // Windows are measured live (event-loop delay); their latency and compute figures are read at the end.
    const measured: { from: number; loop: WindowFigures['loopDelayMs']; wallMs: number }[] = [];
    let open: { from: number; h: ReturnType<typeof monitorEventLoopDelay>; t0: number } | null = null;
    const pendingWindows = [...o.at];
    const toMs = (ns: number) => Math.max(0, ns / 1e6 - resolution);
    const done = new Promise<void>((resolve) => {
      platform.onSample = (s) => {
        // A window opens after the decision with `from - 1` observations, so it holds decisions from .. from+window-1.
        if (!open && pendingWindows.length > 0 && s.observations === pendingWindows[0]! - 1) {
          const h = monitorEventLoopDelay({ resolution });
          h.enable();
          open = { from: pendingWindows.shift()!, h, t0: performance.now() };
        }
        if (open && s.observations === open.from + window - 1) {
          const { from, h, t0 } = open;
          h.disable();
          open = null;
          measured.push({ from, loop: { n: h.count, p50: toMs(h.percentile(50)), p99: toMs(h.percentile(99)), max: toMs(h.max), mean: toMs(h.mean) }, wallMs: performance.now() - t0 });
          const p50 = summarize(platform.samples.filter((x) => x.observations >= from).map((x) => x.latencyMs)).p50;
          o.log?.(`  ${o.host}: ${window} decisions from ${from} observations, latency p50 ${p50.toFixed(0)} ms`);
          if (pendingWindows.length === 0) resolve();
        }
      };
    });
    await done;
    await settle(cloud.engine);
    const stalls = platform.stalls;
    await cloud.engine.steer(campaign.id, 'cancel', 'bench', 'benchmark windows measured');
    const [state] = await cloud.db.db.select().from(studyStates).where(eq(studyStates.campaignId, campaign.id)).orderBy(desc(studyStates.version)).limit(1);
    const [model] = await cloud.db.db.select().from(modelSnapshots).where(eq(modelSnapshots.campaignId, campaign.id)).orderBy(desc(modelSnapshots.version)).limit(1);
    const s = state?.state as { options?: { surrogate?: string }; model?: { nTrain?: number } | null } | undefined;
    const snap = model?.snapshot as { format?: string; inner?: { format?: string } } | undefined;
    const format = snap?.format ? `${snap.format}${snap.inner?.format ? ` (${snap.inner.format})` : ''}` : 'none';
    await settle(cloud.engine);
    const windows: WindowFigures[] = measured.map((m) => {
      const inWindow = (k: number) => k >= m.from && k < m.from + window;
      const c = computes.filter((_, k) => inWindow(k));
      return {
        from: m.from,
        latencyMs: summarize(platform.samples.filter((x) => inWindow(x.observations)).map((x) => x.latencyMs)),
        computeMs: summarize(c),
        loopDelayMs: m.loop,
        computeShare: c.reduce((a, b) => a + b, 0) / m.wallMs,
      };
    });
    return {
      host: o.host,
      windows,
      surrogate: { kind: s?.options?.surrogate ?? 'enn (unrecorded)', format, nTrain: s?.model?.nTrain ?? null },
      schedule,
      decisions: platform.samples.length,
      stalls,
      wallS: (performance.now() - started) / 1000,
    };
  } finally {
    await platform.stop();
    await bench.dispose();
  }
}
