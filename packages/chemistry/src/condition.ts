import { CONDITION_KEYS, type ConditionKey } from '@sdfl/protocol';

/**
 * A physical synthesis condition: the seven inputs of the paper (docs/science.md §3).
 * Flowrates are the chosen stock flows in uL/min; ODE of the Cs stream and PFO are derived
 * (see planFlows) and never chosen.
 */
export interface Condition {
  /** Reaction (heating plate) temperature, C. */
  temperatureC: number;
  /** CuI stock, uL/min. */
  cuIUlMin: number;
  /** Cs-oleate stock, uL/min. */
  csOleateUlMin: number;
  /** OA-ODE into the Cs stream, uL/min. */
  oaCsUlMin: number;
  /** OA-ODE into the CuI stream, uL/min. */
  oaCuIUlMin: number;
  /** OAm-ODE (CuI stream), uL/min. */
  oAmUlMin: number;
  /** ODE solvent of the CuI stream, uL/min. */
  odeCuIUlMin: number;
}

/**
 * Keys of Condition in the paper's feature order (X1..X7): the protocol's list, which owns the
 * names (test/shared-names.test.ts fails if Condition and the list disagree).
 */
export { CONDITION_KEYS, type ConditionKey };

/** A broken rule, phrased for a chemist. */
export interface Violation {
  /** Machine-readable rule id, e.g. `TEMPERATURE_RANGE`, `CS_STREAM_OVERFLOW`, `PUMP_MAX_RATE`. */
  code: string;
  /** The input, pump or quantity concerned. */
  field: string;
  message: string;
}

/** Sum of the CuI stream's four inflows, uL/min. */
export function cuIStreamUlMin(c: Condition): number {
  return c.cuIUlMin + c.oaCuIUlMin + c.oAmUlMin + c.odeCuIUlMin;
}
