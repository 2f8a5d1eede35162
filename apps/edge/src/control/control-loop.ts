import { performance } from 'node:perf_hooks';
import type { PumpId } from '@sdfl/chemistry';
import type { Clock } from '@sdfl/hal';
import type { Gpio, GpioLevel } from '../devices/gpio';
import { type ControlInputs, type InterlockMonitor, type InterlockName, type PumpObservation, type Trip } from './interlocks';
import { JitterRecorder, type JitterStats } from './jitter';

/** One heater step: read the thermocouple, run the PID, drive the SSR. */
export interface HeaterTick {
  temperatureC: number | null;
  fault: string | null;
  /** When the reading was taken, clock ms. */
  atMs: number;
  /** Output decided this tick, 0..1. */
  output: number;
}

/** The heater as the loop drives it; `tick` is its only clock (no timers of its own). */
export interface LoopHeater {
  readonly setpointC: number | null;
  setSetpoint(c: number): Promise<void>;
  tick(nowMs: number): Promise<HeaterTick>;
  /** SSR off, setpoint cleared. */
  off(): Promise<void>;
}

export interface ControlLoopOptions {
  clock: Clock;
  periodMs: number;
  heater: LoopHeater;
  gpio: Gpio;
  shutterOpenLevel: GpioLevel;
  estopActiveLevel: GpioLevel;
  monitor: InterlockMonitor;
  /** Stops every pump; called on SAFE. Must not throw for a dead link (the rest of SAFE goes on). */
  stopAllPumps: () => Promise<void>;
  /** Reported once per interlock per latch, after the outputs are safe. */
  onTrip: (trip: Trip & { latencyMs: number }) => void;
  /**
   * Runs the tick every period and reports how late each one started, ms. Default: the clock's
   * `every` (virtual time in the sim). The worker passes `runAtFixedRate` (hrtime deadlines).
   */
  schedule?: (periodMs: number, tick: (latenessMs: number) => void) => () => void;
}

/** The control loop as the agent uses it, in this thread (ControlLoop) or its own (ControlWorker). */
export interface ControlPort {
  readonly isSafe: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ControlStatus;
  setSetpoint(c: number): Promise<void>;
  observePump(id: PumpId, observation: PumpObservation): void;
  setContents(contentsUl: Partial<Record<PumpId, number>>): void;
  raise(interlock: InterlockName, detail: string): Promise<void>;
  clearSafe(): Promise<{ cleared: boolean; active: string[] }>;
  latch(reason: 'abort'): Promise<void>;
}

/** What the loop last saw and did, for telemetry. */
export interface ControlStatus {
  safe: boolean;
  safeReasons: (InterlockName | 'boot' | 'abort')[];
  temperatureC: number | null;
  setpointC: number | null;
  heaterOutput: number;
  jitter: JitterStats;
}

/**
 * The fixed-period control loop (docs/architecture.md §7): every period it runs
 * the heater, checks every interlock, and on a trip drives every output to SAFE — pumps stopped,
 * heater off, UV LED off, shutter closed — then reports. SAFE is latched until `clearSafe()`.
 * Boot enters SAFE first (`start()`), so nothing pumps until someone clears it.
 */
export class ControlLoop implements ControlPort {
  private readonly jitter = new JitterRecorder();
  private readonly pumps: Partial<Record<PumpId, PumpObservation>> = {};
  private contentsUl: Partial<Record<PumpId, number>> = {};
  private last: HeaterTick | null = null;
  private latched = new Set<InterlockName | 'boot' | 'abort'>();
  private running: Promise<void> | null = null;
  private stopTimer: (() => void) | null = null;
  private unwatchEstop: (() => void) | null = null;
  private nextDeadline = 0;
  private estop = false;

  constructor(private readonly o: ControlLoopOptions) {}

  get isSafe(): boolean {
    return this.latched.size > 0;
  }

  /** Enters SAFE (reason 'boot') and starts ticking. */
  async start(): Promise<void> {
    this.estop = (await this.o.gpio.read('estop')) === this.o.estopActiveLevel;
    // React to the e-stop edge immediately instead of waiting for the next tick.
    this.unwatchEstop = this.o.gpio.watch('estop', (level) => {
      this.estop = level === this.o.estopActiveLevel;
      if (this.estop) void this.trip([{ interlock: 'estop', detail: 'e-stop input active', detectedAtMs: this.o.clock.now() }]);
    });
    this.latched.add('boot');
    await this.driveSafe();
    this.nextDeadline = this.o.clock.now() + this.o.periodMs;
    const schedule = this.o.schedule ?? ((periodMs, tick) => this.o.clock.every(periodMs, () => tick(this.lateness())));
    this.stopTimer = schedule(this.o.periodMs, (latenessMs) => {
      this.jitter.record(latenessMs);
      // A tick still running (slow I/O) makes this one late rather than concurrent.
      this.running ??= this.tick().finally(() => (this.running = null));
    });
  }

