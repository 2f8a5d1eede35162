/**
 * GPIO lines through the kernel's sysfs files (`/sys/class/gpio/{export,unexport,gpioN/direction,
 * gpioN/value}`, docs/devices.md §4) with no native module: config `devices.gpio.kind: sysfs`.
 * It has the shape of the part of `onoff` that {@link OnoffGpio} uses, so the same class (outputs
 * OFF on export, SAFE levels on close, chip base from the labels) drives both; the difference is
 * that input edges are found by polling the value file every `pollMs` instead of by interrupt.
 */
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpioLevel } from './gpio';
import type { OnoffModule, OnoffPin } from './onoff-gpio';

/** Options of {@link sysfsPins}. */
export interface SysfsPinsOptions {
  /** sysfs GPIO class directory. Default `/sys/class/gpio` (a temp tree in tests). */
  sysfsRoot?: string;
  /** Input poll period for `watch`, ms. Default 10. */
  pollMs?: number;
}

const level = (text: string): GpioLevel => (text.trim() === '1' ? 1 : 0);

/**
 * An `onoff`-shaped module over the sysfs files under `sysfsRoot`. Export and direction are written
 * synchronously at construction (as onoff does), so an output is never left at a wrong level.
 */
export function sysfsPins(options: SysfsPinsOptions = {}): OnoffModule {
  const root = options.sysfsRoot ?? '/sys/class/gpio';
  const pollMs = options.pollMs ?? 10;

  class SysfsPin implements OnoffPin {
    private readonly dir: string;
    private timer: NodeJS.Timeout | null = null;

    constructor(
      private readonly gpio: number,
      direction: 'in' | 'out' | 'high' | 'low',
    ) {
      this.dir = join(root, `gpio${gpio}`);
      if (!existsSync(this.dir)) writeFileSync(join(root, 'export'), String(gpio));
      // 'high' / 'low' set direction out and the initial level in one write (no glitch).
      writeFileSync(join(this.dir, 'direction'), direction);
    }

    static get accessible(): boolean {
      try {
        accessSync(join(root, 'export'), constants.W_OK);
        return true;
      } catch {
        return false;
      }
    }

    async read(): Promise<GpioLevel> {
      return level(await readFile(join(this.dir, 'value'), 'utf8'));
    }

    async write(value: GpioLevel): Promise<void> {
      await writeFile(join(this.dir, 'value'), String(value));
    }

    /** Calls back on every change of the value file, polled every `pollMs` (errors are passed on). */
    watch(callback: (err: Error | null | undefined, value: GpioLevel) => void): void {
      if (this.timer) return;
      // The baseline is read now, so a change right after watch() is not mistaken for the start level.
      let last: GpioLevel | null = (() => {
        try {
          return level(readFileSync(join(this.dir, 'value'), 'utf8'));
        } catch {
          return null;
        }
      })();
      let busy = false;
      this.timer = setInterval(() => {
        if (busy) return;
        busy = true;
        this.read().then(
          (v) => {
            if (last !== null && v !== last) callback(null, v);
            last = v;
          },
          (error: unknown) => callback(error as Error, last ?? 0),
        ).finally(() => (busy = false));
      }, pollMs);
      this.timer.unref();
    }

    unwatchAll(): void {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    }

    unexport(): void {
      this.unwatchAll();
      try {
        writeFileSync(join(root, 'unexport'), String(this.gpio));
      } catch {
        // already released
      }
    }
  }

  return { Gpio: SysfsPin };
}
