import type { Clock } from './clock';

/**
 * The reason a signal aborted with: an AbortError DOMException unless the aborter gave one.
 * Typed as Error because every aborter in this repository passes an Error (or none).
 */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason as Error;
}

/** True for the error an aborted signal rejects with by default (`DOMException` named AbortError). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** The error {@link clockTimeout} aborts with: `name` is `TimeoutError`, like `AbortSignal.timeout`. */
export class ClockTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    /** The timeout, ms of clock time. */
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/**
 * `AbortSignal.timeout` on an injected clock: a signal that aborts with a {@link ClockTimeoutError}
 * once `ms` of *clock* time has passed, or with `parent`'s reason as soon as `parent` aborts. Use it
 * for experiment-level deadlines (heat-up, t_E) so that they follow a virtual clock in tests and
 * the simulator; transport timeouts keep using real time.
 *
 * `dispose()` cancels the timer (call it when the guarded work ends, so no timer outlives it).
 *
 * @example
 * const deadline = clockTimeout(clock, 600_000, runSignal);
 * try { await heater.waitAtSetpoint(deadline.signal); } finally { deadline.dispose(); }
 */
export function clockTimeout(clock: Clock, ms: number, parent?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stopTimer = new AbortController();
  const onParent = () => controller.abort(abortReason(parent!));
  const dispose = () => {
    stopTimer.abort();
    parent?.removeEventListener('abort', onParent);
  };
  if (parent?.aborted) {
    controller.abort(abortReason(parent));
    return { signal: controller.signal, dispose };
  }
  parent?.addEventListener('abort', onParent, { once: true });
  clock.sleep(ms, stopTimer.signal).then(
    () => {
      parent?.removeEventListener('abort', onParent);
      controller.abort(new ClockTimeoutError(ms));
    },
    () => undefined, // disposed
  );
  return { signal: controller.signal, dispose };
}
