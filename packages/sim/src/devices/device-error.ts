/**
 * Machine-readable codes of emulator and simulated-platform errors (docs/conventions.md §7).
 * - `SOCAT_MISSING`: the socat binary is not installed (needed for serial PTYs).
 * - `PTY_START`: socat did not create both PTY links in time, or exited early.
 * - `INPUT_LINE`: a write to a GPIO input line (e-stop).
 * - `CLOSED`: the component was stopped or closed.
 * - `NOT_STARTED`: an accessor needing `start()` was called before it.
 */
export type SimDeviceErrorCode = 'SOCAT_MISSING' | 'PTY_START' | 'INPUT_LINE' | 'CLOSED' | 'NOT_STARTED';

/** Error raised by device emulators and the simulated platform. */
export class SimDeviceError extends Error {
  override readonly name = 'SimDeviceError';
  constructor(
    readonly code: SimDeviceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
