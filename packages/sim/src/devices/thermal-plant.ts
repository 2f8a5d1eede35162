import type { Clock, GpioLevel, GpioLine } from '@sdfl/hal';

/** What the plant needs of the GPIO: the SSR line's level and its edges. */
export interface SsrInput {
  level(line: GpioLine): GpioLevel;
  watch(line: GpioLine, cb: (value: GpioLevel) => void): () => void;
}

export interface ThermalPlantOptions {
  clock: Clock;
  /** GPIO whose `ssr` line switches the heater (the InMemoryGpio). */
  gpio: SsrInput;
  /** Room temperature, C. Default 22. */
  ambientC?: number;
  /** Plate temperature at start, C. Default: ambient. */
  initialC?: number;
  /** Steady-state rise above ambient at 100 % heater duty, C (the FOPDT gain). Default 250. */
  gainC?: number;
  /** First-order time constant, s. Default 180 ("minutes", the paper's aluminium plate [I]). */
  timeConstantS?: number;
  /** Dead time between SSR and plate temperature, s. Default 5 [I]. */
  deadTimeS?: number;
  /** Period of the state updates and change notifications, clock ms. Default 100. */
  stepMs?: number;
}

interface Segment {
  start: number;
  end: number;
  on: GpioLevel;
}

/**
 * Heater plate as a first-order-plus-dead-time plant (docs/devices.md §3):
 * tau dT/dt = -(T - T_amb) + K u(t - theta), u = 1 while the SSR GPIO is high.
 *
 * SSR edges are recorded at their exact clock time, so a time-proportioned SSR (1-2 s window,
 * docs/devices.md §3) heats by its true duty, and the temperature is integrated exactly (piecewise
 * exponential) across every delayed edge: the result does not depend on the step size.
 *
 * @example
 * const plant = new ThermalPlant({ clock, gpio });
 * plant.start();
 * await gpio.write('ssr', 1); // the plate starts warming after the dead time
 */
export class ThermalPlant {
  private readonly o: Required<Omit<ThermalPlantOptions, 'clock' | 'gpio' | 'initialC'>>;
  private tempC: number;
  private lastMs: number;
  private segments: Segment[];
  private broken = false;
  private stopTicks: (() => void) | null = null;
  private unwatch: (() => void) | null = null;
  private readonly listeners = new Set<(temperatureC: number) => void>();

  constructor(private readonly options: ThermalPlantOptions) {
    this.o = {
      ambientC: options.ambientC ?? 22,
      gainC: options.gainC ?? 250,
      timeConstantS: options.timeConstantS ?? 180,
      deadTimeS: options.deadTimeS ?? 5,
      stepMs: options.stepMs ?? 100,
    };
    this.tempC = options.initialC ?? this.o.ambientC;
    this.lastMs = options.clock.now();
    this.segments = [{ start: -Infinity, end: Infinity, on: 0 }];
  }

  /** Starts following the SSR line and stepping on the clock. */
  start(): void {
    if (this.stopTicks) return;
    this.advance();
    this.edge(this.options.gpio.level('ssr'));
    this.unwatch = this.options.gpio.watch('ssr', (v) => this.edge(v));
    this.stopTicks = this.options.clock.every(this.o.stepMs, () => {
      const t = this.temperatureC;
      for (const cb of [...this.listeners]) cb(t);
    });
  }

  stop(): void {
    this.stopTicks?.();
    this.unwatch?.();
    this.stopTicks = null;
    this.unwatch = null;
  }

  /** True plate temperature now, C. */
  get temperatureC(): number {
    this.advance();
    return this.tempC;
  }

  get ambientC(): number {
    return this.o.ambientC;
  }

  /** Room temperature changes (e.g. a draught), C. */
  setAmbient(c: number): void {
    this.advance();
    this.o.ambientC = c;
  }

  /** Fault hook: the heater element is open-circuit: the SSR switches nothing (tests "heater cannot heat"). */
  setHeaterBroken(on = true): void {
    this.advance();
    this.broken = on;
  }

  /** Calls `cb` with the temperature every step. */
  onChange(cb: (temperatureC: number) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  private edge(v: GpioLevel): void {
    this.advance();
    const now = this.options.clock.now();
    const last = this.segments.at(-1)!;
    if (last.on === v) return;
    last.end = now;
    this.segments.push({ start: now, end: Infinity, on: v });
  }

  /** Integrates from the last update to now, exactly, across every (delayed) SSR edge. */
  private advance(): void {
    const now = this.options.clock.now();
    const theta = this.o.deadTimeS * 1000;
    const tau = this.o.timeConstantS * 1000;
    let t = this.lastMs;
    for (const seg of this.segments) {
      if (t >= now) break;
      const until = Math.min(now, seg.end + theta);
      if (until <= t) continue;
      const u = seg.on === 1 && !this.broken ? 1 : 0;
      const steady = this.o.ambientC + this.o.gainC * u;
      this.tempC = steady + (this.tempC - steady) * Math.exp(-(until - t) / tau);
      t = until;
    }
    this.lastMs = Math.max(this.lastMs, now);
    // Edges whose delayed effect is over are history.
    while (this.segments.length > 1 && this.segments[0]!.end + theta <= this.lastMs) this.segments.shift();
  }
}
