/**
 * The edge's GPIO (docs/devices.md §4): four lines, written and read as the *level at the pin*
 * (0/1). Polarity lives with whoever drives a line — the lamp shutter's open level is a config
 * value — so one interface fits `onoff` on the Pi and the simulator's in-memory GPIO.
 *
 * The contract (lines, levels, `Gpio`) is @sdfl/hal's, the leaf package both sides implement;
 * this module adds what only the edge needs (pin map, polarity, safe levels).
 */
import type { GpioLevel, GpioLine } from '@sdfl/hal';

export { GPIO_OUTPUT_LINES, type Gpio, type GpioLevel, type GpioLine } from '@sdfl/hal';

/** BCM line numbers of the four lines (config `devices.gpio.pins`). */
export type GpioPinMap = Record<GpioLine, number>;

/** Polarity config of the lines whose OFF level is not 0. */
export interface GpioPolarity {
  /** Level that opens the lamp shutter. Default 1 (docs/devices.md §4: shutter polarity is config). */
  shutterOpenLevel?: GpioLevel;
}

/**
 * The OFF (safe) level of each output: SSR, LED at 0, shutter closed (docs/devices.md §6 SAFE).
 * @example offLevel('shutter', { shutterOpenLevel: 0 }) === 1
 */
export function offLevel(line: Exclude<GpioLine, 'estop'>, polarity: GpioPolarity = {}): GpioLevel {
  if (line === 'shutter') return (polarity.shutterOpenLevel ?? 1) === 1 ? 0 : 1;
  return 0;
}
