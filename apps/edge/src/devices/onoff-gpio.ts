/**
 * {@link Gpio} over `onoff` (sysfs) on a Raspberry Pi (docs/devices.md §4). `onoff` is an optional
 * dependency loaded lazily, so machines that are not Pis never need it; the sysfs base offset is
 * resolved from the gpiochip labels (gpio-sysfs.ts). Levels are levels at the pin (no activeLow),
 * like the sim's InMemoryGpio; shutter polarity comes from config.
 */
import { DeviceDisconnectedError, DeviceLimitError } from './errors';
import { type Gpio, type GpioLevel, type GpioLine, type GpioPinMap, type GpioPolarity, GPIO_OUTPUT_LINES, offLevel } from './gpio';
import { resolveGpioChip, sysfsNumber, type GpioSysfsOptions } from './gpio-sysfs';

/** The part of an onoff `Gpio` pin this module uses. */
export interface OnoffPin {
  read(): Promise<GpioLevel>;
  write(value: GpioLevel): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: GpioLevel) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

/** The part of the `onoff` module this module uses. */
export interface OnoffModule {
  Gpio: {
    new (gpio: number, direction: 'in' | 'out' | 'high' | 'low', edge?: 'none' | 'rising' | 'falling' | 'both', options?: { debounceTimeout?: number }): OnoffPin;
    readonly accessible: boolean;
  };
}

/** Options of {@link OnoffGpio.open}. */
export interface OnoffGpioOptions extends GpioSysfsOptions, GpioPolarity {
  /** BCM line numbers (config `devices.gpio.pins`). */
  pins: GpioPinMap;
  /** E-stop input debounce, ms. Default 10. */
  estopDebounceMs?: number;
  /** Loads onoff. Default: `import('onoff')`. Tests pass a fake. */
  loadOnoff?: () => Promise<OnoffModule>;
}

async function defaultLoadOnoff(): Promise<OnoffModule> {
  try {
    const mod = (await import('onoff')) as unknown as Partial<OnoffModule> & { default?: Partial<OnoffModule> };
    const Gpio = mod.Gpio ?? mod.default?.Gpio;
    if (!Gpio) throw new Error('onoff exports no Gpio');
    return { Gpio };
  } catch (err) {
    throw new DeviceDisconnectedError('gpio', 'the optional dependency onoff is not installed or does not load', { cause: err });
  }
}

/** onoff-backed GPIO. Create with {@link OnoffGpio.open}. */
export class OnoffGpio implements Gpio {
  private readonly watchers = new Map<GpioLine, Set<(v: GpioLevel) => void>>();
  private readonly levels = new Map<GpioLine, GpioLevel>();
  private closed = false;

  private constructor(
    private readonly pins: Record<GpioLine, OnoffPin>,
    private readonly polarity: GpioPolarity,
  ) {
    for (const line of GPIO_OUTPUT_LINES) this.levels.set(line, offLevel(line, polarity));
    pins.estop.watch((err, value) => {
      if (err || this.closed) return;
      this.notify('estop', value);
    });
  }

  /**
   * Resolve the chip base, load onoff, export the four lines. Outputs start OFF (SSR and LED low,
   * shutter closed): the direction `low`/`high` sets the initial level in the same sysfs write, so
   * an output never glitches ON (docs/devices.md §4, §6).
   * @throws DeviceDisconnectedError without a Pi GPIO chip, without onoff, or when sysfs is not accessible.
   */
  static async open(options: OnoffGpioOptions): Promise<OnoffGpio> {
    const chip = await resolveGpioChip(options);
    const numbers = Object.fromEntries((Object.keys(options.pins) as GpioLine[]).map((l) => [l, sysfsNumber(chip, options.pins[l])])) as Record<GpioLine, number>;
    const onoff = await (options.loadOnoff ?? defaultLoadOnoff)();
    if (!onoff.Gpio.accessible) throw new DeviceDisconnectedError('gpio', 'sysfs GPIO is not accessible on this machine');
    const polarity: GpioPolarity = { shutterOpenLevel: options.shutterOpenLevel ?? 1 };
    const made: OnoffPin[] = [];
    try {
      const out = (line: Exclude<GpioLine, 'estop'>) => {
        const pin = new onoff.Gpio(numbers[line], offLevel(line, polarity) === 1 ? 'high' : 'low');
        made.push(pin);
        return pin;
      };
      const pins = { ssr: out('ssr'), uvLed: out('uvLed'), shutter: out('shutter') } as Record<GpioLine, OnoffPin>;
      pins.estop = new onoff.Gpio(numbers.estop, 'in', 'both', { debounceTimeout: options.estopDebounceMs ?? 10 });
      made.push(pins.estop);
      return new OnoffGpio(pins, polarity);
    } catch (err) {
      for (const p of made) p.unexport();
      throw new DeviceDisconnectedError('gpio', `cannot export GPIO lines (chip ${chip.chip}, base ${chip.base})`, { cause: err });
    }
  }

  async write(line: GpioLine, value: GpioLevel): Promise<void> {
    this.assertOpen();
    if (line === 'estop') throw new DeviceLimitError('gpio', 'estop is an input line; it cannot be written');
    if (value !== 0 && value !== 1) throw new DeviceLimitError('gpio', `GPIO level must be 0 or 1, got ${String(value)}`);
    try {
      await this.pins[line].write(value);
    } catch (err) {
      throw new DeviceDisconnectedError('gpio', `write ${line}=${value} failed`, { cause: err });
    }
    if (this.levels.get(line) !== value) {
      this.levels.set(line, value);
      this.notify(line, value);
    }
  }

  async read(line: GpioLine): Promise<GpioLevel> {
    this.assertOpen();
    try {
      return await this.pins[line].read();
    } catch (err) {
      throw new DeviceDisconnectedError('gpio', `read ${line} failed`, { cause: err });
    }
  }

  /** Input edges come from onoff's interrupt watch; output changes are reported on write. */
  watch(line: GpioLine, cb: (value: GpioLevel) => void): () => void {
    this.assertOpen();
    let set = this.watchers.get(line);
    if (!set) this.watchers.set(line, (set = new Set()));
    set.add(cb);
    return () => void set.delete(cb);
  }

  /** Drive every output OFF, then release the lines (pull-downs keep them OFF, docs/devices.md §4). */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const line of GPIO_OUTPUT_LINES) await this.pins[line].write(offLevel(line, this.polarity)).catch(() => undefined);
    this.closed = true;
    this.pins.estop.unwatchAll();
    for (const pin of Object.values(this.pins)) pin.unexport();
    this.watchers.clear();
  }

  private notify(line: GpioLine, value: GpioLevel): void {
    for (const cb of [...(this.watchers.get(line) ?? [])]) cb(value);
  }

  private assertOpen(): void {
    if (this.closed) throw new DeviceDisconnectedError('gpio', 'GPIO is closed');
  }
}
