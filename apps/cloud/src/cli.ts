/**
 * `sdfl`: the cloud's command line.
 *   sdfl demo                 the whole lab on embedded defaults (what `npm start` runs)
 *   sdfl serve                the cloud only: broker + engine (config from env and flags)
 *   sdfl user add / token create   bootstrap identities directly in the database
 * Client commands of the HTTP API (`--url`/`SDFL_URL`, `--token`/`SDFL_TOKEN`; src/client):
 *   sdfl platform add|list|show|clear-safe|pause|resume|abort, sdfl campaign create|list|show|
 *   approvals|watch|pause|resume|cancel, sdfl approve|reject, sdfl export, sdfl study create|list|show|ask|tell
 */
import { Command, InvalidArgumentError } from 'commander';
import { registerClientCommands } from './client/index';
import { ConfigError, loadCloudConfig, type CloudConfigInput } from './config';

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const program = new Command('sdfl').description('Cloud of a self-driving fluidic lab: broker, database, campaign engine');

program
  .command('demo', { isDefault: true })
  .description('run the cloud, N simulated platforms (separate edge processes) and one PL_I campaign each')
  .option('--platforms <n>', 'simulated platforms', positiveInt('platforms'), 1)
  .option('--schedule <stages>', "campaign schedule, e.g. 'lhs 9 -> mv 51 -> ei 10' (the paper's)")
  .option('--speed <x>', 'simulated seconds per real second', positiveInt('speed'), 25)
  .option('--surrogate <kind>', "optimizer surrogate: 'gp', 'enn' (the paper's twin) or 'auto' (default: the optimizer's)")
  .option('--seed <n>', 'seed of the simulators and the campaigns', positiveInt('seed'), 1)
  .option('--data-dir <dir>', 'where the database, edge data and logs go (default .data/demo/<time>)')
  .action(async (o: { platforms: number; schedule?: string; speed: number; seed: number; dataDir?: string; surrogate?: string }) => {
    if (o.surrogate && !['gp', 'enn', 'auto'].includes(o.surrogate)) program.error(`--surrogate must be gp, enn or auto, got '${o.surrogate}'`);
    const { runDemo } = await import('./demo/run-demo');
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const summary = await runDemo({ platforms: o.platforms, speed: o.speed, seed: o.seed, signal: abort.signal, live: process.stdout.isTTY === true, ...(o.schedule ? { schedule: o.schedule } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.surrogate ? { surrogate: o.surrogate as 'gp' | 'enn' | 'auto' } : {}) });
    process.exitCode = summary.interrupted ? 130 : summary.campaigns.every((c) => c.status === 'done') ? 0 : 1;
  });

program
  .command('serve')
  .description('start the cloud: embedded broker (or MQTT_URL) + database (PGlite or DATABASE_URL) + engine')
  .option('--data-dir <dir>', 'data folder (env SDFL_DATA_DIR)')
  .option('--database-url <url>', 'postgres://... (env DATABASE_URL); default PGlite in the data folder')
  .option('--mqtt-url <url>', 'external broker to join (env MQTT_URL; password in MQTT_PASSWORD)')
  .option('--mqtt-host <host>', 'embedded broker interface (env SDFL_MQTT_HOST)')
  .option('--mqtt-port <port>', 'embedded broker port (env SDFL_MQTT_PORT)')
  .option('--api-host <host>', 'HTTP API interface (env SDFL_API_HOST)')
  .option('--api-port <port>', 'HTTP API port (env SDFL_API_PORT)')
  .action(async (o: { dataDir?: string; databaseUrl?: string; mqttUrl?: string; mqttHost?: string; mqttPort?: string; apiHost?: string; apiPort?: string }) => {
    const config = configOrExit({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, mqttUrl: o.mqttUrl, mqttHost: o.mqttHost, mqttPort: o.mqttPort, apiHost: o.apiHost, apiPort: o.apiPort });
    const { startCloud } = await import('./cloud');
    const cloud = await startCloud(config);
    console.log(`sdfl serve: database ${cloud.db.location} (${cloud.db.kind}), broker ${cloud.mqttUrl}, API ${cloud.api?.url ?? '-'}`);
    if (cloud.api) console.log(`dashboard: ${cloud.api.url}/ui/ (sign in with a token from \`sdfl user add\` or \`sdfl token create\`)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await cloud.stop();
  });

const platform = program.command('platform').description('the fleet register (HTTP API)');
registerClientCommands(program, platform);

/** Opens the database of the configured data folder (or DATABASE_URL), runs `fn`, closes it. */
async function withDatabase<T>(o: { dataDir?: string; databaseUrl?: string }, fn: (db: import('./db/open').CloudDb) => Promise<T>): Promise<T> {
  const config = configOrExit({ dataDir: o.dataDir, databaseUrl: o.databaseUrl });
  const { openDatabase } = await import('./db/open');
  const db = await openDatabase({ url: config.databaseUrl });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const dbOptions = (c: Command) => c.option('--data-dir <dir>', 'data folder (env SDFL_DATA_DIR)').option('--database-url <url>', 'postgres://... (env DATABASE_URL)');

dbOptions(
  program
    .command('user')
    .description('API users')
    .command('add <name>')
    .description('create a user and print a first API token (shown once)')
    .requiredOption('--role <role>', 'admin | scientist | viewer'),
).action(async (name: string, o: { role: string; dataDir?: string; databaseUrl?: string }) => {
  const { addUser, createToken, ROLES } = await import('./api/identity');
  if (!(ROLES as readonly string[]).includes(o.role)) program.error(`--role must be one of ${ROLES.join(', ')}`);
  await withDatabase(o, async (db) => {
    await addUser(db.db, name, o.role as (typeof ROLES)[number], process.env.USER ?? 'cli');
    const t = await createToken(db.db, name, { actor: process.env.USER ?? 'cli', label: 'first token' });
    console.log(`user ${name} (${o.role}) created. API token (shown only now, expires ${t.expiresAt?.toISOString() ?? 'never'}):\n  ${t.token}`);
  });
});

dbOptions(
  program
    .command('token')
    .description('API tokens')
    .command('create')
    .description('issue an API token for a user (shown once)')
    .requiredOption('--user <name>', 'the user')
    .option('--days <n>', 'days until it expires (0 = never)', positiveIntOrZero, 90)
    .option('--label <text>', 'what the token is for'),
).action(async (o: { user: string; days: number; label?: string; dataDir?: string; databaseUrl?: string }) => {
  const { createToken } = await import('./api/identity');
  await withDatabase(o, async (db) => {
    const t = await createToken(db.db, o.user, { actor: process.env.USER ?? 'cli', ttlDays: o.days === 0 ? null : o.days, ...(o.label ? { label: o.label } : {}) });
    console.log(`token ${t.id} for ${o.user} (shown only now, expires ${t.expiresAt?.toISOString() ?? 'never'}):\n  ${t.token}`);
  });
});

function positiveIntOrZero(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of days');
  return n;
}

function configOrExit(flags: Partial<CloudConfigInput>) {
  try {
    return loadCloudConfig(flags);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