  async stop(): Promise<void> {
    this.stopTimer?.();
    this.unwatchEstop?.();
    await this.running;
    await this.driveSafe();
  }

  /** New heater setpoint, C (the heater checks its limits). */
  async setSetpoint(c: number): Promise<void> {
    await this.o.heater.setSetpoint(c);
  }

  /** Latest pump poll (from the pump poller). */
  observePump(id: PumpId, observation: PumpObservation): void {
    this.pumps[id] = observation;
  }

  /** Tracked syringe contents, uL. */
  setContents(contentsUl: Partial<Record<PumpId, number>>): void {
    this.contentsUl = { ...contentsUl };
  }

  /** Trip raised outside the loop (spectrometer timeout, pump link loss seen by a driver). */
  async raise(interlock: InterlockName, detail: string): Promise<void> {
    await this.trip([{ interlock, detail, detectedAtMs: this.o.clock.now() }]);
  }

  /** Latches SAFE for a reason that is not an interlock (abort command) and drives the outputs safe. */
  async latch(reason: 'abort'): Promise<void> {
    this.latched.add(reason);
    await this.driveSafe();
  }

  /**
   * Clears the latched SAFE state. Refused (returns the reasons) while a trip condition is still
   * present, e.g. the e-stop is still pressed or the thermocouple still open.
   */
  async clearSafe(): Promise<{ cleared: boolean; active: string[] }> {
    const inputs = await this.sample();
    const active = this.o.monitor.check({ ...inputs, setpointC: null }).map((t) => `${t.interlock}: ${t.detail}`);
    if (active.length > 0) return { cleared: false, active };
    this.o.monitor.resetHeater();
    this.latched.clear();
    return { cleared: true, active: [] };
  }

  status(): ControlStatus {
    return {
      safe: this.isSafe,
      safeReasons: [...this.latched],
      temperatureC: this.last?.temperatureC ?? null,
      setpointC: this.o.heater.setpointC,
      heaterOutput: this.last?.output ?? 0,
      jitter: this.jitter.stats(),
    };
  }

  private async sample(): Promise<ControlInputs> {
    const now = this.o.clock.now();
    this.last = await this.o.heater.tick(now);
    const t = this.last;
    return {
      nowMs: now,
      temperature: { valueC: t.temperatureC, fault: t.fault, atMs: t.atMs },
      setpointC: this.o.heater.setpointC,
      heaterOutput: t.output,
      pumps: this.pumps,
      contentsUl: this.contentsUl,
      estop: this.estop,
    };
  }

  /** How late this tick is against the absolute deadline grid, clock ms. */
  private lateness(): number {
    const now = this.o.clock.now();
    const late = now - this.nextDeadline;
    this.nextDeadline = Math.max(this.nextDeadline + this.o.periodMs, now);
    return late;
  }

  private async tick(): Promise<void> {
    const now = this.o.clock.now();
    try {
      const trips = this.o.monitor.check(await this.sample());
      if (trips.length > 0) await this.trip(trips);
    } catch (error) {
      await this.trip([{ interlock: 'watchdog', detail: `control tick failed: ${(error as Error).message}`, detectedAtMs: now }]);
    }
  }

  private async trip(trips: Trip[]): Promise<void> {
    const fresh = trips.filter((t) => !this.latched.has(t.interlock));
    if (fresh.length === 0 && this.isSafe) return;
    const detectedAt = performance.now();
    for (const t of fresh) this.latched.add(t.interlock);
    const { commanded, confirmed } = this.commandSafe();
    await commanded;
    // Latency to SAFE commanded: GPIO at safe levels, heater off, and every pump's stop written to
    // its line (urgent, ahead of queued polls). The pumps' replies follow within their latency.
    const latencyMs = performance.now() - detectedAt;
    for (const t of fresh) this.o.onTrip({ ...t, latencyMs });
    await confirmed;
  }

  /** Every output to SAFE; each step runs even when another fails. */
  private async driveSafe(): Promise<void> {
    const { commanded, confirmed } = this.commandSafe();
    await commanded;
    await confirmed;
  }

  /**
   * Starts every SAFE action at once. `commanded` resolves when the outputs are driven and the pump
   * stops are on the wire (the stop requests are issued synchronously); `confirmed` when the pumps replied.
   */
  private commandSafe(): { commanded: Promise<unknown>; confirmed: Promise<unknown> } {
    const closed: GpioLevel = this.o.shutterOpenLevel === 1 ? 0 : 1;
    const confirmed = Promise.allSettled([this.o.stopAllPumps()]);
    const commanded = Promise.allSettled([this.o.heater.off(), this.o.gpio.write('uvLed', 0), this.o.gpio.write('shutter', closed)]);
    return { commanded, confirmed };
  }
}
