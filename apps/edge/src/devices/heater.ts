/**
 * Heater interface and the default software implementation (docs/devices.md §3 "Software PID"):
 * thermocouple -> PID -> time-proportioned SSR on a GPIO line. It has no timers of its own: the
 * control loop calls `tick(nowMs)` at 1-10 Hz (docs/devices.md §5), which reads, computes and switches.
 */
import { DeviceLimitError } from './errors';
import type { Gpio, GpioLine } from './gpio';
import type { ThermocoupleReader } from './max31855';
import { Pid, type PidOptions } from './pid';
import { TimeProportioner } from './time-proportioning';

/** A heater reading (`read()` lab verb): value + timestamp + units in the names. */
export interface HeaterReading {
  /** Plate temperature, C; null on a sensor fault or before the first reading. */
  temperatureC: number | null;
  /** Active setpoint, C; null when off. */
  setpointC: number | null;
  /** Heater output, 0..1 (duty of the SSR, or the controller's power / 100). */
  output: number;
  /** Sensor or controller fault, null when healthy. */
  fault: string | null;
  /** Time of the reading, ms. */
  at: number;
}

/** What the control loop's heater step returns (matches control/ `HeaterTick`). */
export interface HeaterTick {
  temperatureC: number | null;
  fault: string | null;
  /** When the reading was taken, ms. */
  atMs: number;
  /** Output decided this tick, 0..1. */
  output: number;
}

/**
 * A heater. `setSetpoint` resolves once the new setpoint is in force (not when the plate reaches
 * it: settling takes minutes and is judged by the runner); `off` drops the output at once.
 */
export interface Heater {
  readonly setpointC: number | null;
  setSetpoint(c: number): Promise<void>;
  read(): Promise<HeaterReading>;
  /** One control step at `nowMs` (read, decide, actuate). */
  tick(nowMs: number): Promise<HeaterTick>;
  off(): Promise<void>;
  describe(): Record<string, unknown>;
}

/** Options of {@link SoftwareHeater}. */
export interface SoftwareHeaterOptions {
  /** Name in errors. Default 'heater'. */
  name?: string;
  reader: ThermocoupleReader;
  gpio: Gpio;
  /** GPIO line of the SSR (ON = level 1). Default 'ssr'. */
  line?: GpioLine;
  /**
   * PID gains and options (output 0..1). `derivativeFilterS` defaults to 5 s here: the MAX31855
   * reads in 0.25 C steps (docs/devices.md §3), so at 10 Hz one step is a 2.5 C/s "slope" that would
   * make an unfiltered derivative term chatter the SSR.
   */
  pid: PidOptions;
  /** Time-proportioning window, ms. Default 1000 (docs/devices.md §3: 1-2 s). */
  windowMs?: number;
  /** Highest accepted setpoint, C. Default 200 (above the 170 C condition-space ceiling [I]). */
  maxSetpointC?: number;
  /** Lowest accepted setpoint, C. Default 0. */
  minSetpointC?: number;
}

/** Thermocouple + PID + SSR heater. */
export class SoftwareHeater implements Heater {
  readonly name: string;
  private readonly pid: Pid;
  private readonly tp: TimeProportioner;
  private readonly line: GpioLine;
  private sp: number | null = null;
  private ssrOn: boolean | undefined;
  private last: HeaterTick | undefined;

  constructor(private readonly o: SoftwareHeaterOptions) {
    this.name = o.name ?? 'heater';
    this.pid = new Pid({ derivativeFilterS: 5, ...o.pid, outMin: 0, outMax: 1 });
    this.tp = new TimeProportioner({ windowMs: o.windowMs ?? 1000 });
    this.line = o.line ?? 'ssr';
  }

  get setpointC(): number | null {
    return this.sp;
  }

  /** Set the target, C; outside min..max -> LIMIT. Takes effect at the next tick (bumpless, see pid.ts). */
  async setSetpoint(c: number): Promise<void> {
    const lo = this.o.minSetpointC ?? 0;
    const hi = this.o.maxSetpointC ?? 200;
    if (!Number.isFinite(c) || c < lo || c > hi) throw new DeviceLimitError(this.name, `setpoint ${c} C outside ${lo}..${hi} C`, c);
    if (this.sp === null) {
      // From off: start the PID fresh so old history cannot kick the output.
      this.pid.reset();
      this.tp.reset();
    }
    this.sp = c;
  }

  /**
   * One control step: read the thermocouple, run the PID, switch the SSR. A sensor fault or no
   * setpoint forces the SSR off (the interlocks decide about SAFE; the heater never heats blind).
   */
  async tick(nowMs: number): Promise<HeaterTick> {
    const r = await this.o.reader.read();
    let output = 0;
    if (this.sp !== null && r.fault === null && r.temperatureC !== null) {
      output = this.pid.update(this.sp, r.temperatureC, nowMs);
    }
    await this.drive(this.tp.tick(output, nowMs));
    this.last = { temperatureC: r.temperatureC, fault: r.fault, atMs: r.at, output };
    return this.last;
  }

  /** Last tick's values; before the first tick, a fresh thermocouple reading (output 0). */
  async read(): Promise<HeaterReading> {
    if (this.last) return { temperatureC: this.last.temperatureC, setpointC: this.sp, output: this.last.output, fault: this.last.fault, at: this.last.atMs };
    const r = await this.o.reader.read();
    return { temperatureC: r.temperatureC, setpointC: this.sp, output: 0, fault: r.fault, at: r.at };
  }

  /** Setpoint cleared, SSR off now (not at the next tick). */
  async off(): Promise<void> {
    this.sp = null;
    this.pid.reset();
    this.tp.reset();
    if (this.last) this.last = { ...this.last, output: 0 };
    await this.drive(false, true);
  }

  describe(): { kind: 'software-pid'; name: string; line: GpioLine; windowMs: number; setpointC: number | null; pid: PidOptions; lastFault: string | null } {
    return { kind: 'software-pid', name: this.name, line: this.line, windowMs: this.tp.windowMs, setpointC: this.sp, pid: this.o.pid, lastFault: this.last?.fault ?? null };
  }

  /** Write the SSR only on change (each sysfs write is a syscall), or when forced. */
  private async drive(on: boolean, force = false): Promise<void> {
    if (!force && on === this.ssrOn) return;
    await this.o.gpio.write(this.line, on ? 1 : 0);
    this.ssrOn = on;
  }
}
