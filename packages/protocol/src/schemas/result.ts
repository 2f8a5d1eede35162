/**
 * `sdfl/v1/{platform}/result` — edge to cloud, QoS 1: one finished experiment.
 * A discriminated union on `status`: `done` carries features and spectra; `failed` and `aborted`
 * carry a `failure` and whatever was measured before it.
 *
 * @module
 */
import { z } from 'zod';
import { FAILURE_REASONS, FEATURE_FLAGS, INTERLOCK_NAMES } from '../constants';
import { conditionSchema, count, finite, identifier, isoTimestamp, nonNegative, perPump, text } from './common';

/** Most points in one spectrum (the HDX has 2068 pixels). */
export const MAX_SPECTRUM_POINTS = 16_384;

/** The flows and times actually used (after the edge applied its limits). */
export const flowPlanSchema = z.object({
  /** Pump rates, uL/min per pump id. */
  ratesUlMin: perPump(nonNegative),
  /** Residence time tau in the reactor, s. */
  residenceTimeS: nonNegative,
  /** Reaction time, s. */
  reactionTimeS: nonNegative,
  /** Wait before acquisition (about 1.2 tau), s. */
  equilibrationS: nonNegative,
});

/** Spectral features (see packages/chemistry for definitions). */
export const featuresSchema = z.object({
  /** Absorbance at 300 nm, AU. */
  abs300: finite.nullable(),
  /** PL peak wavelength, nm; `null` without emission. */
  plPeakNm: finite.nullable(),
  /** PL peak intensity, counts. */
  plIntensity: finite.nullable(),
  /** Integrated PL, counts x nm. */
  plArea: finite.nullable(),
  /** PL full width at half maximum, nm; `null` without emission. */
  fwhmNm: finite.nullable(),
  /** Height of the side peak near 380 nm, counts (>= 0; see packages/chemistry). */
  sidePeak380: finite.nullable(),
  /** Height of the side peak near 600 nm, counts (>= 0; see packages/chemistry). */
  sidePeak600: finite.nullable(),
  flags: z.array(z.enum(FEATURE_FLAGS)).max(FEATURE_FLAGS.length),
});

/** One spectrum: `values[i]` at `wavelengthNm[i]`; both arrays have the same length. */
export const spectrumSchema = z
  .object({
    wavelengthNm: z.array(finite).max(MAX_SPECTRUM_POINTS),
    values: z.array(finite).max(MAX_SPECTRUM_POINTS),
  })
  .refine((s) => s.wavelengthNm.length === s.values.length, {
    message: 'wavelengthNm and values must have the same length',
    path: ['values'],
  });

/** Absorbance (AU) and photoluminescence (dark-subtracted counts) spectra. */
export const spectraSchema = z.object({ absorbance: spectrumSchema, pl: spectrumSchema });

/** Durations of the phases, s. */
const durationsSchema = z.object({
  heatingS: nonNegative.optional(),
  equilibrationS: nonNegative.optional(),
  acquisitionS: nonNegative.optional(),
  totalS: nonNegative,
});

/** When the phases happened (ISO-8601) and how long they took (s); for failures some are absent. */
export const timingsSchema = z.object({
  startedAt: isoTimestamp,
  /** Flow reached steady state (after the equilibration wait). */
  steadyAt: isoTimestamp.optional(),
  acquiredAt: isoTimestamp.optional(),
  finishedAt: isoTimestamp,
  durations: durationsSchema,
});

/** Timings of a `done` result: every instant and duration present. */
export const doneTimingsSchema = timingsSchema.extend({
  steadyAt: isoTimestamp,
  acquiredAt: isoTimestamp,
  durations: durationsSchema.required(),
});

/**
 * Plate temperature as the thermocouple read it over the drift window: every reading the edge
 * took (about 1 Hz of clock time), so `driftC` is a measurement, not a model value.
 */
export const plateTemperatureEvidenceSchema = z.object({
  /** Readings in the window (null readings, e.g. a thermocouple fault, are not counted). */
  samples: count,
  /** Lowest reading, C. */
  minC: finite,
  /** Highest reading, C. */
  maxC: finite,
  /** Last reading minus first reading in the window, C (signed: positive = still warming). */
  driftC: finite,
  /** Heater setpoint during the window, C. */
  setpointC: finite,
});

/**
 * Measured evidence that the outlet was at steady state when it was measured. The criterion the
 * edge applies is time based (flow for t_E = 1.2 tau before acquiring, docs/science.md §4); this object
 * reports what was actually observed while applying it, so a reader can judge the claim:
 * the instants come from the edge's clock, the drift from thermocouple readings.
 */
export const steadyStateSchema = z.object({
  /** When every pump had acknowledged its start for this experiment (edge clock), ISO-8601. */
  flowStartedAt: isoTimestamp,
  /** When the line was considered steady: the end of the t_E wait (edge clock), ISO-8601. */
  steadyAt: isoTimestamp,
  /** Measured time from `flowStartedAt` to `steadyAt`, s. */
  waitedS: nonNegative,
  /** The planned wait t_E (about 1.2 x residence time), s: the criterion, not a measurement. */
  plannedEquilibrationS: nonNegative,
  /** Length of the window before `steadyAt` over which drift was measured, s. */
  windowS: nonNegative,
  /** Plate temperature over the window; absent when no valid reading was taken in it. */
  plateTemperature: plateTemperatureEvidenceSchema.optional(),
});

/** Why a result failed or was aborted. */
export const failureSchema = z.object({
  reason: z.enum(FAILURE_REASONS),
  /** The interlock that tripped, for `reason: 'INTERLOCK'`. */
  interlock: z.enum(INTERLOCK_NAMES).optional(),
  detail: text.optional(),
});

const common = {
  experimentId: identifier,
  /** 1 for the first try, +1 per retry. */
  attempt: z.int().min(1),
  campaignId: identifier.optional(),
  condition: conditionSchema,
  warnings: z.array(text).max(100),
};

/** A completed experiment. */
export const doneResultSchema = z.object({
  ...common,
  status: z.literal('done'),
  flowPlan: flowPlanSchema,
  features: featuresSchema,
  spectra: spectraSchema,
  timings: doneTimingsSchema,
  /** Measured steady-state evidence (optional: edges before it existed do not send it). */
  steadyState: steadyStateSchema.optional(),
});

/** An experiment that failed or was aborted. */
export const failedResultSchema = z.object({
  ...common,
  status: z.enum(['failed', 'aborted']),
  /** Absent when the condition was refused before any flow was planned. */
  flowPlan: flowPlanSchema.optional(),
  failure: failureSchema,
  features: featuresSchema.optional(),
  spectra: spectraSchema.optional(),
  timings: timingsSchema,
  /** Present when the attempt got through its steady-state wait before it ended. */
  steadyState: steadyStateSchema.optional(),
});

/** Body of a `result` message. */
export const resultBodySchema = z.discriminatedUnion('status', [doneResultSchema, failedResultSchema]);
/** Body of a `result` message. */
export type ResultBody = z.infer<typeof resultBodySchema>;
/** Spectral features of a result. */
export type Features = z.infer<typeof featuresSchema>;
/** One spectrum. */
export type Spectrum = z.infer<typeof spectrumSchema>;
/** Measured steady-state evidence of a result. */
export type SteadyState = z.infer<typeof steadyStateSchema>;
/** The flow plan actually used. */
export type FlowPlan = z.infer<typeof flowPlanSchema>;
