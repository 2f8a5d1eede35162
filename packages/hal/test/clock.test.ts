import { describe, expect, it } from 'vitest';
import { abortReason, ClockTimeoutError, clockTimeout, everyOn, isAbortError, RealClock, sleepOn, type Clock, type TimerHost } from '../src/index';

/** A host whose time moves only by `advance`, firing due timers in deadline order (no simulator needed). */
class ManualHost implements TimerHost, Clock {
  private t = 0;
  private timers: { at: number; fire: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  schedule(atMs: number, fire: () => void): () => void {
    const timer = { at: atMs, fire, live: true };
    this.timers.push(timer);
    return () => void (timer.live = false);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
  every(periodMs: number, fn: () => void, signal?: AbortSignal): () => void {
    return everyOn(this, periodMs, fn, signal);
  }
  /** Moves time without firing anything, as a blocked event loop would. */
  jump(ms: number): void {
    this.t += ms;
  }
  get pending(): number {
    return this.timers.filter((x) => x.live).length;
  }
  /** Moves to now + ms, firing each due timer at its deadline and letting continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = Math.max(this.t, due.at);
      due.fire();
      await new Promise((r) => setImmediate(r));
    }
    this.t = target;
  }
}

describe('sleepOn / everyOn', () => {
  it('sleep resolves at its deadline, not before', async () => {
    const host = new ManualHost();
    let done = false;
    void host.sleep(100).then(() => (done = true));
    await host.advance(99);
    expect(done).toBe(false);
    await host.advance(1);
    expect(done).toBe(true);
  });

  it('sleep rejects with the abort reason, drops its timer, and never resolves afterwards', async () => {
    const host = new ManualHost();
    const ac = new AbortController();
    const reason = new Error('stop');
    const p = host.sleep(100, ac.signal);
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(host.pending).toBe(0);
    await expect(host.sleep(1, AbortSignal.abort())).rejects.toSatisfy(isAbortError);
    await expect(host.sleep(Number.NaN)).rejects.toThrow(RangeError);
  });

  it('every ticks on the absolute grid and skips deadlines a late tick missed', async () => {
    const host = new ManualHost();
    const ticks: number[] = [];
    const stop = host.every(100, () => ticks.push(host.now()));
    await host.advance(300);
    // Simulate a blocked loop: time jumps 350 ms without firing, then the late tick runs once.
    host.jump(350);
    await host.advance(0);
    await host.advance(100);
    stop();
    await host.advance(500);
    expect(ticks).toEqual([100, 200, 300, 650, 700]);
    expect(() => host.every(0, () => {})).toThrow(RangeError);
  });

  it('every stops when its signal aborts', async () => {
    const host = new ManualHost();
    const ac = new AbortController();
    let n = 0;
    host.every(10, () => n++, ac.signal);
    await host.advance(25);
    ac.abort();
    await host.advance(100);
    expect(n).toBe(2);
    expect(host.pending).toBe(0);
  });
});

describe('clockTimeout', () => {
  it('aborts with a ClockTimeoutError after the given clock time', async () => {
    const host = new ManualHost();
    const t = clockTimeout(host, 1_000);
    await host.advance(999);
    expect(t.signal.aborted).toBe(false);
    await host.advance(1);
    expect(t.signal.aborted).toBe(true);
    expect(abortReason(t.signal)).toBeInstanceOf(ClockTimeoutError);
    expect(abortReason(t.signal)).toMatchObject({ name: 'TimeoutError', timeoutMs: 1_000 });
  });

  it('follows its parent, and dispose() leaves no timer behind', async () => {
    const host = new ManualHost();
    const parent = new AbortController();
    const t = clockTimeout(host, 1_000, parent.signal);
    const reason = new Error('cancelled');
    parent.abort(reason);
    expect(abortReason(t.signal)).toBe(reason);
    t.dispose();
    await host.advance(0);
    expect(host.pending).toBe(0);

    const u = clockTimeout(host, 1_000);
    u.dispose();
    await host.advance(2_000);
    expect(u.signal.aborted).toBe(false);
    expect(clockTimeout(host, 5, AbortSignal.abort(reason)).signal.reason).toBe(reason);
  });
});

describe('RealClock', () => {
  it('tracks Date.now, never goes backwards, and sleeps at least the requested time', async () => {
    const clock = new RealClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThanOrEqual(1);
    const t0 = clock.now();
    await clock.sleep(30);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(30);
    const seen = Array.from({ length: 1_000 }, () => clock.now());
    seen.forEach((t, i) => i > 0 && expect(t).toBeGreaterThanOrEqual(seen[i - 1]!));
  });

  it('every() never ticks before its deadline', async () => {
    const clock = new RealClock();
    const t0 = clock.now();
    const times: number[] = [];
    await new Promise<void>((resolve) => {
      const stop = clock.every(20, () => {
        times.push(clock.now() - t0);
        if (times.length === 5) {
          stop();
          resolve();
        }
      });
    });
    times.forEach((t, i) => expect(t).toBeGreaterThanOrEqual((i + 1) * 20));
  });
});
