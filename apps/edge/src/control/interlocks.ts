import type { PumpId } from '@sdfl/chemistry';
import type { EdgeConfig } from '../config';

/** Names match the protocol's interlock event enum. */
export type InterlockName =
  | 'overTemperature'
  | 'thermocoupleFault'
  | 'heaterCannotHeat'
  | 'heaterRunaway'
  | 'pumpStalled'
  | 'pumpLinkLost'
  | 'syringeLow'
  | 'spectrometerTimeout'
  | 'estop'
  | 'watchdog';

export type PumpStatus = 'stopped' | 'running' | 'paused' | 'delayed' | 'stalled' | 'unknown';

/** What one pump poll saw. */
export interface PumpObservation {
  status: PumpStatus;
  dispensedUl: number;
  /** Consecutive polls without a `>` prompt. */
  missedPolls: number;
  atMs: number;
}

/** Everything the interlocks look at on one control tick. */
export interface ControlInputs {
  nowMs: number;
  /** Latest thermocouple reading, or null before the first one. */
  temperature: { valueC: number | null; fault: string | null; atMs: number } | null;
  /** Active heater setpoint, C; null when the heater is off. */
  setpointC: number | null;
  /** Heater output 0..1 decided on this tick. */
  heaterOutput: number;
  pumps: Partial<Record<PumpId, PumpObservation>>;
  /** Tracked syringe contents, uL. */
  contentsUl: Partial<Record<PumpId, number>>;
  estop: boolean;
}

export interface Trip {
  interlock: InterlockName;
  detail: string;
  detectedAtMs: number;
}

type Limits = EdgeConfig['interlocks'];

/**
 * The interlocks of docs/devices.md §6 as a pure state machine: `check(inputs)` returns the trips this
 * tick detected. It keeps the little history that some rules need (heater watch, runaway timer,
 * flat dispensing), and never performs I/O, so the control loop stays deterministic and testable.
 */
export class InterlockMonitor {
  private watch: { sinceMs: number; fromC: number; lastSetpointC: number | null } = { sinceMs: 0, fromC: 0, lastSetpointC: null };
  private regulating = false;
  private outsideBandSinceMs: number | null = null;
  private zeroOutputSince: { atMs: number; pvC: number } | null = null;
  /** The setpoint the over-temperature margin applies to: a lowered setpoint counts only once the plate has cooled to it. */
  private overTempRefC: number | null = null;
  private readonly flat = new Map<PumpId, { dispensedUl: number; sinceMs: number }>();

  constructor(
    private readonly limits: Limits,
    private readonly syringeMarginUl: number,
    private readonly steadyBandC: number,
  ) {}

  /** Forget heater history (after SAFE, or when the heater is switched off). */
  resetHeater(): void {
    this.watch = { sinceMs: 0, fromC: 0, lastSetpointC: null };
    this.regulating = false;
    this.outsideBandSinceMs = null;
    this.zeroOutputSince = null;
  }

  check(i: ControlInputs): Trip[] {
    const trips: Trip[] = [];
    const trip = (interlock: InterlockName, detail: string) => trips.push({ interlock, detail, detectedAtMs: i.nowMs });
    if (i.estop) trip('estop', 'e-stop input active');
    this.checkTemperature(i, trip);
    this.checkPumps(i, trip);
    return trips;
  }

  private checkTemperature(i: ControlInputs, trip: (n: InterlockName, d: string) => void): void {
    const l = this.limits;
    const t = i.temperature;
    if (!t || i.nowMs - t.atMs > l.staleTemperatureMs) {
      trip('thermocoupleFault', t ? `no fresh reading for ${i.nowMs - t.atMs} ms` : 'no reading yet');
      return;
    }
    if (t.fault !== null || t.valueC === null) {
      trip('thermocoupleFault', `thermocouple fault: ${t.fault ?? 'no value'}`);
      return;
    }
    const pv = t.valueC;
    const ref = this.overTemperatureReference(i.setpointC, pv);
    if (pv > l.absoluteCeilingC) trip('overTemperature', `${pv.toFixed(1)} C above the ${l.absoluteCeilingC} C ceiling`);
    else if (ref !== null && pv > ref + l.overTemperatureMarginC) {
      trip('overTemperature', `${pv.toFixed(1)} C exceeds setpoint ${ref} C + ${l.overTemperatureMarginC} C`);
    }
    this.checkHeater(i, pv, trip);
  }

