import type { Clock } from '@sdfl/hal';

/** Chemyx `status` codes (docs/devices.md §1 [V]): 0 stopped, 1 running, 2 paused, 3 delayed, 4 stalled. */
export type PumpStatus = 0 | 1 | 2 | 3 | 4;

/** What the pump accepts for the mounted syringe; all derived from the inner diameter. */
export interface SyringeLimits {
  minVolumeUl: number;
  maxVolumeUl: number;
  minRateUlMin: number;
  maxRateUlMin: number;
}

/** Observable state of one pump (for tests and the simulated platform). */
export interface SyringeDriveState {
  status: PumpStatus;
  /** Rate actually delivered now, uL/min: + infuses, - withdraws, 0 unless status is running. */
  rateUlMin: number;
  /** Volume moved since the run started, uL (absolute; reset by a start from stopped). */
  dispensedUl: number;
  /** Run time since start (running or delayed, not paused), ms. */
  elapsedMs: number;
  /** Liquid left in the syringe, uL. Decreases while infusing. */
  contentsUl: number;
  /** Index of the running step of a multi-step run. */
  stepIndex: number;
}

export interface SyringeDriveOptions {
  /** Inner diameter of the mounted syringe, mm. Default 28.6 (50 mL gas-tight, packages/chemistry). */
  diameterMm?: number;
  /** Syringe capacity, uL. Default 50 000. */
  capacityUl?: number;
  /** Liquid in the syringe at power-on, uL. Default: full (= capacityUl). */
  contentsUl?: number;
  /** Fastest plunger speed, mm/min. Default 60 [I]. */
  maxSpeedMmMin?: number;
  /** Slowest plunger speed, mm/min. Default 0.0001 [I]. */
  minSpeedMmMin?: number;
  /** Longest plunger travel of one run, mm. Default 130 [I]. */
  maxTravelMm?: number;
  /** Shortest plunger travel of one run, mm. Default 0.001 [I]. */
  minTravelMm?: number;
  /** Accepted syringe diameters, mm. Default [0.1, 60] [I]. */
  diameterRangeMm?: [number, number];
}

const EPS_UL = 1e-9;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * The mechanics of a Chemyx Fusion pump, in uL and uL/min, on the injected Clock: the plunger
 * moves at the programmed rate while running, a run is one or more (volume, rate) steps each
 * preceded by the programmed delay, and the run ends by itself after the last step's volume
 * (docs/devices.md §1 "Emulator behaviour"). An empty (or, withdrawing, full) syringe stalls the
 * plunger: status 4, the pump's only sign of it. The wire protocol lives in chemyx-pump.ts.
 */
export class SyringeDrive {
  readonly capacityUl: number;
  private readonly o: Required<Omit<SyringeDriveOptions, 'contentsUl' | 'capacityUl'>>;
  private diameter: number;
  private volumes: number[] = [1000];
  private rates: number[] = [100];
  private delayMs = 0;
  private status: PumpStatus = 0;
  private resumeStatus: PumpStatus = 1;
  private stepIndex = 0;
  private stepDoneUl = 0;
  private dispensedUl = 0;
  private elapsedMs = 0;
  private delayLeftMs = 0;
  private contentsUl: number;
  private lastMs: number;
  private stallFault = false;
  private timer: AbortController | null = null;
  private notified = '0:0';
  private readonly listeners = new Set<(s: SyringeDriveState) => void>();

  constructor(
    private readonly clock: Clock,
    options: SyringeDriveOptions = {},
  ) {
    this.o = {
      diameterMm: options.diameterMm ?? 28.6,
      maxSpeedMmMin: options.maxSpeedMmMin ?? 60,
      minSpeedMmMin: options.minSpeedMmMin ?? 1e-4,
      maxTravelMm: options.maxTravelMm ?? 130,
      minTravelMm: options.minTravelMm ?? 1e-3,
      diameterRangeMm: options.diameterRangeMm ?? [0.1, 60],
    };
    this.diameter = this.o.diameterMm;
    this.capacityUl = options.capacityUl ?? 50_000;
    this.contentsUl = options.contentsUl ?? this.capacityUl;
    this.lastMs = clock.now();
  }

