import { readFileSync } from 'node:fs';
import { chemistryConfigSchema, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const serialPort = z.object({ path: z.string().min(1), baudRate: z.number().int().positive().default(38_400) });
const tcpEndpoint = z.object({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(1).max(65_535) });
const platformId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^+#/\s]+$/, 'must not contain +, #, / or whitespace');

/**
 * Interlock thresholds (docs/devices.md §6). Defaults are *ours*; every one is config.
 */
const interlocksSchema = z
  .object({
    /** Trip when PV exceeds the experiment's setpoint by this much, C. */
    overTemperatureMarginC: z.number().positive().default(15),
    /** Trip when PV exceeds this, whatever the setpoint, C. */
    absoluteCeilingC: z.number().positive().default(185),
    /** Trip when no valid thermocouple reading arrived for this long, ms. */
    staleTemperatureMs: z.number().positive().default(2_000),
    /** Heater cannot heat: after a setpoint increase, at least `watchRiseC` within `watchPeriodMs` at high output. */
    watchRiseC: z.number().positive().default(2),
    watchPeriodMs: z.number().positive().default(60_000),
    /** The watch only judges time at or above this heater output (0..1); below it the window restarts. */
    watchMinOutput: z.number().min(0).max(1).default(0.8),
    /** Heater runaway: in regulation, PV outside SP +- band for this long. */
    runawayBandC: z.number().positive().default(10),
    runawayMs: z.number().positive().default(30_000),
    /** Pump link lost after this many polls without a prompt. */
    pumpMissedPolls: z.number().int().positive().default(3),
    /** Stall: dispensed volume flat while running for this long, ms. */
    pumpFlatMs: z.number().positive().default(5_000),
    /** Spectrometer timeout margin over integration x scans, ms. */
    spectrometerMarginMs: z.number().nonnegative().default(2_000),
  })
  .prefault({});

/** The edge agent's whole configuration, validated once at start (docs/conventions.md §5). */
export const edgeConfigSchema = z.object({
  platformId,
  /** Where results, events and the queue are persisted (SQLite). ':memory:' only for tests. */
  dataDir: z.string().min(1).default('.data/edge'),
  broker: z
    .object({
      url: z.string().url().default('mqtt://127.0.0.1:1883'),
      username: z.string().optional(),
      password: z.string().optional(),
      keepaliveS: z.number().int().positive().default(10),
      reconnectPeriodMs: z.number().int().positive().default(1_000),
      /** Wait for the cloud's receipt of a result or event before publishing it again, real ms. */
      receiptTimeoutMs: z.number().int().positive().default(30_000),
      /** The wait doubles after each unanswered re-send, up to this, real ms. */
      maxReceiptTimeoutMs: z.number().int().positive().default(300_000),
    })
    .prefault({}),
  devices: z
    .object({
      pumps: z.object(Object.fromEntries(PUMP_IDS.map((id) => [id, serialPort])) as Record<PumpId, typeof serialPort>),
      spectrometers: z.object({ absorption: tcpEndpoint, pl: tcpEndpoint }),
      gpio: z
        .object({
          /**
           * Which implementation drives the lines: `onoff` (the npm module, interrupt-driven e-stop
           * edges; an optional native dependency) or `sysfs` (plain /sys/class/gpio files, the e-stop
           * polled every `estopPollMs`; no native code).
           */
          kind: z.enum(['onoff', 'sysfs']).default('onoff'),
          /** E-stop poll period of the `sysfs` implementation, ms. */
          estopPollMs: z.number().int().positive().default(10),
          /** BCM line numbers; the sysfs offset is resolved from gpiochip labels (docs/devices.md §4). */
          pins: z.object({ ssr: z.number().int(), uvLed: z.number().int(), shutter: z.number().int(), estop: z.number().int() }),
          /** Level that opens the lamp shutter. */
          shutterOpenLevel: z.union([z.literal(0), z.literal(1)]).default(1),
          /** Level of the e-stop input when the stop is pressed (normally-closed loop reads 0). */
          estopActiveLevel: z.union([z.literal(0), z.literal(1)]).default(0),
        })
        .optional(),
      /** MAX31855 through the kernel's IIO driver (dtoverlay=maxtherm); the folder of its IIO device. */
      thermocouple: z.object({ iioDevice: z.string().min(1).default('/sys/bus/iio/devices/iio:device0') }).prefault({}),
    })
    .optional(),
  heater: z
    .object({
      /**
       * `software-pid`: the edge's PID on the MAX31855 and the SSR (devices.thermocouple, gpio.pins.ssr).
       * `watlow-f4t`: a Watlow F4T controller over Modbus TCP runs its own PID (needs `f4t`); the
       * pid/windowMs settings are then unused. The simulator has only the software heater.
       */
      kind: z.enum(['software-pid', 'watlow-f4t']).default('software-pid'),
      f4t: z
        .object({
          host: z.string().min(1),
          port: z.number().int().min(1).max(65_535).default(502),
          unitId: z.number().int().min(0).max(255).default(1),
          /** Control loop of the controller, 1-based. */
          loop: z.number().int().min(1).max(4).default(1),
          /** Modbus transaction timeout, ms. */
          timeoutMs: z.number().int().positive().default(1_000),
        })
        .optional(),
      pid: z
        .object({ kp: z.number().default(0.08), ki: z.number().default(0.002), kd: z.number().default(0.4) })
        .prefault({}),
      /** Time-proportioning window of the SSR, ms (docs/devices.md §3: 1-2 s). */
      windowMs: z.number().int().positive().default(1_000),
      /** Steady when PV stays within +-band of SP for holdMs. */
      steadyBandC: z.number().positive().default(1),
      holdMs: z.number().positive().default(30_000),
      /** Give up heating (experiment failed) after this long, ms. */
      heatTimeoutMs: z.number().positive().default(15 * 60_000),
    })
    .refine((h) => h.kind !== 'watlow-f4t' || h.f4t !== undefined, { message: 'heater.kind watlow-f4t needs heater.f4t (host, ...)', path: ['f4t'] })
    .prefault({}),
  spectrometer: z
    .object({
      integrationUs: z.number().int().min(6_000).max(10_000_000).default(100_000),
      scans: z.number().int().min(1).max(5_000).default(5),
      boxcar: z.number().int().min(0).max(15).default(2),
    })
    .prefault({}),
  control: z
    .object({
      /** Control loop period (heater PID, interlocks), ms. */
      periodMs: z.number().positive().default(100),
      /** Pump status / dispensed volume poll period, ms (feeds the pump interlocks). */
      pumpPollMs: z.number().positive().default(1_000),
      /** Telemetry period, ms. */
      telemetryMs: z.number().positive().default(1_000),
    })
    .prefault({}),
  interlocks: interlocksSchema,
  chemistry: chemistryConfigSchema.prefault({}),
  runner: z
    .object({
      /** Between experiments: stop every pump, or keep a solvent + PFO flush. */
      betweenExperiments: z.enum(['stop', 'flush']).default('stop'),
      /** Longest flush between experiments, s. */
      flushMaxS: z.number().positive().default(600),
      /** Re-run an attempt aborted by a crash or interlock once SAFE is cleared. */
      rerunAborted: z.boolean().default(true),
      /** Extra pumping volume beyond t_E + acquisition, as a fraction, so a run never stops early. */
      volumeSlack: z.number().min(0).max(1).default(0.1),
      /** Warn (result warnings) when a syringe holds less than this many times `chemistry.syringeMarginUl`. */
      lowReagentFactor: z.number().min(1).default(2),
      /** Window before the end of t_E over which the plate temperature drift is reported, s (capped at t_E). */
      steadyWindowS: z.number().positive().default(30),
      /** Plate reading period during the t_E wait, clock ms. */
      steadySampleMs: z.number().positive().default(1_000),
    })
    .prefault({}),
  /** When the queue runs dry while offline. `local` needs a model snapshot from the optimizer. */
  offlinePolicy: z.enum(['standby', 'local']).default('standby'),
});

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;
export type EdgeConfigInput = z.input<typeof edgeConfigSchema>;

/** A config that failed validation; `problems` lists every one, path first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid edge config:\n  ${problems.join('\n  ')}`);
  }
}

/** Validates a config object, listing every problem, and returns it frozen with defaults filled. */
export function parseEdgeConfig(input: unknown): Readonly<EdgeConfig> {
  const parsed = edgeConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}

/** Reads a JSON or YAML config file. */
export function loadEdgeConfig(path: string): Readonly<EdgeConfig> {
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  return parseEdgeConfig(raw);
}
