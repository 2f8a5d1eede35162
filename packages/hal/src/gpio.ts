/**
 * The four GPIO lines of a platform (docs/devices.md §4), as the edge agent drives them and as
 * every implementation provides them: `onoff`/sysfs on the Raspberry Pi (apps/edge) and the
 * in-memory GPIO of the simulator (packages/sim).
 *
 * Outputs: `ssr` (heater solid-state relay), `uvLed` (300 nm PL excitation LED), `shutter`
 * (absorption lamp shutter). Input: `estop` (e-stop / enclosure switch).
 */
export const GPIO_LINES = ['ssr', 'uvLed', 'shutter', 'estop'] as const;
/** One of {@link GPIO_LINES}. */
export type GpioLine = (typeof GPIO_LINES)[number];

/** Lines the host may write; `estop` is an input. */
export const GPIO_OUTPUT_LINES = ['ssr', 'uvLed', 'shutter'] as const satisfies readonly GpioLine[];
/** One of {@link GPIO_OUTPUT_LINES}. */
export type GpioOutputLine = (typeof GPIO_OUTPUT_LINES)[number];

/**
 * The level *at the pin*, 0 or 1. Polarity (which level opens the shutter) belongs to whoever
 * drives the line and is configuration, never part of this interface.
 */
export type GpioLevel = 0 | 1;

/**
 * GPIO as the edge agent uses it.
 *
 * Contract:
 * - `write` drives an output line and rejects for the input line `estop`;
 * - `read` gives the current level (outputs read back what was written);
 * - `watch` calls `cb` with the new level on every change of `line` and returns the function
 *   that unsubscribes; an implementation that cannot watch a line throws instead of returning a
 *   watch that never fires;
 * - `close` releases the lines; later calls reject.
 */
export interface Gpio {
  write(line: GpioLine, value: GpioLevel): Promise<void>;
  read(line: GpioLine): Promise<GpioLevel>;
  watch(line: GpioLine, cb: (value: GpioLevel) => void): () => void;
  close(): Promise<void>;
}

/** True for 0 and 1: the only values a {@link GpioLevel} may take. */
export function isGpioLevel(value: unknown): value is GpioLevel {
  return value === 0 || value === 1;
}

/**
 * Thrown by a {@link Gpio} implementation for an operation it cannot perform on a line (for
 * example a proxy that cannot deliver `watch` callbacks), so a caller never waits on an edge that
 * will not come.
 */
export class GpioUnsupportedError extends Error {
  override readonly name = 'GpioUnsupportedError';
  constructor(
    readonly operation: 'write' | 'read' | 'watch',
    readonly line: GpioLine,
    detail: string,
  ) {
    super(`GPIO ${operation}(${line}) is not supported: ${detail}`);
  }
}
