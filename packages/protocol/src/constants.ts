/**
 * Wire constants shared by the edge agent and the cloud: versions, limits and the closed
 * vocabularies (pump ids, stages, interlocks, reason codes) that the schemas are built from.
 *
 * Every list is a readonly tuple so that it can feed `z.enum(...)` and a TypeScript union at once.
 * Adding a value to a list is a wire change: a receiver on an older version rejects a message
 * that uses the new value with `INVALID_PAYLOAD`, so roll receivers (the cloud) out first.
 *
 * @module
 */

/** Major schema version carried in every envelope as `v`. Bump only for breaking changes. */
export const PROTOCOL_VERSION = 1 as const;

/** First two topic levels of every topic: `sdfl/v1`. */
export const TOPIC_ROOT = 'sdfl/v1' as const;

/** Default cap on a payload's size in bytes (UTF-8), checked before parsing: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/** Longest accepted platform id, in Unicode code points. */
export const MAX_PLATFORM_ID_LENGTH = 64;

/** The seven message kinds; each is one topic leaf `sdfl/v1/{platform}/{kind}`. */
export const MESSAGE_KINDS = ['state', 'telemetry', 'cmd', 'ack', 'result', 'event', 'receipt'] as const;
/** One of {@link MESSAGE_KINDS}. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Kinds the edge publishes (and the cloud subscribes to). */
export const EDGE_TO_CLOUD_KINDS = ['state', 'telemetry', 'ack', 'result', 'event'] as const;
/** Kinds the cloud publishes (and the edge subscribes to). */
export const CLOUD_TO_EDGE_KINDS = ['cmd', 'receipt'] as const;

/** Edge-to-cloud kinds the edge keeps in its outbox until the cloud's `receipt` names them. */
export const RECEIPTED_KINDS = ['result', 'event'] as const;

/**
 * Syringe pump ids, one per reagent line. `odeCs` and `pfo` carry no condition dimension of
 * their own (solvent make-up and carrier) but are pumped, tracked and limited like the others.
 */
export const PUMP_IDS = ['cuI', 'oaCuI', 'oAm', 'odeCuI', 'csOleate', 'oaCs', 'odeCs', 'pfo'] as const;
/** One of {@link PUMP_IDS}. */
export type PumpId = (typeof PUMP_IDS)[number];

/** Flow keys of a condition (uL/min each), in the order the chemistry package uses. */
export const CONDITION_FLOW_KEYS = [
  'cuIUlMin',
  'csOleateUlMin',
  'oaCsUlMin',
  'oaCuIUlMin',
  'oAmUlMin',
  'odeCuIUlMin',
] as const;
/** All keys of a condition: temperature (C) first, then the six flows (uL/min). */
export const CONDITION_KEYS = ['temperatureC', ...CONDITION_FLOW_KEYS] as const;
/** One of {@link CONDITION_KEYS}. */
export type ConditionKey = (typeof CONDITION_KEYS)[number];

/** Pump run states as reported by a driver (Chemyx `status`: 0 stopped, 1 running, 2 paused, 4 stalled). */
export const PUMP_STATUSES = ['stopped', 'running', 'paused', 'stalled', 'unknown'] as const;

/**
 * Stages of the edge runner. `safe` means the SAFE state (pumps stopped, heater off, LED off,
 * shutter closed); the runner boots into it.
 */
export const STAGES = [
  'boot',
  'safe',
  'idle',
  'heating',
  'flowing',
  'equilibrating',
  'acquiring',
  'processing',
  'paused',
] as const;
/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/** Interlocks that put the platform in SAFE (see docs/devices.md §6). */
export const INTERLOCK_NAMES = [
  'overTemperature',
  'thermocoupleFault',
  'heaterCannotHeat',
  'heaterRunaway',
  'pumpStalled',
  'pumpLinkLost',
  'syringeLow',
  'spectrometerTimeout',
  'estop',
  'watchdog',
] as const;
/** One of {@link INTERLOCK_NAMES}. */
export type InterlockName = (typeof INTERLOCK_NAMES)[number];

/** Why SAFE is latched: an interlock, the boot rule, or an `abort` command. */
export const SAFE_REASONS = [...INTERLOCK_NAMES, 'boot', 'abort'] as const;

/** Reasons an edge gives when it rejects a command (`ack.reason`). */
export const ACK_REASONS = [
  'INVALID_COMMAND',
  'UNSUPPORTED_VERSION',
  'OUT_OF_LIMITS',
  'INFEASIBLE_CONDITION',
  'INSUFFICIENT_REAGENT',
  'DUPLICATE',
  'SAFE_LATCHED',
  /** `clearSafe` while SAFE is not latched: nothing to clear (a second clear must not reset a running stage). */
  'NOT_SAFE',
  'UNKNOWN_EXPERIMENT',
  'BUSY',
  'INTERNAL',
] as const;
/** One of {@link ACK_REASONS}. */
export type AckReason = (typeof ACK_REASONS)[number];

/** Command `type` values. */
export const COMMAND_TYPES = [
  'enqueue',
  'cancel',
  'pause',
  'resume',
  'abort',
  'clearSafe',
  'modelSnapshot',
  'refilled',
  'ping',
] as const;

/** Spectral features an edge computes for a result (units in the names; see chemistry). */
export const FEATURE_NAMES = [
  'abs300',
  'plPeakNm',
  'plIntensity',
  'plArea',
  'fwhmNm',
  'sidePeak380',
  'sidePeak600',
] as const;
/** One of {@link FEATURE_NAMES}. */
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Quality flags attached to a result's features. */
export const FEATURE_FLAGS = ['saturated', 'no-emission', 'low-signal'] as const;
/** One of {@link FEATURE_FLAGS}. */
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];

/** Why a result is `failed` or `aborted`. */
export const FAILURE_REASONS = [
  'INTERLOCK',
  'DEVICE_ERROR',
  'TIMEOUT',
  'CANCELLED',
  'OPERATOR_ABORT',
  'INSUFFICIENT_REAGENT',
  'INFEASIBLE_CONDITION',
  'INTERNAL',
] as const;

/** Offline policies: `standby` idles safely; `local` picks from the last model snapshot. */
export const OFFLINE_POLICIES = ['standby', 'local'] as const;

/** Heater implementations an edge may run. */
export const HEATER_KINDS = ['software-pid', 'watlow-f4t', 'simulated'] as const;

/** What a spectrometer is used for. */
export const SPECTROMETER_ROLES = ['absorbance', 'pl', 'both'] as const;

/** Alarm severities, lowest first. */
export const ALARM_SEVERITIES = ['info', 'warning', 'critical'] as const;