  /**
   * "Recipe max + margin" (docs/devices.md §6): after a setpoint decrease the plate cools passively for
   * minutes, so the previous, higher setpoint stays the reference until the plate is within the
   * band of the new one; a setpoint increase applies at once. With the heater off only the ceiling applies.
   */
  private overTemperatureReference(sp: number | null, pv: number): number | null {
    if (sp === null) return (this.overTempRefC = null);
    if (this.overTempRefC === null || sp >= this.overTempRefC || pv <= sp + this.steadyBandC) this.overTempRefC = sp;
    return this.overTempRefC;
  }

  private checkHeater(i: ControlInputs, pv: number, trip: (n: InterlockName, d: string) => void): void {
    const l = this.limits;
    const sp = i.setpointC;
    if (sp === null) {
      // Heater off: no watch or regulation, but the stuck-SSR rule below still applies.
      this.watch = { sinceMs: 0, fromC: 0, lastSetpointC: null };
      this.regulating = false;
      this.outsideBandSinceMs = null;
    } else {
      // Marlin-style watch: after a setpoint increase the plate must rise watchRiseC per watchPeriod
      // until it reaches the band, otherwise the heater or thermocouple is not where we think.
      if (this.watch.lastSetpointC === null || sp > this.watch.lastSetpointC) {
        this.watch = { sinceMs: i.nowMs, fromC: pv, lastSetpointC: sp };
        this.regulating = false;
      } else if (sp < this.watch.lastSetpointC) {
        // Cooling to a lower setpoint takes minutes: not in regulation until it gets there.
        this.regulating = false;
      }
      this.watch.lastSetpointC = sp;
      const inBand = Math.abs(pv - sp) <= this.steadyBandC;
      if (inBand) this.regulating = true;
      // Only ticks at high output count: a PID closing in on a setpoint a few degrees up drives
      // the plate gently, and judging that as "cannot heat" trips a healthy heater.
      if (!this.regulating && i.heaterOutput < l.watchMinOutput) this.watch = { ...this.watch, sinceMs: i.nowMs, fromC: pv };
      if (!this.regulating && pv < sp - this.steadyBandC && i.nowMs - this.watch.sinceMs >= l.watchPeriodMs) {
        if (pv - this.watch.fromC < l.watchRiseC) {
          trip('heaterCannotHeat', `rose ${(pv - this.watch.fromC).toFixed(1)} C in ${l.watchPeriodMs / 1000} s towards ${sp} C`);
        }
        this.watch = { ...this.watch, sinceMs: i.nowMs, fromC: pv };
      }
      if (this.regulating && Math.abs(pv - sp) > l.runawayBandC) {
        this.outsideBandSinceMs ??= i.nowMs;
        if (i.nowMs - this.outsideBandSinceMs >= l.runawayMs) {
          trip('heaterRunaway', `${pv.toFixed(1)} C has been outside ${sp} +- ${l.runawayBandC} C for ${l.runawayMs / 1000} s`);
        }
      } else {
        this.outsideBandSinceMs = null;
      }
    }
    // A plate that keeps warming with the SSR off for a whole watch period has a stuck SSR.
    if (i.heaterOutput > 0) {
      this.zeroOutputSince = null;
    } else {
      this.zeroOutputSince ??= { atMs: i.nowMs, pvC: pv };
      if (i.nowMs - this.zeroOutputSince.atMs >= l.watchPeriodMs) {
        if (pv - this.zeroOutputSince.pvC >= l.watchRiseC) {
          trip('heaterRunaway', `rose ${(pv - this.zeroOutputSince.pvC).toFixed(1)} C with the heater output at 0`);
        }
        this.zeroOutputSince = { atMs: i.nowMs, pvC: pv };
      }
    }
  }

  private checkPumps(i: ControlInputs, trip: (n: InterlockName, d: string) => void): void {
    const l = this.limits;
    for (const [id, p] of Object.entries(i.pumps) as [PumpId, PumpObservation][]) {
      if (p.missedPolls >= l.pumpMissedPolls) trip('pumpLinkLost', `${id}: no reply for ${p.missedPolls} polls`);
      if (p.status === 'stalled') trip('pumpStalled', `${id}: pump reports a stall`);
      if (p.status === 'running') {
        const seen = this.flat.get(id);
        if (!seen || p.dispensedUl > seen.dispensedUl + 1e-9) this.flat.set(id, { dispensedUl: p.dispensedUl, sinceMs: p.atMs });
        else if (p.atMs - seen.sinceMs >= l.pumpFlatMs) trip('pumpStalled', `${id}: running but dispensed volume flat for ${p.atMs - seen.sinceMs} ms`);
        const contents = i.contentsUl[id];
        if (contents !== undefined && contents < this.syringeMarginUl) {
          trip('syringeLow', `${id}: ${contents.toFixed(0)} uL left, below the ${this.syringeMarginUl} uL margin`);
        }
      } else {
        this.flat.delete(id);
      }
    }
  }
}
