/**
 * The cloud's configuration: one zod schema over environment variables and flags, validated once
 * at start-up (every problem listed), then a frozen typed object. Defaults live here.
 *
 * @module
 */
import { join } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

/** Everything `sdfl serve` / `sdfl demo` need. */
export const cloudConfigSchema = z
  .object({
    /** Folder for the embedded database and other files. Default `.data/cloud`. */
    dataDir: z.string().min(1).default('.data/cloud'),
    /** `postgres://...` for a PostgreSQL server; default PGlite in `{dataDir}/db`. */
    databaseUrl: z.string().min(1).optional(),
    /** An external broker (Mosquitto, EMQX) to join as a client; default: the embedded aedes. */
    mqttUrl: z.url({ protocol: /^mqtts?$/ }).optional(),
    /** The cloud's username and password on an external broker. */
    mqttUsername: z.string().min(1).default('sdfl-cloud'),
    mqttPassword: z.string().min(1).optional(),
    /** Where the embedded broker listens. Default 127.0.0.1 (loopback only). */
    mqttHost: z.string().min(1).default('127.0.0.1'),
    /** Port of the embedded broker; 0 = any free port. Default 1883. */
    mqttPort: port.default(1883),
    /**
     * Name of this cloud process, unique among the processes sharing a broker: its MQTT client id
     * is `sdfl-cloud-{instanceId}` (fixed, so an external broker keeps its session). Default: host name.
     */
    instanceId: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40)').optional(),
    /** Where the HTTP API listens. Default 127.0.0.1:8080; port 0 = any free port. */
    apiHost: z.string().min(1).default('127.0.0.1'),
    apiPort: port.default(8080),
    /** Re-send an unacked command after this long, ms. */
    ackTimeoutMs: z.coerce.number().int().min(100).default(10_000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .transform((c) => ({ ...c, databaseUrl: c.databaseUrl ?? join(c.dataDir, 'db') }));

export type CloudConfig = Readonly<z.output<typeof cloudConfigSchema>>;
export type CloudConfigInput = z.input<typeof cloudConfigSchema>;

/** A configuration that does not validate; the message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variables the config reads, by field. */
export const ENV_NAMES = {
  dataDir: 'SDFL_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  mqttUrl: 'MQTT_URL',
  mqttUsername: 'MQTT_USERNAME',
  mqttPassword: 'MQTT_PASSWORD',
  mqttHost: 'SDFL_MQTT_HOST',
  mqttPort: 'SDFL_MQTT_PORT',
  instanceId: 'SDFL_INSTANCE_ID',
  apiHost: 'SDFL_API_HOST',
  apiPort: 'SDFL_API_PORT',
  ackTimeoutMs: 'SDFL_ACK_TIMEOUT_MS',
  logLevel: 'SDFL_LOG_LEVEL',
} as const satisfies Record<keyof CloudConfigInput, string>;

/** Env first, flags over env; throws {@link ConfigError}. */
export function loadCloudConfig(flags: Partial<CloudConfigInput> = {}, env: NodeJS.ProcessEnv = process.env): CloudConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const v = env[name];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const raw: Record<string, unknown> = { ...fromEnv, ...defined };
  const parsed = cloudConfigSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        const name = (ENV_NAMES as Record<string, string>)[key];
        return `${key || '(root)'}${name ? ` (${name})` : ''}: ${i.message}`;
      });
  // Checked on the raw input too, so that it is listed with the other problems.
  if (raw.mqttUrl && !raw.mqttPassword) problems.push('mqttPassword (MQTT_PASSWORD): MQTT_PASSWORD is required with MQTT_URL');
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(parsed.data);
}
