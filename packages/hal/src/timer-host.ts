import { abortReason } from './abort';

/**
 * The one primitive a clock implementation provides, and the Clock verbs built on it, so that
 * `sleep` and `every` (abort handling, absolute deadlines) are written once for every clock: the
 * real one here and the simulator's virtual one.
 */
export interface TimerHost {
  now(): number;
  /**
   * Calls `fire` once the host's `now()` is >= `atMs` (never synchronously, never early);
   * the returned function cancels it (a no-op after it fired).
   */
  schedule(atMs: number, fire: () => void): () => void;
}

/**
 * `Clock.sleep` on a host: resolves at now + ms, rejects with the signal's reason as soon as it
 * aborts (and then never resolves). Negative `ms` counts as 0; `Infinity` waits for the abort only;
 * NaN rejects with a RangeError.
 */
export function sleepOn(host: TimerHost, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (Number.isNaN(ms)) {
      reject(new RangeError('sleep: ms is NaN'));
      return;
    }
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let cancel = () => {};
    const onAbort = () => {
      cancel();
      reject(abortReason(signal!));
    };
    if (ms !== Infinity) {
      cancel = host.schedule(host.now() + Math.max(0, ms), () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `Clock.every` on a host: ticks at start + k x period (k = 1, 2, ...) so that errors never
 * accumulate; a tick that runs past later deadlines skips them. The next tick is armed before
 * `fn` runs, so a throwing `fn` does not stop the schedule. Throws a RangeError unless `periodMs`
 * is a positive finite number.
 */
export function everyOn(host: TimerHost, periodMs: number, fn: () => void, signal?: AbortSignal): () => void {
  if (!(periodMs > 0) || !Number.isFinite(periodMs)) throw new RangeError(`every: periodMs must be a positive finite number, got ${periodMs}`);
  const start = host.now();
  let k = 1;
  let stopped = false;
  let cancelTimer = () => {};
  const stop = () => {
    stopped = true;
    cancelTimer();
    signal?.removeEventListener('abort', stop);
  };
  const arm = () => {
    cancelTimer = host.schedule(start + k * periodMs, tick);
  };
  const tick = () => {
    if (stopped) return;
    k = Math.max(k + 1, Math.floor((host.now() - start) / periodMs) + 1);
    arm();
    fn();
  };
  if (signal?.aborted) {
    stopped = true;
    return stop;
  }
  signal?.addEventListener('abort', stop, { once: true });
  arm();
  return stop;
}
