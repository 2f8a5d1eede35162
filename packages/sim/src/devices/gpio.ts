import { SimDeviceError } from './device-error';

/**
 * The edge's four GPIO lines (DEVICES.md §4): outputs `ssr` (heater solid-state relay), `uvLed`
 * (300 nm PL excitation), `shutter` (absorption lamp shutter); input `estop` (e-stop / enclosure).
 */
export type GpioLine = 'ssr' | 'uvLed' | 'shutter' | 'estop';
export type GpioLevel = 0 | 1;

/** Lines the host may write; `estop` is an input. */
export const GPIO_OUTPUT_LINES = ['ssr', 'uvLed', 'shutter'] as const satisfies readonly GpioLine[];

/**
 * GPIO as the edge agent sees it. The edge implements it over `onoff` (sysfs) on the Pi; this
 * package implements it in memory, wired to the thermal plant and the spectrometers' light.
 */
export interface Gpio {
  /** Drives an output line. Rejects for the input line `estop`. */
  write(line: GpioLine, value: GpioLevel): Promise<void>;
  /** Current level of a line (outputs read back what was written). */
  read(line: GpioLine): Promise<GpioLevel>;
  /** Calls `cb` with the new level on every change of `line`; returns an unsubscribe function. */
  watch(line: GpioLine, cb: (value: GpioLevel) => void): () => void;
  /** Releases the lines; later calls reject. */
  close(): Promise<void>;
}

/** Light state as the spectrometer emulators need it (read synchronously at each acquisition). */
export interface LightState {
  /** True when the absorption lamp's shutter lets light through the sample. */
  isShutterOpen(): boolean;
  /** True when the 300 nm PL LED is on. */
  isUvLedOn(): boolean;
}

export interface InMemoryGpioOptions {
  /**
   * Level of `shutter` that opens it. Default 1. Shutter polarity is a config value (DEVICES.md §4),
   * so the emulator lets tests pick either wiring.
   */
  shutterOpenLevel?: GpioLevel;
}

/**
 * In-memory GPIO: every line starts at 0 — pull-downs keep SSR, LED and shutter OFF while the Pi
 * boots (DEVICES.md §4) — and watchers are called synchronously on each change, so consumers
 * (the thermal plant) see edges at the exact clock time of the write.
 *
 * @example
 * const gpio = new InMemoryGpio({ shutterOpenLevel: 0 });
 * gpio.watch('estop', (v) => v === 1 && enterSafe());
 * gpio.pressEstop();
 */
export class InMemoryGpio implements Gpio, LightState {
  private readonly levels: Record<GpioLine, GpioLevel> = { ssr: 0, uvLed: 0, shutter: 0, estop: 0 };
  private readonly watchers = new Map<GpioLine, Set<(value: GpioLevel) => void>>();
  private closed = false;
  readonly shutterOpenLevel: GpioLevel;

  constructor(options: InMemoryGpioOptions = {}) {
    this.shutterOpenLevel = options.shutterOpenLevel ?? 1;
  }

  async write(line: GpioLine, value: GpioLevel): Promise<void> {
    this.assertOpen();
    if (line === 'estop') throw new SimDeviceError('INPUT_LINE', 'estop is an input line; it cannot be written');
    this.set(line, value);
  }

  async read(line: GpioLine): Promise<GpioLevel> {
    this.assertOpen();
    return this.levels[line];
  }

  watch(line: GpioLine, cb: (value: GpioLevel) => void): () => void {
    this.assertOpen();
    let set = this.watchers.get(line);
    if (!set) this.watchers.set(line, (set = new Set()));
    set.add(cb);
    return () => void set.delete(cb);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchers.clear();
  }

  /** Synchronous level, for emulators and tests (the hardware side of the pin). */
  level(line: GpioLine): GpioLevel {
    return this.levels[line];
  }

  isShutterOpen(): boolean {
    return this.levels.shutter === this.shutterOpenLevel;
  }

  isUvLedOn(): boolean {
    return this.levels.uvLed === 1;
  }

  /** True while the SSR drives the heater. */
  isSsrOn(): boolean {
    return this.levels.ssr === 1;
  }

  /** Test hook: the e-stop input reads 1 while pressed; watchers see the edge. */
  pressEstop(): void {
    this.set('estop', 1);
  }

  /** Test hook: releases the e-stop (input back to 0). */
  releaseEstop(): void {
    this.set('estop', 0);
  }

  private set(line: GpioLine, value: GpioLevel): void {
    if (value !== 0 && value !== 1) throw new TypeError(`GPIO level must be 0 or 1, got ${String(value)}`);
    if (this.levels[line] === value) return;
    this.levels[line] = value;
    for (const cb of [...(this.watchers.get(line) ?? [])]) cb(value);
  }

  private assertOpen(): void {
    if (this.closed) throw new SimDeviceError('CLOSED', 'GPIO is closed');
  }
}
