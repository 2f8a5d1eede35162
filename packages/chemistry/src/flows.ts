import { PUMP_IDS, PUMP_LABELS, type PumpId } from './config';
import type { Condition, Violation } from './condition';
import type { ConditionSpace } from './condition-space';
import { transitTimes } from './geometry';

/** What the eight pumps must do for one experiment, and when its spectra can be taken. */
export interface FlowPlan {
  /** Heater setpoint, C (quantized to the heater's resolution). */
  temperatureC: number;
  /** Rate of each pump, uL/min, quantized to the pump rate resolution. */
  ratesUlMin: Record<PumpId, number>;
  /** Flow of each stream, uL/min: the two precursor streams are equal (1:1 rule); PFO = their sum. */
  streams: { cuIUlMin: number; csUlMin: number; precursorUlMin: number; pfoUlMin: number; segmentedUlMin: number };
  /** tau: CuI 5-way junction to the characterization module, s. */
  residenceTimeS: number;
  /** Time in the heated reactor tubing, s. */
  reactionTimeS: number;
  /** t_E = equilibrationFactor x tau: wait before acquiring, s. */
  equilibrationS: number;
  /** Acquisition time after t_E, s. */
  acquisitionS: number;
  /** Pumping time of the experiment: t_E + acquisition, s. */
  durationS: number;
  /** Volume each syringe delivers during the experiment, uL. */
  volumesUl: Record<PumpId, number>;
}

export type FlowPlanResult = { ok: true; plan: FlowPlan } | { ok: false; violations: Violation[]; plan: FlowPlan | null };

export interface PlanOptions {
  /** Current syringe contents, uL; when given, each syringe must hold the experiment's volume plus the margin. */
  contentsUl?: Partial<Record<PumpId, number>>;
  /** Extra pumping time before t_E (e.g. priming), s. Default 0. */
  extraS?: number;
}

const mapPumps = (f: (id: PumpId) => number) => Object.fromEntries(PUMP_IDS.map((id) => [id, f(id)])) as Record<PumpId, number>;

/**
 * The eight pump rates for a condition, with residence time, t_E, reagent use and limit checks.
 *
 * Rates are computed in integer steps of the pump resolution, so the 1:1 rule
 * (odeCs = CuI stream - Cs-oleate - OA-ODE(Cs)) and the PFO rule (PFO = both streams) hold
 * exactly in those steps. Pure and deterministic; a plan with violations must never reach a pump.
 *
 * @example
 * const r = planFlows(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), space);
 * if (r.ok) r.plan.ratesUlMin.pfo; // = 2 x CuI stream
 */
export function planFlows(condition: Condition, space: ConditionSpace, options: PlanOptions = {}): FlowPlanResult {
  const violations = space.validate(condition);
  if (violations.some((v) => v.code === 'NOT_A_NUMBER' || v.code === 'NO_FLOW')) {
    return { ok: false, violations, plan: null };
  }
  const { config } = space;
  const step = config.resolution.rateUlMin;
  const n = (x: number) => Math.round(x / step);
  const steps: Record<PumpId, number> = {
    cuI: n(condition.cuIUlMin),
    oaCuI: n(condition.oaCuIUlMin),
    oAm: n(condition.oAmUlMin),
    odeCuI: n(condition.odeCuIUlMin),
    csOleate: n(condition.csOleateUlMin),
    oaCs: n(condition.oaCsUlMin),
    odeCs: 0,
    pfo: 0,
  };
  const streamSteps = steps.cuI + steps.oaCuI + steps.oAm + steps.odeCuI;
  steps.odeCs = streamSteps - steps.csOleate - steps.oaCs;
  steps.pfo = 2 * streamSteps;

  const ratesUlMin = mapPumps((id) => steps[id] * step);
  const stream = streamSteps * step;
  const times = transitTimes(config.segments, { cuIStreamUlMin: stream, segmentedUlMin: 4 * stream });
  const equilibrationS = config.equilibrationFactor * times.residenceTimeS;
  const durationS = (options.extraS ?? 0) + equilibrationS + config.acquisitionS;
  const volumesUl = mapPumps((id) => (ratesUlMin[id] * durationS) / 60);
  const plan: FlowPlan = {
    temperatureC: Math.round(condition.temperatureC / config.resolution.temperatureC) * config.resolution.temperatureC,
    ratesUlMin,
    streams: { cuIUlMin: stream, csUlMin: stream, precursorUlMin: 2 * stream, pfoUlMin: ratesUlMin.pfo, segmentedUlMin: 4 * stream },
    residenceTimeS: times.residenceTimeS,
    reactionTimeS: times.reactionTimeS,
    equilibrationS,
    acquisitionS: config.acquisitionS,
    durationS,
    volumesUl,
  };

  for (const id of PUMP_IDS) {
    const rate = ratesUlMin[id];
    const limits = config.pumps[id];
    const name = PUMP_LABELS[id];
    if (rate < 0) {
      // Only odeCs can get here (a Cs stream larger than the CuI stream); validate() explains why.
      if (!violations.some((v) => v.code === 'CS_STREAM_OVERFLOW')) {
        violations.push({ code: 'NEGATIVE_DERIVED_FLOW', field: id, message: `${name} would need ${rate.toFixed(2)} uL/min` });
      }
    } else if (rate > 0 && rate < limits.minRateUlMin) {
      violations.push({ code: 'PUMP_MIN_RATE', field: id, message: `${name} at ${rate.toFixed(2)} uL/min is below the pump's smooth minimum of ${limits.minRateUlMin} uL/min` });
    } else if (rate > limits.maxRateUlMin) {
      violations.push({ code: 'PUMP_MAX_RATE', field: id, message: `${name} at ${rate.toFixed(2)} uL/min exceeds the validated maximum of ${limits.maxRateUlMin} uL/min` });
    }
    const contents = options.contentsUl?.[id];
    if (contents !== undefined && volumesUl[id] > contents - config.syringeMarginUl) {
      violations.push({
        code: 'INSUFFICIENT_REAGENT',
        field: id,
        message: `${name} needs ${volumesUl[id].toFixed(0)} uL but holds ${contents.toFixed(0)} uL with a ${config.syringeMarginUl} uL margin to keep; refill it`,
      });
    }
    if (volumesUl[id] > limits.syringeVolumeUl - config.syringeMarginUl) {
      violations.push({
        code: 'SYRINGE_TOO_SMALL',
        field: id,
        message: `${name} needs ${volumesUl[id].toFixed(0)} uL, more than a full ${limits.syringeVolumeUl} uL syringe minus the margin`,
      });
    }
  }
  return violations.length === 0 ? { ok: true, plan } : { ok: false, violations, plan };
}
