import { performance } from 'node:perf_hooks';
import { type Clock, everyOn, sleepOn, type TimerHost } from '@sdfl/hal';
import { TimerQueue } from './timer-queue';

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** Clock time at construction, ms since the epoch. Default `Date.now()`. */
  startMs?: number;
  /**
   * How virtual time moves by itself:
   * - a number N > 0: N x real elapsed time (N = 100 runs a 70 s experiment in 0.7 s);
   * - `0`: not at all (only `advance()` moves it; for step-by-step tests);
   * - `'max'`: as fast as possible: whenever nothing is due it jumps to the next deadline, one timer
   *   per event-loop turn (setImmediate) so real I/O (sockets, PTYs) still interleaves.
   */
  speed: number | 'max';
}

/** Resolves after the current microtask queue and pending I/O callbacks have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rethrows an error from a timer callback the way a real timer would (uncaught), keeping the queue going. */
const reportLater = (error: unknown) => process.nextTick(() => {
  throw error;
});

/**
 * A controllable Clock for the simulator and tests. Timers fire in order of deadline, then of
 * scheduling; between two timers every microtask (and pending I/O) runs, so `await sleep()`
 * continuations see the clock exactly as a real program would.
 *
 * @example
 * const clock = new VirtualClock({ speed: 0, startMs: 0 });
 * const done = clock.sleep(60_000);
 * await clock.advance(60_000); // `done` is resolved, clock.now() === 60_000
 */
export class VirtualClock implements Clock, TimerHost {
  readonly speed: number | 'max';
  private readonly queue = new TimerQueue();
  /** Virtual time at real time `realBase`. */
  private baseMs: number;
  private realBase = performance.now();
  private realTimer: NodeJS.Timeout | undefined;
  private realTimerAt = Infinity;
  private pumpScheduled = false;
  private advancing = 0;
  /** Serialises drains so that two of them never interleave their timers. */
  private chain: Promise<void> = Promise.resolve();

  constructor(options: VirtualClockOptions) {
    const { speed, startMs = Date.now() } = options;
    if (speed !== 'max' && !(speed >= 0 && Number.isFinite(speed))) {
      throw new RangeError(`VirtualClock: speed must be a finite number >= 0 or 'max', got ${String(speed)}`);
    }
    this.speed = speed;
    this.baseMs = startMs;
  }

  now(): number {
    if (typeof this.speed === 'number' && this.speed > 0) {
      return this.baseMs + this.speed * (performance.now() - this.realBase);
    }
    return this.baseMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  every(periodMs: number, fn: () => void, signal?: AbortSignal): () => void {
    return everyOn(this, periodMs, fn, signal);
  }

  schedule(atMs: number, fire: () => void): () => void {
    const timer = this.queue.push(atMs, fire);
    this.wake();
    return () => this.queue.cancel(timer);
  }

  /** Number of pending (not fired, not cancelled) timers. */
  get pending(): number {
    return this.queue.size;
  }

  /** Deadline of the earliest pending timer, ms; undefined when none. */
  nextDeadline(): number | undefined {
    return this.queue.peek()?.deadline;
  }

  /**
   * Moves the clock forward by `ms` and fires every timer that falls due, in order, letting
   * microtasks and I/O run between timers; timers scheduled meanwhile fire too when they are due
   * within the window. With speed 0 or 'max' each timer fires with `now()` equal to its deadline
   * and the clock ends exactly `ms` later; with a finite speed real time keeps adding on top.
   */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0)) return Promise.reject(new RangeError(`advance: ms must be >= 0, got ${ms}`));
    this.advancing++;
    return this.exclusive(async () => {
      if (typeof this.speed === 'number' && this.speed > 0) {
        this.baseMs += ms;
        await this.drainDue();
        return;
      }
      const target = this.baseMs + ms;
      for (let head = this.queue.peek(); head !== undefined && head.deadline <= target; head = this.queue.peek()) {
        this.baseMs = Math.max(this.baseMs, head.deadline);
        this.fire(this.baseMs);
        await nextTurn();
      }
      this.baseMs = target;
    }).finally(() => {
      this.advancing--;
      this.wake();
    });
  }

  private exclusive(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private fire(now: number): boolean {
    const timer = this.queue.popDue(now);
    if (timer === undefined) return false;
    try {
      timer.fire();
    } catch (error) {
      reportLater(error);
    }
    return true;
  }

  private async drainDue(): Promise<void> {
    while (this.fire(this.now())) await nextTurn();
  }

  /** Makes sure something will fire the earliest timer: a real timeout (finite speed) or a pump turn ('max'). */
  private wake(): void {
    const head = this.queue.peek();
    if (head === undefined || this.advancing > 0) return;
    if (this.speed === 'max') {
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        setImmediate(() => this.pump());
      }
    } else if (this.speed > 0 && head.deadline < this.realTimerAt) {
      if (this.realTimer !== undefined) clearTimeout(this.realTimer);
      this.realTimerAt = head.deadline;
      const delay = Math.max(0, (head.deadline - this.now()) / this.speed);
      this.realTimer = setTimeout(() => {
        this.realTimer = undefined;
        this.realTimerAt = Infinity;
        void this.exclusive(() => this.drainDue()).finally(() => this.wake());
      }, Math.min(delay, 2_147_483_647));
    }
  }

  /** 'max' mode: fire one timer per event-loop turn, jumping to its deadline if nothing is due. */
  private pump(): void {
    this.pumpScheduled = false;
    if (this.advancing > 0) return;
    const head = this.queue.peek();
    if (head === undefined) return;
    this.baseMs = Math.max(this.baseMs, head.deadline);
    this.fire(this.baseMs);
    this.wake();
  }
}
