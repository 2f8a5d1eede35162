import { type ChemistryConfig, type ChemistryConfigInput, parseChemistryConfig } from './config';
import { type Condition, type Violation, cuIStreamUlMin } from './condition';
import { ChemistryError } from './errors';
import { segmentVolumeUl } from './geometry';

/** One axis of the unit cube and the physical quantity it encodes. */
export interface Dimension {
  key: 'temperatureC' | 'reactionTimeS' | 'cuIFraction' | 'oaCuIFraction' | 'oAmFraction' | 'csOleateFraction' | 'oaCsFraction';
  label: string;
  unit: string;
  min: number;
  max: number;
}

/** How far outside [0,1] fromCube accepts a coordinate: quantization overshoot on a bound. */
export const CUBE_TOLERANCE = 1e-3;

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * The seven-input condition space and its bijective encoding with the unit cube [0,1]^7.
 *
 * Axes: temperature; reaction time (which fixes the flow of each stream through the reactor
 * volume); the volume fractions of CuI stock, OA-ODE and OAm-ODE in the CuI stream (ODE is the
 * remainder); the fractions of Cs-oleate and OA-ODE in the Cs stream (its ODE is the remainder,
 * and the Cs stream flows 1:1 with the CuI stream). Because the fraction bounds always leave a
 * solvent remainder, **every point of the cube is a feasible condition** and optimizers can never
 * propose impossible flows.
 *
 * @example
 * const space = createConditionSpace();
 * const c = space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
 * space.validate(c); // []
 */
export class ConditionSpace {
  readonly dimensions: readonly Dimension[];
  /** Number of inputs (7). */
  readonly dim: number;
  /** t_R x (CuI stream flow) is constant for a geometry: reaction time s x uL/min. */
  private readonly timeFlowProduct: number;

  constructor(readonly config: ChemistryConfig) {
    const { temperatureC, reactionTimeS, cuIStream, csStream } = config;
    this.dimensions = [
      { key: 'temperatureC', label: 'Temperature', unit: 'C', ...temperatureC },
      { key: 'reactionTimeS', label: 'Reaction time', unit: 's', ...reactionTimeS },
      { key: 'cuIFraction', label: 'CuI stock in CuI stream', unit: 'fraction', ...cuIStream.cuI },
      { key: 'oaCuIFraction', label: 'OA-ODE in CuI stream', unit: 'fraction', ...cuIStream.oaCuI },
      { key: 'oAmFraction', label: 'OAm-ODE in CuI stream', unit: 'fraction', ...cuIStream.oAm },
      { key: 'csOleateFraction', label: 'Cs-oleate in Cs stream', unit: 'fraction', ...csStream.csOleate },
      { key: 'oaCsFraction', label: 'OA-ODE in Cs stream', unit: 'fraction', ...csStream.oaCs },
    ];
    this.dim = this.dimensions.length;
    // Reactor segments carry either the CuI stream alone (flow S) or the segmented flow (4 S:
    // both streams at 1:1 plus PFO equal to their sum), so t_R = K / S.
    this.timeFlowProduct = config.segments
      .filter((s) => s.reaction)
      .reduce((k, s) => k + (segmentVolumeUl(s) / (s.carries === 'cuIStream' ? 1 : 4)) * 60, 0);
  }

  /** Reaction time for a CuI-stream flow, s. */
  reactionTimeForStream(cuIStreamFlowUlMin: number): number {
    return this.timeFlowProduct / cuIStreamFlowUlMin;
  }

  /** CuI-stream flow that gives a reaction time, uL/min. */
  streamForReactionTime(reactionTimeS: number): number {
    return this.timeFlowProduct / reactionTimeS;
  }

  /**
   * Physical condition of a cube point. Throws ChemistryError('INVALID_CUBE_POINT') outside [0,1]^7,
   * except for an overshoot of up to CUBE_TOLERANCE, which quantizeCube produces on the bounds and
   * which maps linearly to a point within the actuator resolution of the bound.
   */
  fromCube(u: readonly number[]): Condition {
    if (u.length !== this.dim || u.some((x) => !Number.isFinite(x) || x < -CUBE_TOLERANCE || x > 1 + CUBE_TOLERANCE)) {
      throw new ChemistryError('INVALID_CUBE_POINT', `expected ${this.dim} numbers in [0, 1], got [${u.join(', ')}]`);
    }
    const [t, tr, fCuI, fOaCuI, fOAm, fCs, fOaCs] = this.dimensions.map((d, i) => {
      const x = u[i]!;
      return d.min + x * (d.max - d.min);
    }) as [number, number, number, number, number, number, number];
    const s = this.streamForReactionTime(tr);
    return {
      temperatureC: t,
      cuIUlMin: fCuI * s,
      csOleateUlMin: fCs * s,
      oaCsUlMin: fOaCs * s,
      oaCuIUlMin: fOaCuI * s,
      oAmUlMin: fOAm * s,
      odeCuIUlMin: (1 - fCuI - fOaCuI - fOAm) * s,
    };
  }

  /** Physical quantities along each axis (temperature, reaction time, fractions). */
  axes(c: Condition): number[] {
    const s = cuIStreamUlMin(c);
    return [
      c.temperatureC,
      this.reactionTimeForStream(s),
      c.cuIUlMin / s,
      c.oaCuIUlMin / s,
      c.oAmUlMin / s,
      c.csOleateUlMin / s,
      c.oaCsUlMin / s,
    ];
  }