  /** Limits for the current diameter: plunger area (mm^2 = uL/mm) x travel and speed ranges. */
  limits(): SyringeLimits {
    const area = (Math.PI * this.diameter ** 2) / 4;
    return {
      minVolumeUl: area * this.o.minTravelMm,
      maxVolumeUl: area * this.o.maxTravelMm,
      minRateUlMin: area * this.o.minSpeedMmMin,
      maxRateUlMin: area * this.o.maxSpeedMmMin,
    };
  }

  /** The programmed settings (uL, uL/min, min). */
  settings(): { diameterMm: number; volumesUl: readonly number[]; ratesUlMin: readonly number[]; delayMin: number } {
    return { diameterMm: this.diameter, volumesUl: this.volumes, ratesUlMin: this.rates, delayMin: this.delayMs / 60_000 };
  }

  /** Sets the diameter (clamped, 3 decimals like the pump's display) and re-clamps volumes and rates. */
  setDiameter(mm: number): number {
    const [lo, hi] = this.o.diameterRangeMm;
    return this.update(() => {
      this.diameter = Math.round(clamp(mm, lo, hi) * 1000) / 1000;
      this.volumes = this.volumes.map((v) => this.clampVolume(v));
      this.rates = this.rates.map((r) => this.clampRate(r));
      return this.diameter;
    });
  }

  /** Sets the step volumes, uL (negative withdraws); each clamped to the limits, sign kept. */
  setVolumes(ul: readonly number[]): number[] {
    return this.update(() => (this.volumes = ul.map((v) => this.clampVolume(v))));
  }

  /** Sets the step rates, uL/min (magnitude; direction comes from the volume's sign), clamped. */
  setRates(ulMin: readonly number[]): number[] {
    return this.update(() => (this.rates = ulMin.map((r) => this.clampRate(r))));
  }

  /** Sets the delay before each step, min (clamped to >= 0). */
  setDelay(min: number): number {
    this.delayMs = Math.max(0, min) * 60_000;
    return this.delayMs / 60_000;
  }

  /** Sets each step's duration, min, by deriving its rate from its volume [I]; returns step 1's resulting time. */
  setTime(min: number): number {
    const t = Math.max(min, 1e-6);
    return this.update(() => {
      this.rates = this.volumes.map((v) => this.clampRate(Math.abs(v) / t));
      return this.stepTimeMin();
    });
  }

  /** Duration of the first step at its rate, min. */
  stepTimeMin(): number {
    return Math.abs(this.volumes[0] ?? 0) / (this.rates[0] ?? 1);
  }

  /** `start`: resumes a paused run; from stopped or stalled starts a new run (dispensed and elapsed reset). */
  start(): void {
    this.update(() => {
      if (this.status === 2) {
        this.status = this.resumeStatus;
      } else if (this.status === 0 || this.status === 4) {
        this.stepIndex = 0;
        this.stepDoneUl = 0;
        this.dispensedUl = 0;
        this.elapsedMs = 0;
        this.delayLeftMs = this.delayMs;
        this.status = this.stallFault ? 4 : this.delayMs > 0 ? 3 : 1;
      }
    });
  }

  /** `pause`: holds a running or delayed run; `start` resumes it. */
  pause(): void {
    this.update(() => {
      if (this.status === 1 || this.status === 3) {
        this.resumeStatus = this.status;
        this.status = 2;
      }
    });
  }

  /** `stop`: ends the run (not resumable). */
  stop(): void {
    this.update(() => (this.status = 0));
  }

  /** Fault hook: the motor stalls now (status 4, plunger still) and on every start until cleared. */
  injectStall(): void {
    this.update(() => {
      this.stallFault = true;
      if (this.status === 1 || this.status === 3) this.status = 4;
    });
  }

  /** Clears the stall fault; the next `start` runs normally. */
  clearStall(): void {
    this.stallFault = false;
  }

  /** Test hook: an operator refilled (or swapped) the syringe, uL. */
  setContents(ul: number): void {
    this.update(() => (this.contentsUl = clamp(ul, 0, this.capacityUl)));
  }

  /** State at the clock's now. */
  state(): SyringeDriveState {
    this.advance();
    const step = this.currentStep();
    const running = this.status === 1 && step !== undefined;
    return {
      status: this.status,
      rateUlMin: running ? Math.sign(step.volumeUl) * step.rateUlMin : 0,
      dispensedUl: this.dispensedUl,
      elapsedMs: this.elapsedMs,
      contentsUl: this.contentsUl,
      stepIndex: this.stepIndex,
    };
  }

