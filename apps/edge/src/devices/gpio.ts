/**
 * The edge's GPIO interface (DEVICES.md §4): four lines, written and read as the *level at the pin*
 * (0/1). Polarity lives with whoever drives a line — the lamp shutter's open level is a config
 * value — so the same interface fits the in-memory GPIO of packages/sim and `onoff` on the Pi.
 *
 * Declared here structurally identical to `Gpio` in packages/sim/src/devices/gpio.ts so the sim's
 * `InMemoryGpio` is assignable to it (checked in test/devices/gpio.test.ts).
 */

/** Outputs `ssr` (heater SSR), `uvLed` (300 nm PL LED), `shutter` (lamp shutter); input `estop`. */
export type GpioLine = 'ssr' | 'uvLed' | 'shutter' | 'estop';
/** Level at the pin. */
export type GpioLevel = 0 | 1;

/** Lines the host may write; `estop` is an input. */
export const GPIO_OUTPUT_LINES = ['ssr', 'uvLed', 'shutter'] as const satisfies readonly GpioLine[];

/** GPIO as the edge agent sees it. */
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

/** BCM line numbers of the four lines (config `devices.gpio.pins`). */
export type GpioPinMap = Record<GpioLine, number>;

/** Polarity config of the lines whose OFF level is not 0. */
export interface GpioPolarity {
  /** Level that opens the lamp shutter. Default 1 (DEVICES.md §4: shutter polarity is config). */
  shutterOpenLevel?: GpioLevel;
}

/**
 * The OFF (safe) level of each output: SSR, LED at 0, shutter closed (DEVICES.md §6 SAFE).
 * @example offLevel('shutter', { shutterOpenLevel: 0 }) === 1
 */
export function offLevel(line: Exclude<GpioLine, 'estop'>, polarity: GpioPolarity = {}): GpioLevel {
  if (line === 'shutter') return (polarity.shutterOpenLevel ?? 1) === 1 ? 0 : 1;
  return 0;
}
