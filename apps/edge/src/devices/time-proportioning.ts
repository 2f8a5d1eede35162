/**
 * Time-proportioning of an SSR (docs/devices.md §3: window 1-2 s): an output fraction becomes ON for
 * `fraction x window` at the start of each window, OFF for the rest. Pure; stepped by `tick(nowMs)`.
 *
 * The fraction is latched at each window start so the SSR switches at most twice per window; a
 * *lower* fraction takes effect at once (turning heat off is never delayed), a higher one waits for
 * the next window.
 */

/** Options of {@link TimeProportioner}. */
export interface TimeProportionerOptions {
  /** Window length, ms. Default 1000; docs/devices.md §3 suggests 1000-2000. */
  windowMs?: number;
  /**
   * Shortest ON pulse, ms: shorter ones are dropped (an SSR zero-crosses at 10 ms per half-wave, so
   * shorter pulses do nothing useful). Default 20.
   */
  minPulseMs?: number;
}

export class TimeProportioner {
  readonly windowMs: number;
  private readonly minPulseMs: number;
  private windowStart: number | undefined;
  private latched = 0;

  constructor(options: TimeProportionerOptions = {}) {
    this.windowMs = options.windowMs ?? 1000;
    this.minPulseMs = options.minPulseMs ?? 20;
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${this.windowMs}`);
  }

  /**
   * Whether the SSR is ON at `nowMs` for output `fraction` (clamped to 0..1; NaN counts as 0).
   * @param nowMs control-loop time, ms (monotonic)
   */
  tick(fraction: number, nowMs: number): boolean {
    const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    if (this.windowStart === undefined || nowMs < this.windowStart) {
      this.windowStart = nowMs;
      this.latched = f;
    } else if (nowMs - this.windowStart >= this.windowMs) {
      // Advance by whole windows, so a late tick does not shift the phase for good.
      this.windowStart += Math.floor((nowMs - this.windowStart) / this.windowMs) * this.windowMs;
      this.latched = f;
    } else if (f < this.latched) {
      this.latched = f;
    }
    const start = this.windowStart;
    const onMs = this.latched * this.windowMs;
    if (onMs < this.minPulseMs) return false;
    if (this.windowMs - onMs < this.minPulseMs) return true;
    return nowMs - start < onMs;
  }

  /** Start a fresh window at the next tick (after off, or a setpoint change). */
  reset(): void {
    this.windowStart = undefined;
    this.latched = 0;
  }
}
