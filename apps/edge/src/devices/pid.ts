/**
 * PID controller for the heater (docs/devices.md §3 "Software PID"): pure, no timers, no I/O.
 *
 * - Derivative on measurement (no derivative kick on setpoint changes), optionally low-pass filtered.
 * - Anti-windup by clamping: the integral term stays within the output range, and it does not
 *   integrate while the output is saturated in the direction the error pushes (conditional
 *   integration), so it recovers at once when the error reverses.
 * - Bumpless: a setpoint change moves the integral by the proportional jump (within its range), so
 *   the output does not step; `reset({ output })` makes a manual -> auto transfer bumpless.
 * - dt is measured from the `nowMs` of consecutive updates, capped by `maxDtS`.
 */

/** Gains, in output fraction per C (kp), per C·s (ki) and per C/s (kd). */
export interface PidGains {
  kp: number;
  ki: number;
  kd: number;
}

/** PID options; every field but the gains has a default. */
export interface PidOptions extends PidGains {
  /** Lowest output. Default 0 (SSR off). */
  outMin?: number;
  /** Highest output. Default 1 (SSR always on). */
  outMax?: number;
  /** Time constant of the derivative's low-pass filter, s. Default 0 (none). */
  derivativeFilterS?: number;
  /** Longest dt used in one update, s: a stalled loop must not dump a burst into the integral. Default 2. */
  maxDtS?: number;
  /** Absorb setpoint changes into the integral so the output does not step. Default true. */
  bumpless?: boolean;
}

/** Terms of the last update, for telemetry and tests. */
export interface PidTerms {
  p: number;
  i: number;
  d: number;
  output: number;
  dtS: number;
}

/**
 * @example
 * const pid = new Pid({ kp: 0.08, ki: 0.002, kd: 0.4 });
 * const duty = pid.update(150, measuredC, clock.now()); // 0..1
 */
export class Pid {
  private readonly o: Required<PidOptions>;
  private integral = 0;
  private lastMs: number | undefined;
  private lastPv: number | undefined;
  private lastSp: number | undefined;
  private dFiltered = 0;
  private terms: PidTerms = { p: 0, i: 0, d: 0, output: 0, dtS: 0 };

  constructor(options: PidOptions) {
    this.o = { outMin: 0, outMax: 1, derivativeFilterS: 0, maxDtS: 2, bumpless: true, ...options };
    if (!(this.o.outMax > this.o.outMin)) throw new RangeError(`outMax ${this.o.outMax} must exceed outMin ${this.o.outMin}`);
  }

  /** Terms of the last update. */
  get last(): Readonly<PidTerms> {
    return this.terms;
  }

  /**
   * One control step: returns the output in [outMin, outMax].
   * @param setpointC target, C
   * @param measurementC process value, C
   * @param nowMs time of the measurement, ms (any monotonic timeline)
   */
  update(setpointC: number, measurementC: number, nowMs: number): number {
    const { kp, ki, kd, outMin, outMax, derivativeFilterS, maxDtS, bumpless } = this.o;
    const dtS = this.lastMs === undefined ? 0 : Math.min(Math.max(0, (nowMs - this.lastMs) / 1000), maxDtS);
    if (bumpless && this.lastSp !== undefined && setpointC !== this.lastSp) {
      this.integral = clamp(this.integral - kp * (setpointC - this.lastSp), outMin, outMax);
    }
    const error = setpointC - measurementC;
    const p = kp * error;
    if (dtS > 0 && this.lastPv !== undefined) {
      const raw = (measurementC - this.lastPv) / dtS;
      const alpha = derivativeFilterS > 0 ? dtS / (derivativeFilterS + dtS) : 1;
      this.dFiltered += alpha * (raw - this.dFiltered);
    }
    const d = -kd * this.dFiltered;
    // Conditional integration: skip while saturated and the error pushes further into saturation.
    const trial = p + this.integral + d;
    const pushingHigh = trial >= outMax && error > 0;
    const pushingLow = trial <= outMin && error < 0;
    if (dtS > 0 && !pushingHigh && !pushingLow) this.integral = clamp(this.integral + ki * error * dtS, outMin, outMax);
    const output = clamp(p + this.integral + d, outMin, outMax);
    this.lastMs = nowMs;
    this.lastPv = measurementC;
    this.lastSp = setpointC;
    this.terms = { p, i: this.integral, d, output, dtS };
    return output;
  }

  /**
   * Forget history. With `output`, the integral is preset so the next update continues from that
   * output (bumpless manual -> auto transfer); default integral 0.
   */
  reset(init: { output?: number } = {}): void {
    this.integral = clamp(init.output ?? 0, this.o.outMin, this.o.outMax);
    this.lastMs = undefined;
    this.lastPv = undefined;
    this.lastSp = undefined;
    this.dFiltered = 0;
    this.terms = { p: 0, i: this.integral, d: 0, output: this.integral, dtS: 0 };
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