  /** Calls `cb` when the status or the running rate changes (commands, step ends, stalls). */
  onChange(cb: (s: SyringeDriveState) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** Cancels the pending step-end timer (the run state stays; state() still integrates lazily). */
  dispose(): void {
    this.timer?.abort();
    this.timer = null;
    this.listeners.clear();
  }

  /** Integrates up to now, applies `mutate`, then notifies and re-arms the timer. */
  private update<T>(mutate: () => T): T {
    this.advance();
    const result = mutate();
    this.changed();
    return result;
  }

  private currentStep(): { volumeUl: number; rateUlMin: number } | undefined {
    const volumeUl = this.volumes[this.stepIndex];
    if (volumeUl === undefined) return undefined;
    // A rate list shorter than the volume list repeats its last rate [I].
    return { volumeUl, rateUlMin: this.rates[this.stepIndex] ?? this.rates.at(-1) ?? 0 };
  }

  /** Integrates the plunger motion from the last update to now, piecewise across step ends. */
  private advance(): void {
    const now = this.clock.now();
    let dt = Math.max(0, now - this.lastMs);
    this.lastMs = now;
    while (dt > 0 && (this.status === 1 || this.status === 3)) {
      if (this.status === 3) {
        const use = Math.min(dt, this.delayLeftMs);
        this.delayLeftMs -= use;
        this.elapsedMs += use;
        dt -= use;
        if (this.delayLeftMs <= 0) this.status = 1;
        continue;
      }
      const step = this.currentStep();
      if (!step) {
        this.status = 0;
        break;
      }
      const perMs = step.rateUlMin / 60_000;
      const infuse = step.volumeUl > 0;
      const remaining = Math.abs(step.volumeUl) - this.stepDoneUl;
      if (remaining <= EPS_UL) {
        // The volume was lowered below what this step already moved.
        this.nextStep();
        continue;
      }
      const room = infuse ? this.contentsUl : this.capacityUl - this.contentsUl;
      const use = Math.min(dt, remaining / perMs, room / perMs);
      const moved = use * perMs;
      this.stepDoneUl += moved;
      this.dispensedUl += moved;
      this.contentsUl = clamp(this.contentsUl + (infuse ? -moved : moved), 0, this.capacityUl);
      this.elapsedMs += use;
      dt -= use;
      if (remaining - moved <= EPS_UL) this.nextStep();
      else if (room - moved <= EPS_UL) this.status = 4; // plunger at the end of the syringe
    }
  }

  private nextStep(): void {
    this.stepIndex += 1;
    this.stepDoneUl = 0;
    if (this.stepIndex >= this.volumes.length) {
      this.status = 0;
    } else {
      this.delayLeftMs = this.delayMs;
      this.status = this.delayMs > 0 ? 3 : 1;
    }
  }

  /** Notifies listeners and re-arms the timer for the next self-driven change (step end, delay end, empty). */
  private changed(): void {
    this.timer?.abort();
    this.timer = null;
    const s = this.state();
    const key = `${s.status}:${s.rateUlMin}`;
    if (key !== this.notified) {
      this.notified = key;
      for (const cb of [...this.listeners]) cb(s);
    }
    const wait = this.msToNextEvent();
    if (wait === null) return;
    const timer = new AbortController();
    this.timer = timer;
    this.clock.sleep(Math.max(1, wait), timer.signal).then(
      () => this.timer === timer && this.changed(),
      () => undefined,
    );
  }

  private msToNextEvent(): number | null {
    if (this.status === 3) return this.delayLeftMs;
    const step = this.currentStep();
    if (this.status !== 1 || !step) return null;
    const perMs = step.rateUlMin / 60_000;
    const room = step.volumeUl > 0 ? this.contentsUl : this.capacityUl - this.contentsUl;
    return Math.max(0, Math.min(Math.abs(step.volumeUl) - this.stepDoneUl, room)) / perMs;
  }

  private clampVolume(v: number): number {
    const { minVolumeUl, maxVolumeUl } = this.limits();
    return (v < 0 ? -1 : 1) * clamp(Math.abs(v), minVolumeUl, maxVolumeUl);
  }

  private clampRate(r: number): number {
    const { minRateUlMin, maxRateUlMin } = this.limits();
    return clamp(Math.abs(r), minRateUlMin, maxRateUlMin);
  }
}
