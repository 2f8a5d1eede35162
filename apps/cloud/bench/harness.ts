/**
 * What every cloud benchmark starts from: a real cloud (`startCloud`, the embedded aedes on a free
 * loopback port, PGlite in memory or in a temporary folder), platforms registered with their own
 * credentials, and result bodies the size the edge really sends (two spectra of 2068 HDX pixels).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import type { BodyInput } from '@sdfl/protocol';
import { startCloud, type RunningCloud } from '../src/cloud';
import { loadCloudConfig } from '../src/config';
import { platforms } from '../src/db/schema';
import { requirePostgres, startPostgres } from '../test/support/postgres';
import { waitFor } from './stats';

/**
 * The bench's database: PGlite in memory (`memory://`), PGlite in a fresh temporary folder (on
 * disk, like the default `.data/cloud/db`), or, for contrast, a throw-away PostgreSQL server
 * (Debian's, started by the tests' harness with fsync off) reached through `pg`.
 */
export type BenchDbKind = 'memory' | 'folder' | 'postgres';

/** Says what a kind is, for the printed tables. */
export function describeDb(kind: BenchDbKind): string {
  return kind === 'memory' ? 'PGlite in memory' : kind === 'folder' ? 'PGlite in a temporary folder' : 'PostgreSQL 15 server (loopback, fsync off)';
}

/** True when a PostgreSQL server can be started here (initdb and pg_ctl found). */
export function postgresAvailable(): boolean {
  try {
    return requirePostgres() !== undefined;
  } catch {
    return false; // under CI=true the harness throws instead of skipping
  }
}

/** A running bench cloud and how to dispose of it (stop + delete its temporary folder). */
export interface BenchCloud {
  readonly cloud: RunningCloud;
  readonly dbKind: BenchDbKind;
  dispose(): Promise<void>;
}

/** Starts a cloud on embedded defaults; `inline` runs the optimizer on the main thread. */
export async function startBenchCloud(dbKind: BenchDbKind, options: { inline?: boolean } = {}): Promise<BenchCloud> {
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-cloud-bench-'));
  const binDir = dbKind === 'postgres' ? requirePostgres() : undefined;
  if (dbKind === 'postgres' && !binDir) throw new Error('bench: --db postgres needs PostgreSQL (apt-get install postgresql)');
  const server = binDir ? await startPostgres({ binDir, database: 'sdfl_bench' }) : undefined;
  const databaseUrl = server?.url ?? (dbKind === 'memory' ? 'memory://' : join(dir, 'db'));
  const cleanup = async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = loadCloudConfig({ dataDir: dir, databaseUrl, mqttHost: '127.0.0.1', mqttPort: 0, logLevel: 'silent' }, {});
    const cloud = await startCloud(config, { log: pino({ level: process.env.SDFL_BENCH_LOG ?? 'silent' }), inlineOptimizer: options.inline ?? false });
    return {
      cloud,
      dbKind,
      dispose: async () => {
        await cloud.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Waits until the cloud has seen every listed platform's birth. */
export async function waitOnline(cloud: RunningCloud, ids: readonly string[], timeoutMs = 60_000): Promise<void> {
  const want = new Set(ids);
  await waitFor(
    async () => {
      const rows = await cloud.db.db.select({ id: platforms.id }).from(platforms).where(eq(platforms.status, 'online'));
      return rows.filter((r) => want.has(r.id)).length === want.size;
    },
    timeoutMs,
    `${ids.length} platform births`,
  );
}

const HDX_PIXELS = 2068;
/** A plausible HDX wavelength calibration (cubic in the pixel index), full double precision as JSON.stringify writes it. */
const WAVELENGTHS = Array.from({ length: HDX_PIXELS }, (_, i) => 187.3 + 0.4471 * i - 1.9e-5 * i * i + 1.3e-9 * i ** 3);

/** A `done` result body with full spectra (about 150 kB of JSON, as the edge sends it). */
export function fullResultBody(experimentId: string, attempt: number, condition: Record<string, number>, value: number, campaignId?: string): BodyInput<'result'> {
  const now = new Date().toISOString();
  const peak = (w: number, centre: number, width: number) => Math.exp(-(((w - centre) / width) ** 2));
  return {
    experimentId,
    attempt,
    condition: condition as never,
    ...(campaignId ? { campaignId } : {}),
    status: 'done',
    flowPlan: { ratesUlMin: {}, residenceTimeS: 30, reactionTimeS: 30, equilibrationS: 36 },
    features: { abs300: 0.5, plPeakNm: 445, plIntensity: value, plArea: value * 50, fwhmNm: 40, sidePeak380: 0, sidePeak600: 0, flags: [] },
    spectra: {
      absorbance: { wavelengthNm: WAVELENGTHS, values: WAVELENGTHS.map((w, i) => 0.8 * peak(w, 290, 40) + 0.01 + 1e-4 * Math.sin(i * 1.7)) },
      pl: { wavelengthNm: WAVELENGTHS, values: WAVELENGTHS.map((w, i) => value * peak(w, 445, 30) + 3.1 * Math.sin(i * 2.3)) },
    },
    timings: { startedAt: now, finishedAt: now, steadyAt: now, acquiredAt: now, durations: { heatingS: 0, equilibrationS: 36, acquisitionS: 2, totalS: 68 } },
    warnings: [],
  };
}
