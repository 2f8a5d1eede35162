/**
 * `sdfl/v1/{platform}/telemetry` — QoS 0, about 1 Hz; a snapshot of the control loop's view.
 *
 * @module
 */
import { z } from 'zod';
import { PUMP_STATUSES, STAGES } from '../constants';
import { finite, fraction, identifier, nonNegative, perPump } from './common';

/** One pump as last polled. */
export const pumpStateSchema = z.object({
  status: z.enum(PUMP_STATUSES),
  /** Programmed rate, uL/min. */
  rateUlMin: nonNegative,
  /** Volume dispensed in the current run, uL. */
  dispensedUl: nonNegative,
});

/** Control loop period jitter over the last telemetry interval, ms. */
export const loopJitterSchema = z.object({
  p50Ms: nonNegative,
  p99Ms: nonNegative,
  maxMs: nonNegative,
});

/** Body of a `telemetry` message. */
export const telemetryBodySchema = z.object({
  temperatures: z.object({
    /** Process value (plate temperature), C; `null` while no fresh reading exists. */
    pvC: finite.nullable(),
    /** Setpoint, C; `null` while the heater is off. */
    spC: finite.nullable(),
  }),
  /** Heater output as a duty fraction, 0..1. */
  heaterOutput: fraction,
  pumps: perPump(pumpStateSchema),
  stage: z.enum(STAGES),
  /** SAFE is latched. */
  safe: z.boolean(),
  loopJitter: loopJitterSchema,
  /** Tracked liquid left in each syringe, uL. */
  syringeContentsUl: perPump(nonNegative),
  /** The experiment running now, if any. */
  experimentId: identifier.optional(),
  /**
   * While equilibrating: seconds (edge clock) until the planned steady-state wait t_E ends. The
   * edge's clock, so a simulated platform at x25 counts simulated seconds.
   */
  steadyInS: nonNegative.optional(),
});
/** Body of a `telemetry` message. */
export type TelemetryBody = z.infer<typeof telemetryBodySchema>;
/** One pump's state in telemetry. */
export type PumpState = z.infer<typeof pumpStateSchema>;
