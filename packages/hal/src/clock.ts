/**
 * Time source injected into every time-dependent part of the edge agent and the simulator, so the
 * same code runs in real time, under test control, or accelerated (docs/conventions.md §6).
 *
 * Contract:
 * - `now()` is milliseconds since the Unix epoch on this clock's timeline (monotonic non-decreasing).
 * - `sleep(ms, signal)` resolves once `ms` of clock time has passed; it rejects with the signal's
 *   reason (an AbortError by default) as soon as `signal` aborts, and never resolves after that.
 * - `every(periodMs, fn, signal?)` calls `fn` every `periodMs` of clock time at absolute deadlines
 *   (start + k x period, no drift); the returned function cancels it, and so does `signal` aborting.
 *   A tick that comes later than the next deadline (a blocked event loop) skips the missed deadlines
 *   instead of firing a burst.
 *
 * Transport-level timeouts (a serial reply, a TCP frame) are about real bytes on a real wire and
 * use real time; experiment-level waits (t_E, heating, hold times) use the injected Clock.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  every(periodMs: number, fn: () => void, signal?: AbortSignal): () => void;
}
