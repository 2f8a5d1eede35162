import { type Gpio, type GpioLevel, type GpioLine, isGpioLevel } from '@sdfl/hal';
import { SimDeviceError } from './device-error';

/** Light state as the spectrometer emulators need it (read synchronously at each acquisition). */
export interface LightState {
  /** True when the absorption lamp's shutter lets light through the sample. */
  isShutterOpen(): boolean;
  /** True when the 300 nm PL LED is on. */
  isUvLedOn(): boolean;
}

export interface InMemoryGpioOptions {
  /**
   * Level of `shutter` that opens it. Default 1. Shutter polarity is a config value (docs/devices.md §4),
   * so the emulator lets tests pick either wiring.
   */
  shutterOpenLevel?: GpioLevel;
}

/**
 * In-memory GPIO: every line starts at 0 — pull-downs keep SSR, LED and shutter OFF while the Pi
 * boots (docs/devices.md §4) — and watchers are called synchronously on each change, so consumers
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
    if (!isGpioLevel(value)) throw new TypeError(`GPIO level must be 0 or 1, got ${String(value)}`);
    if (this.levels[line] === value) return;
    this.levels[line] = value;
    for (const cb of [...(this.watchers.get(line) ?? [])]) cb(value);
  }

  private assertOpen(): void {
    if (this.closed) throw new SimDeviceError('CLOSED', 'GPIO is closed');
  }
}