  /** Cube coordinates of a condition; values fall outside [0,1] when the condition is outside the space. */
  toCube(c: Condition): number[] {
    return this.axes(c).map((x, i) => {
      const d = this.dimensions[i]!;
      return (x - d.min) / (d.max - d.min);
    });
  }

  /** Rounds a condition to actuator resolution (heater setpoint step, pump rate step). */
  quantize(c: Condition): Condition {
    const { temperatureC: tStep, rateUlMin: rStep } = this.config.resolution;
    const q = (x: number, step: number) => Math.round(x / step) * step;
    return {
      temperatureC: q(c.temperatureC, tStep),
      cuIUlMin: q(c.cuIUlMin, rStep),
      csOleateUlMin: q(c.csOleateUlMin, rStep),
      oaCsUlMin: q(c.oaCsUlMin, rStep),
      oaCuIUlMin: q(c.oaCuIUlMin, rStep),
      oAmUlMin: q(c.oAmUlMin, rStep),
      odeCuIUlMin: q(c.odeCuIUlMin, rStep),
    };
  }

  /**
   * The cube point an actuator would actually realise for `u` (for duplicate detection).
   * Idempotent; on a bound the result may overshoot [0,1] by less than CUBE_TOLERANCE.
   */
  quantizeCube(u: readonly number[]): number[] {
    return this.toCube(this.quantize(this.fromCube(u)));
  }

  /**
   * Every rule the condition breaks, phrased for a chemist; empty when it is feasible.
   * Bounds are checked with a slack of the actuator resolution so quantized points on a bound pass.
   */
  validate(c: Condition): Violation[] {
    const out: Violation[] = [];
    for (const [key, value] of Object.entries(c) as [keyof Condition, unknown][]) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        out.push({ code: 'NOT_A_NUMBER', field: key, message: `${key} must be a finite number, got ${String(value)}` });
      } else if (key !== 'temperatureC' && value < 0) {
        out.push({ code: 'NEGATIVE_FLOW', field: key, message: `${key} is ${fmt(value, 2)} uL/min; flowrates cannot be negative` });
      }
    }
    if (out.length > 0) return out;

    const { temperatureC: tRange, reactionTimeS: tr, cuIStream, csStream, minTotalFlowUlMin, resolution } = this.config;
    if (c.temperatureC < tRange.min - resolution.temperatureC / 2 || c.temperatureC > tRange.max + resolution.temperatureC / 2) {
      out.push({
        code: 'TEMPERATURE_RANGE',
        field: 'temperatureC',
        message: `reaction temperature ${fmt(c.temperatureC)} C is outside the validated ${tRange.min}-${tRange.max} C`,
      });
    }
    const s = cuIStreamUlMin(c);
    if (s <= 0) {
      out.push({ code: 'NO_FLOW', field: 'cuIStream', message: 'the CuI stream has no flow; nothing would reach the reactor' });
      return out;
    }
    // Rounding each of four flows by half a step moves S by up to 2 steps.
    const fracSlack = (2 * resolution.rateUlMin) / s;
    const reactionTimeS = this.reactionTimeForStream(s);
    const timeSlack = reactionTimeS * fracSlack;
    if (reactionTimeS < tr.min - timeSlack || reactionTimeS > tr.max + timeSlack) {
      out.push({
        code: 'REACTION_TIME_RANGE',
        field: 'reactionTimeS',
        message: `reaction time ${fmt(reactionTimeS)} s (CuI stream ${fmt(s)} uL/min) is outside ${tr.min}-${tr.max} s`,
      });
    }
    if (2 * s < minTotalFlowUlMin - 4 * resolution.rateUlMin) {
      out.push({
        code: 'MIXING_LIMITED',
        field: 'totalFlow',
        message: `total precursor flow ${fmt(2 * s)} uL/min is below ${minTotalFlowUlMin} uL/min, where synthesis becomes mixing-limited`,
      });
    }
    const fractionRules: [keyof Condition, string, { min: number; max: number }, string][] = [
      ['cuIUlMin', 'CuI stock', cuIStream.cuI, 'CuI'],
      ['oaCuIUlMin', 'OA-ODE', cuIStream.oaCuI, 'CuI'],
      ['oAmUlMin', 'OAm-ODE', cuIStream.oAm, 'CuI'],
      ['csOleateUlMin', 'Cs-oleate stock', csStream.csOleate, 'Cs'],
      ['oaCsUlMin', 'OA-ODE', csStream.oaCs, 'Cs'],
    ];
    for (const [key, name, bounds, stream] of fractionRules) {
      const f = c[key] / s;
      if (f < bounds.min - fracSlack || f > bounds.max + fracSlack) {
        out.push({
          code: 'FRACTION_RANGE',
          field: key,
          message: `${name} is ${pct(f)} of the ${stream} stream; allowed ${pct(bounds.min)}-${pct(bounds.max)}`,
        });
      }
    }
    const csChosen = c.csOleateUlMin + c.oaCsUlMin;
    if (csChosen > s) {
      out.push({
        code: 'CS_STREAM_OVERFLOW',
        field: 'odeCs',
        message: `Cs-oleate + OA-ODE = ${fmt(csChosen)} uL/min exceeds the CuI stream's ${fmt(s)} uL/min, so the Cs stream's ODE would be negative (the streams must flow 1:1)`,
      });
    }
    return out;
  }
}

/** Builds a condition space from a (partial) config; defaults documented in config.ts. */
export function createConditionSpace(config: ChemistryConfigInput | ChemistryConfig = {}): ConditionSpace {
  return new ConditionSpace(parseChemistryConfig(config));
}
