/**
 * The cloud process, assembled: database, broker (embedded aedes or an external one), the cloud's
 * MQTT link, the optimizer worker and the engine. Started in that order, stopped in reverse.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isNotNull, sql } from 'drizzle-orm';
import { pino, type Logger } from 'pino';
import type { EventStreamOptions } from './api/routes/events';
import { startApiServer, type ApiServer } from './api/server';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded';
import { CLOUD_USERNAME } from './broker/identity';
import { generateSecret } from './broker/secrets';
import type { CloudConfig } from './config';
import { openDatabase, type CloudDb } from './db/open';
import { campaigns, labStudies, meta } from './db/schema';
import { Engine } from './engine/engine';
import { credentialVerifier } from './engine/platforms';
import { CloudLink } from './mqtt/cloud-link';
import { InlineOptimizerHost, WorkerOptimizerHost, type OptimizerHost } from './optimizer-host/host';

/** A running cloud. */
export interface RunningCloud {
  readonly config: CloudConfig;
  readonly db: CloudDb;
  /** The embedded broker, or null with an external one. */
  readonly broker: EmbeddedBroker | null;
  /** The broker URL edges connect to. */
  readonly mqttUrl: string;
  readonly link: CloudLink;
  readonly host: OptimizerHost;
  readonly engine: Engine;
  /** The HTTP API, or null when started with `api: false`. */
  readonly api: ApiServer | null;
  readonly log: Logger;
  stop(): Promise<void>;
}

/** Options beyond the config (tests). */
export interface StartCloudOptions {
  readonly log?: Logger;
  /** Run the optimizer on the main thread (default: a worker thread). */
  readonly inlineOptimizer?: boolean;
  /** Engine housekeeping period, ms. */
  readonly tickMs?: number;
  /** Serve the HTTP API (default true). */
  readonly api?: boolean;
  /** Options of the API's `/events` stream. */
  readonly eventStream?: EventStreamOptions;
}

/** Starts the cloud. */
export async function startCloud(config: CloudConfig, options: StartCloudOptions = {}): Promise<RunningCloud> {
  const log = options.log ?? pino({ level: config.logLevel, base: { module: 'cloud' } });
  const db = await openDatabase({ url: config.databaseUrl });
  const stack: (() => Promise<void>)[] = [() => db.close()];
  const unwind = async () => {
    for (const f of stack.reverse()) await f().catch((error: unknown) => log.warn({ err: error }, 'stop step failed'));
  };
  try {
    const session = await nextSession(db);
    if (db.kind === 'pglite') await releaseDeadLeases(db, log);
    // With the embedded broker the cloud's own password is new on every start and never stored.
    const cloudPassword = config.mqttUrl ? config.mqttPassword! : generateSecret();
    let broker: EmbeddedBroker | null = null;
    if (!config.mqttUrl) {
      broker = await startEmbeddedBroker({
        host: config.mqttHost,
        port: config.mqttPort,
        verify: credentialVerifier(db.db, { username: CLOUD_USERNAME, password: cloudPassword }),
        log,
      });
      stack.push(() => broker!.close());
    }
    const mqttUrl = config.mqttUrl ?? broker!.url;
    const link = new CloudLink({
      url: mqttUrl,
      username: config.mqttUrl ? config.mqttUsername : CLOUD_USERNAME,
      password: cloudPassword,
      clientId: `sdfl-cloud-${config.instanceId ?? hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}`,
      session,
      log: log.child({ module: 'cloud:mqtt' }),
    });
    const host: OptimizerHost = options.inlineOptimizer ? new InlineOptimizerHost() : new WorkerOptimizerHost({ log });
    stack.push(() => host.close());
    const engine = new Engine({
      db: db.db,
      link,
      host,
      log: log.child({ module: 'cloud:engine' }),
      owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ackTimeoutMs: config.ackTimeoutMs,
      ...(options.tickMs ? { tickMs: options.tickMs } : {}),
    });
    stack.push(() => link.stop());
    await engine.start();
    stack.push(() => engine.stop());
    const api = options.api === false ? null : await startApiServer({ db: db.db, engine, log: log.child({ module: 'cloud:api' }), brokerUp: () => link.connected, ...(options.eventStream ? { eventStream: options.eventStream } : {}), disconnectPlatform: (id) => broker?.disconnectPlatform(id) ?? 0 }, config.apiHost, config.apiPort);
    if (api) stack.push(() => api.close());
    log.info({ database: db.location, kind: db.kind, mqtt: mqttUrl, api: api?.url, session }, 'cloud started');
    let stopping: Promise<void> | undefined;
    return { config, db, broker, mqttUrl, link, host, engine, api, log, stop: () => (stopping ??= unwind()) };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/**
 * An embedded PGlite folder admits one process, so a decision lease found at start belongs to a
 * process that died (kill -9, power loss): free it now rather than stall its campaign or study
 * until the lease runs out. With PostgreSQL other live processes may hold leases: they expire.
 */
async function releaseDeadLeases(db: CloudDb, log: Logger): Promise<void> {
  const free = { leaseOwner: null, leaseUntil: null };
  const c = await db.db.update(campaigns).set(free).where(isNotNull(campaigns.leaseOwner)).returning({ id: campaigns.id });
  const s = await db.db.update(labStudies).set(free).where(isNotNull(labStudies.leaseOwner)).returning({ id: labStudies.id });
  if (c.length + s.length > 0) log.warn({ campaigns: c.map((r) => r.id), studies: s.map((r) => r.id) }, 'released decision leases of a process that stopped without releasing them');
}

/** One more than the last session of any cloud process on this database. */
async function nextSession(db: CloudDb): Promise<number> {
  const [row] = await db.db
    .insert(meta)
    .values({ key: 'cloudSession', value: 1 })
    .onConflictDoUpdate({ target: meta.key, set: { value: sql`to_jsonb((${meta.value})::int + 1)` } })
    .returning({ value: meta.value });
  return Number(row?.value ?? 1);
}
