/**
 * `npm start` / `sdfl demo`: the whole lab on embedded defaults. A cloud (PGlite + aedes + engine),
 * N simulated platforms, each a separate `sdfl-edge --sim` process with its own credentials, and
 * one campaign per platform on PL_I chosen by the optimizer over MQTT. The demo clears each
 * platform's boot SAFE state as an operator would (audited as such), shows progress, and ends
 * with a summary. Ctrl-C stops every edge (each applies SAFE) and the cloud.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { addUser, createToken, IdentityError } from '../api/identity';
import { startCloud, type RunningCloud } from '../cloud';
import { loadCloudConfig } from '../config';
import { platforms } from '../db/schema';
import { addPlatform, PlatformError, rotateCredentials } from '../engine/platforms';
import { DEFAULT_SCHEDULE } from '../engine/schedule';
import { spawnSimEdge, type SimEdge } from './edge-process';
import { campaignProgress, describeCondition, progressLine, type CampaignProgress } from './progress';
import { trueFraction } from './sim-truth';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly platforms?: number;
  readonly schedule?: string;
  /** Simulated seconds per real second on each platform. Default 25. */
  readonly speed?: number;
  readonly seed?: number;
  /** The campaigns' surrogate; default the optimizer's. */
  readonly surrogate?: 'gp' | 'enn' | 'auto';
  /** Default `.data/demo/<timestamp>`. */
  readonly dataDir?: string;
  readonly print?: (line: string) => void;
  /** Rewrite the progress lines in place (a terminal); else print a line per change. */
  readonly live?: boolean;
  /** Abort to stop early (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** The demo's outcome, per campaign. */
export interface DemoSummary {
  readonly dataDir: string;
  readonly campaigns: (CampaignProgress & { readonly trueFraction: number | null })[];
  readonly interrupted: boolean;
}

const OPERATOR = 'sdfl-demo';

/** Runs the demo to the end of every campaign (or until `signal` aborts). */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const print = options.print ?? console.log;
  const n = options.platforms ?? 1;
  const speed = options.speed ?? 25;
  const seed = options.seed ?? 1;
  const dataDir = resolve(options.dataDir ?? join('.data', 'demo', new Date().toISOString().replace(/[:.]/g, '-')));
  mkdirSync(dataDir, { recursive: true });
  const log = pino({ level: process.env.SDFL_LOG_LEVEL ?? 'warn', base: { module: 'cloud' } }, pino.destination(join(dataDir, 'cloud.log')));
  const apiPort = await portIfFree(Number(process.env.SDFL_API_PORT ?? 8080));
  const cloud = await startCloud(loadCloudConfig({ dataDir, mqttPort: 0, apiPort, logLevel: 'warn' }), { log });
  const edges: SimEdge[] = [];
  const campaignIds: string[] = [];
  let interrupted = false;
  try {
    print(`sdfl demo: cloud up (database ${cloud.db.location}, broker ${cloud.mqttUrl}); starting ${n} simulated platform(s) at x${speed} sim speed`);
    if (cloud.api) print(`dashboard: ${await dashboardLink(cloud)}  (signs you in as '${OPERATOR}', an admin; the link holds the token)`);
    for (let i = 1; i <= n; i++) {
      const id = `sim-${i}`;
      // On a re-run with the same --data-dir the platform is there: give it new credentials.
      const creds = await addPlatform(cloud.db.db, id, { actor: OPERATOR }).catch((error: unknown) => {
        if (error instanceof PlatformError && error.code === 'EXISTS') return rotateCredentials(cloud.db.db, id, OPERATOR, 'demo re-run');
        throw error;
      });
      edges.push(
        spawnSimEdge({ platformId: id, password: creds.password, brokerUrl: cloud.mqttUrl, speed, seed: seed + i - 1, dataDir: join(dataDir, `edge-${id}`), logFile: join(dataDir, `edge-${id}.log`) }),
      );
    }
    for (const e of edges) {
      await waitFor(() => isOnline(cloud, e.platformId), 60_000, `${e.platformId} to come online (log: ${join(dataDir, `edge-${e.platformId}.log`)})`, options.signal, e);
      await clearBootSafe(cloud, e.platformId);
      const c = await cloud.engine.createCampaign({ platform: e.platformId, schedule: options.schedule ?? DEFAULT_SCHEDULE, seed: seed + 100 * i(e), name: `PL_I on ${e.platformId}`, ...(options.surrogate ? { surrogate: options.surrogate } : {}) }, OPERATOR);
      campaignIds.push(c.id);
      print(`${e.platformId}: online, boot SAFE cleared by ${OPERATOR}; campaign ${c.id} '${options.schedule ?? DEFAULT_SCHEDULE}' (${c.planned} experiments)`);
    }
    interrupted = !(await watch(cloud, campaignIds, print, options.live ?? false, options.signal));
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    interrupted = true;
  } finally {
    if (options.signal?.aborted) print('\nstopping: every edge goes SAFE, then the cloud stops');
    const codes = await Promise.all(edges.map((e) => e.stop()));
    codes.forEach((code, k) => code !== 0 && print(`  ${edges[k]!.platformId} exited with ${code} (see its log)`));
  }
  const summary = await Promise.all(campaignIds.map(async (id) => {
    const p = await campaignProgress(cloud.db.db, id);
    return { ...p, trueFraction: p.best ? await trueFraction(p.best.condition) : null };
  }));
  await cloud.stop();
  for (const s of summary) {
    print(
      `${s.platformId}: ${s.done + s.failed} experiments run (${s.failed} failed), best PL_I ${s.best ? `${s.best.value.toFixed(0)} counts (measured)` : '-'}` +
        (s.best ? ` at ${describeCondition(s.best.condition)}; ${s.trueFraction !== null ? `${(100 * s.trueFraction).toFixed(1)} % of the simulator's true optimum (noise-free model value)` : ''}` : '') +
        `; data in ${dataDir}`,
    );
  }
  return { dataDir, campaigns: summary, interrupted };
}

