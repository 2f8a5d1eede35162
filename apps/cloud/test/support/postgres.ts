/**
 * A real, throw-away PostgreSQL for tests: initdb + pg_ctl (Debian's /usr/lib/postgresql/N/bin)
 * in a temp folder, on a spare 127.0.0.1 port, with one empty database.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { pathCandidates, postgresBinDirs, requireBinary } from './require-binary';

const run = promisify(execFile);

/** Database user created by initdb (trust authentication on the loopback socket only). */
const USER = 'sdfl';

/**
 * The folder holding `initdb` and `pg_ctl`, or `undefined` (suite skipped) when PostgreSQL is
 * missing outside CI. Under CI=true a missing binary throws `postgresql not found: apt-get install postgresql`.
 */
export function requirePostgres(): string | undefined {
  const candidates = [...postgresBinDirs().map((d) => join(d, 'initdb')), ...pathCandidates('initdb')];
  const initdb = requireBinary('postgresql', candidates, 'apt-get install postgresql');
  return initdb === undefined ? undefined : initdb.slice(0, -'/initdb'.length);
}

/** A running test PostgreSQL. */
export interface TestPostgres {
  /** `postgres://sdfl@127.0.0.1:{port}/{database}` (no password: trust). */
  readonly url: string;
  readonly port: number;
  readonly database: string;
  /** `pg_ctl stop -m fast`, then removes the data folder. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Folder with initdb and pg_ctl (from {@link requirePostgres}). */
  readonly binDir: string;
  /** Name of the database to create. Default `sdfl_test`. */
  readonly database?: string;
}

/**
 * Starts a fresh cluster and creates one database. Durability is switched off (`fsync=off`,
 * `initdb --no-sync`): a test cluster need not survive a power cut, and this keeps start-up near 1 s.
 * As root, initdb and the server run as the `postgres` user (initdb refuses root).
 *
 * @throws when initdb, the server start or createdb fails (the message carries the server log).
 */
export async function startPostgres(options: StartPostgresOptions): Promise<TestPostgres> {
  const { binDir } = options;
  const database = options.database ?? 'sdfl_test';
  const dir = await mkdtemp(join(tmpdir(), 'sdfl-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]) : run(join(binDir, command), args);
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const dataDir = join(dir, 'db');
  const logFile = join(dir, 'log');
  let port = 0;
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await as('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await as('initdb', ['-D', dataDir, '-A', 'trust', '-U', USER, '--no-sync', '-E', 'UTF8', '--locale=C']);
    // A port taken between freePort() and the server's bind: try another one.
    for (let attempt = 0; ; attempt += 1) {
      port = await freePort();
      const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
      try {
        await as('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', logFile, '-w', '-t', '30', 'start']);
        started = true;
        break;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
    await as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', USER, database]);
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`test PostgreSQL did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }
  return { url: `postgres://${USER}@127.0.0.1:${port}/${database}`, port, database, stop };
}
