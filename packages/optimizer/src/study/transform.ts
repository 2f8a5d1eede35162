/**
 * Log-output surrogates: fit the model on log(y + offset) (or log(offset - y), for values with a
 * long tail below) and map every member back with exp, so the ensemble mean and spread stay in the
 * objective's own units (policies need no change). Why: PL intensities are positive and
 * multiplicative in the inputs (a product of temperature, CuI and ligand factors), which a network
 * fits far better on a log scale; and a sum of narrow bumps is a smooth max of quadratics on it.
 */
import type { Prediction, Surrogate } from '../surrogate';
import type { SnapshotSurrogate, SurrogateFactory, SurrogateLoader } from './types';

/** Version tag of the JSON written by {@link LogOutputSurrogate.toJSON} for log(y + offset). */
export const LOG_OUTPUT_FORMAT = 'sdfl-log-output/1';
/** The layout of a model of log(offset - y): it records the sign, which a `/1` reader would drop. */
export const LOG_OUTPUT_FORMAT_V2 = 'sdfl-log-output/2';

/**
 * A surrogate of log(sign y + offset) seen as a surrogate of y: y = sign (exp(z) - offset), with
 * sign 1 (the default, values bounded below) or -1 (values bounded above).
 */
export class LogOutputSurrogate implements SnapshotSurrogate {
  readonly dim: number;
  readonly members: number;

  constructor(
    /** The model of log(y + offset). */
    readonly inner: SnapshotSurrogate,
    /** Offset added before the log (objective units); keeps zero readings finite. */
    readonly offset: number,
    /** -1: the inner model is of log(offset - y), decreasing in y. */
    readonly sign: 1 | -1 = 1,
  ) {
    this.dim = inner.dim;
    this.members = inner.members;
  }

  predictMembers(x: readonly (readonly number[])[]): Float64Array[] {
    return this.inner.predictMembers(x).map((m) => m.map((v) => this.fromLog(v)));
  }

  /** The objective value of an inner (log-scale) value. */
  fromLog(z: number): number {
    return this.sign * (Math.exp(z) - this.offset);
  }

  /** Mean and population std of the back-transformed members. */
  predict(x: readonly (readonly number[])[]): Prediction {
    return membersToPrediction(this.predictMembers(x), x.length);
  }

  toJSON(): unknown {
    const inner = this.inner.toJSON();
    return this.sign === 1 ? { format: LOG_OUTPUT_FORMAT, offset: this.offset, inner } : { format: LOG_OUTPUT_FORMAT_V2, sign: this.sign, offset: this.offset, inner };
  }
}

/** Mean and population std across members. */
export function membersToPrediction(members: readonly Float64Array[], n: number): Prediction {
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  for (const m of members) for (let i = 0; i < n; i++) mean[i]! += m[i]! / members.length;
  for (const m of members) for (let i = 0; i < n; i++) std[i]! += (m[i]! - mean[i]!) ** 2 / members.length;
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(std[i]!);
  return { mean, std };
}

/** Options of {@link logOutput}. */
export interface LogOutputOptions {
  /**
   * Offset added before the log, objective units. Default: 1 % of the largest |y| of each
   * training set (at least 1e-9). Values below 0 are clamped to 0 first.
   */
  offset?: number;
}

/**
 * Wraps a factory so that it fits log(max(y, 0) + offset). Warm starts pass the inner model on.
 *
 * @example
 * const fit = logOutput(defaultFit);
 * createStudy({ ..., fit, load: logOutputLoader(defaultLoad) });
 */
export function logOutput(fit: SurrogateFactory, options: LogOutputOptions = {}): SurrogateFactory {
  return async (data, o) => {
    const offset = options.offset ?? Math.max(1e-9, 0.01 * Math.max(...data.y.map(Math.abs)));
    const y = data.y.map((v) => Math.log(Math.max(v, 0) + offset));
    const init = o.init instanceof LogOutputSurrogate ? o.init.inner : undefined;
    // log is increasing, so the objective's direction carries over.
    const inner = await fit({ x: data.x, y }, { seed: o.seed, ...(o.direction ? { direction: o.direction } : {}), ...(init ? { init } : {}) });
    return new LogOutputSurrogate(inner, offset);
  };
}

/** Loader for snapshots written by {@link LogOutputSurrogate} (either layout). */
export function logOutputLoader(load: SurrogateLoader): SurrogateLoader {
  return async (json) => {
    const j = json as { format?: unknown; offset?: unknown; sign?: unknown; inner?: unknown };
    const sign = j?.format === LOG_OUTPUT_FORMAT ? 1 : j?.format === LOG_OUTPUT_FORMAT_V2 && (j.sign === 1 || j.sign === -1) ? j.sign : null;
    if (sign === null || typeof j.offset !== 'number' || !Number.isFinite(j.offset)) throw new TypeError(`not a ${LOG_OUTPUT_FORMAT} or ${LOG_OUTPUT_FORMAT_V2} snapshot`);
    return new LogOutputSurrogate(await load(j.inner), j.offset, sign);
  };
}

/** True for surrogates whose members are back-transformed (for diagnostics). */
export function isLogOutput(s: Surrogate): s is LogOutputSurrogate {
  return s instanceof LogOutputSurrogate;
}