const i = (e: SimEdge) => Number(e.platformId.split('-')[1]);

/** A sign-in link for the dashboard: an admin user for the demo and a one-day token in the fragment (never sent to the server). */
async function dashboardLink(cloud: RunningCloud): Promise<string> {
  // A demo re-run on the same --data-dir finds its user already there.
  await addUser(cloud.db.db, OPERATOR, 'admin', OPERATOR).catch((error: unknown) => {
    if (!(error instanceof IdentityError && error.code === 'EXISTS')) throw error;
  });
  const { token } = await createToken(cloud.db.db, OPERATOR, { ttlDays: 1, label: 'demo dashboard link', actor: OPERATOR });
  return `${cloud.api!.url}/ui/#token=${encodeURIComponent(token)}`;
}

/** `port` when nothing listens on it on loopback, else 0 (any free port): a second demo still starts. */
function portIfFree(port: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}

async function isOnline(cloud: RunningCloud, id: string): Promise<boolean> {
  const [p] = await cloud.db.db.select({ status: platforms.status }).from(platforms).where(eq(platforms.id, id));
  return p?.status === 'online';
}

/** What an operator does after checking the rig: clear the boot SAFE state (audited with who and why). */
async function clearBootSafe(cloud: RunningCloud, platformId: string): Promise<void> {
  const reason = 'simulated platform: its boot checks are simulated; cleared by the demo acting as operator';
  const ack = await cloud.engine.ackOf(await cloud.engine.clearSafe(platformId, OPERATOR, reason));
  if (!ack) throw new Error(`${platformId} did not ack clearSafe within 30 s`);
  if (!ack.accepted && ack.reason !== 'NOT_SAFE') throw new Error(`${platformId} refused clearSafe: ${ack.reason} ${ack.detail ?? ''}`);
}

/** Prints progress until every campaign ends; false when aborted. */
async function watch(cloud: RunningCloud, ids: string[], print: (l: string) => void, live: boolean, signal?: AbortSignal): Promise<boolean> {
  let last: string[] = [];
  for (;;) {
    if (signal?.aborted) return false;
    const progress = await Promise.all(ids.map((id) => campaignProgress(cloud.db.db, id)));
    const lines = progress.map((p) => progressLine(p));
    if (live) {
      if (last.length > 0) process.stdout.write(`\x1b[${last.length}A`);
      for (const l of lines) process.stdout.write(`\x1b[2K${l}\n`);
    } else {
      lines.forEach((l, k) => l !== last[k] && print(l));
    }
    last = lines;
    if (progress.every((p) => p.status === 'done' || p.status === 'cancelled' || p.status === 'paused')) return true;
    await sleep(live ? 250 : 1000, signal);
  }
}

async function waitFor<T>(check: () => Promise<T | undefined | false | null>, timeoutMs: number, what: string, signal?: AbortSignal, edge?: SimEdge): Promise<T> {
  const end = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void edge?.exited.then((c) => (exited = c));
  for (;;) {
    const v = await check();
    if (v) return v;
    if (exited !== undefined) throw new Error(`edge ${edge!.platformId} exited (${exited}) while waiting for ${what}`);
    if (signal?.aborted) throw new Error('interrupted');
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100, signal);
  }
}

/** Waits `ms` or until `signal` aborts; the abort listener goes with the wait (no pile-up over a long run). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
