/**
 * The edge's GPIO interface (DEVICES.md §4): four lines, written and read as the *level at the pin*
 * (0/1). Polarity lives with whoever drives a line — the lamp shutter's open level is a config
 * value — so the same interface fits the in-memory GPIO of packages/sim and `onoff` on the Pi.
 *
 * The interface is packages/sim's (type-only import: nothing of the simulator loads at run time).
 */
import type { GpioLevel, GpioLine } from '@sdfl/sim';

export type { Gpio, GpioLevel, GpioLine } from '@sdfl/sim';

/** Lines the host may write; `estop` is an input. */
export const GPIO_OUTPUT_LINES = ['ssr', 'uvLed', 'shutter'] as const satisfies readonly GpioLine[];

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
