import type { Clock } from './clock';
import { everyOn, sleepOn, type TimerHost } from './timer-host';

/** Largest delay `setTimeout` accepts (2^31 - 1 ms, ~24.8 days); longer waits re-arm. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Wall-clock time: `now()` is `Date.now()` (clamped so it never goes backwards when the system
 * clock is stepped), waits use `setTimeout`. `every()` keeps absolute deadlines, so a 100 ms loop
 * still ticks 36 000 times an hour however late single ticks are.
 *
 * @example
 * const clock = new RealClock();
 * await clock.sleep(1_000, signal);
 * const stop = clock.every(100, tick);
 */
export class RealClock implements Clock, TimerHost {
  private last = -Infinity;

  now(): number {
    const t = Date.now();
    if (t > this.last) this.last = t;
    return this.last;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  every(periodMs: number, fn: () => void, signal?: AbortSignal): () => void {
    return everyOn(this, periodMs, fn, signal);
  }

  schedule(atMs: number, fire: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    // setTimeout may wake a millisecond early against Date.now() (different clock sources): re-arm.
    const check = () => {
      const remaining = atMs - this.now();
      if (remaining > 0) {
        handle = setTimeout(check, Math.min(remaining, MAX_TIMEOUT_MS));
      } else {
        handle = undefined;
        fire();
      }
    };
    handle = setTimeout(check, Math.min(Math.max(0, atMs - this.now()), MAX_TIMEOUT_MS));
    return () => {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    };
  }
}
