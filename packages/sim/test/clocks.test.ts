import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { RealClock, VirtualClock, type Clock } from '../src/index';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Abort behaviour every Clock must share (one suite, run per implementation). */
function describeClockAbort(name: string, make: () => Clock) {
  describe(`${name}: abort`, () => {
    it('rejects at once with the reason of an already-aborted signal', async () => {
      const clock = make();
      const reason = new Error('stop');
      await expect(clock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    });

    it('rejects a pending sleep with an AbortError when aborted without a reason, and never resolves', async () => {
      const clock = make();
      const ac = new AbortController();
      let resolved = false;
      const p = clock.sleep(30, ac.signal).then(() => (resolved = true));
      ac.abort();
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
      await new Promise((r) => setTimeout(r, 60));
      expect(resolved).toBe(false);
    });

    it('stops every() when its signal aborts', async () => {
      const clock = make();
      const ac = new AbortController();
      let ticks = 0;
      clock.every(5, () => ticks++, ac.signal);
      ac.abort();
      await new Promise((r) => setTimeout(r, 40));
      expect(ticks).toBe(0);
    });
  });
}

describeClockAbort('RealClock', () => new RealClock());
describeClockAbort('VirtualClock x100', () => new VirtualClock({ speed: 100 }));
describeClockAbort('VirtualClock max', () => new VirtualClock({ speed: 'max' }));

describe('RealClock', () => {
  it('tracks Date.now and sleeps about the requested time', async () => {
    const clock = new RealClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThanOrEqual(1);
    const t0 = clock.now();
    await clock.sleep(30);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(30);
  });

  it('every() keeps absolute deadlines: work inside ticks does not accumulate', async () => {
    const clock = new RealClock();
    const times: number[] = [];
    const t0 = clock.now();
    await new Promise<void>((resolve) => {
      const stop = clock.every(40, () => {
        times.push(clock.now() - t0);
        // Busy work inside a tick must not push later deadlines back.
        const until = performance.now() + 20;
        while (performance.now() < until);
        if (times.length === 12) {
          stop();
          resolve();
        }
      });
    });
    times.forEach((t, i) => expect(t).toBeGreaterThanOrEqual((i + 1) * 40));
    // With drift each tick would add its 20 ms of work: the 12th tick would come at >= 720 ms.
    expect(times[11]!).toBeLessThan(480 + 170);
  });
});

describe('VirtualClock, manual (speed 0)', () => {
  it('fires timers by deadline, then by insertion, each seeing now() == its deadline', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 1_000 });
    const log: string[] = [];
    const at = (label: string, ms: number) => clock.sleep(ms).then(() => log.push(`${label}@${clock.now()}`));
    void at('c', 300);
    void at('a', 100);
    void at('b1', 200);
    void at('b2', 200);
    void at('z', 0);
    await clock.advance(250);
    expect(log).toEqual(['z@1000', 'a@1100', 'b1@1200', 'b2@1200']);
    expect(clock.now()).toBe(1_250);
    expect(clock.pending).toBe(1);
    await clock.advance(50);
    expect(log.at(-1)).toBe('c@1300');
  });

  it('runs continuations between timers, so a chain of sleeps inside the window completes', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 0 });
    const log: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(100);
        log.push(clock.now());
      }
    })();
    void clock.sleep(250).then(() => log.push(-clock.now()));
    await clock.advance(1_000);
    await loop;
    expect(log).toEqual([100, 200, -250, 300, 400, 500]);
  });

  it('does not move by itself', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 5 });
    let fired = false;
    void clock.sleep(1).then(() => (fired = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
    expect(clock.now()).toBe(5);
  });

  it('every() ticks exactly at start + k x period (no drift) and stops when cancelled', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 0 });
    const ticks: number[] = [];
    const stop = clock.every(100, () => ticks.push(clock.now()));
    await clock.advance(1_000);
    stop();
    await clock.advance(1_000);
    expect(ticks).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
    expect(clock.pending).toBe(0);
  });

  it('removes an aborted sleep from the queue', async () => {
    const clock = new VirtualClock({ speed: 0, startMs: 0 });
    const ac = new AbortController();
    const p = clock.sleep(1_000, ac.signal);
    expect(clock.pending).toBe(1);
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    expect(clock.pending).toBe(0);
  });

  it('rejects bad arguments', async () => {
    expect(() => new VirtualClock({ speed: -1 })).toThrow(RangeError);
    const clock = new VirtualClock({ speed: 0 });
    await expect(clock.sleep(Number.NaN)).rejects.toThrow(RangeError);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    expect(() => clock.every(0, () => {})).toThrow(RangeError);
  });
});

describe('VirtualClock, finite speed', () => {
  it('runs N times faster than real time', async () => {
    const clock = new VirtualClock({ speed: 100, startMs: 0 });
    const real0 = performance.now();
    await clock.sleep(2_000); // 20 ms real
    const realMs = performance.now() - real0;
    expect(clock.now()).toBeGreaterThanOrEqual(2_000);
    expect(realMs).toBeGreaterThanOrEqual(19);
    expect(realMs).toBeLessThan(1_000);
    expect(clock.now() / realMs).toBeGreaterThan(90);
    expect(clock.now() / realMs).toBeLessThan(110);
  });

  it('advance() adds to the running time and fires what fell due', async () => {
    const clock = new VirtualClock({ speed: 1, startMs: 0 });
    let fired = false;
    void clock.sleep(60_000).then(() => (fired = true));
    await clock.advance(60_000);
    await settle();
    expect(fired).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
  });

  it('every() at x20 keeps its deadline grid (late ticks do not push later ones)', async () => {
    const clock = new VirtualClock({ speed: 20, startMs: 0 });
    const ticks: number[] = [];
    await new Promise<void>((resolve) => {
      const stop = clock.every(1_000, () => {
        ticks.push(clock.now());
        if (ticks.length === 10) {
          stop();
          resolve();
        }
      });
    });
    // Every tick belongs to a later deadline k x 1000 than the one before (no burst, no drift);
    // most are on time (a loaded machine may delay a few, which then skip missed deadlines).
    const k = ticks.map((t) => Math.floor(t / 1_000));
    expect(k[0]!).toBeGreaterThanOrEqual(1);
    k.forEach((x, i) => i > 0 && expect(x).toBeGreaterThan(k[i - 1]!));
    const lateness = ticks.map((t, i) => t - k[i]! * 1_000).sort((a, b) => a - b);
    expect(lateness[5]!).toBeLessThan(300); // median: 15 ms real
  });
});

describe("VirtualClock, 'max'", () => {
  it('jumps from deadline to deadline: an hour of sleeps takes milliseconds', async () => {
    const clock = new VirtualClock({ speed: 'max', startMs: 0 });
    const real0 = performance.now();
    const order: string[] = [];
    await Promise.all([
      (async () => {
        for (let i = 0; i < 60; i++) await clock.sleep(60_000);
        order.push(`a@${clock.now()}`);
      })(),
      clock.sleep(30 * 60_000).then(() => order.push(`b@${clock.now()}`)),
    ]);
    expect(order).toEqual(['b@1800000', 'a@3600000']);
    expect(performance.now() - real0).toBeLessThan(1_000);
  });

  it('lets real I/O interleave: a real timer callback runs while virtual timers are pending', async () => {
    const clock = new VirtualClock({ speed: 'max', startMs: 0 });
    let realFired = false;
    setTimeout(() => (realFired = true), 5);
    const stop = clock.every(1, () => {});
    await new Promise((r) => setTimeout(r, 30));
    stop();
    expect(realFired).toBe(true);
    expect(clock.now()).toBeGreaterThan(10);
  });
});
