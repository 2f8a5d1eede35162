import { describe, expect, it } from 'vitest';
import { TimeProportioner } from '../../src/devices/time-proportioning';

const duty = (tp: TimeProportioner, f: number, windows = 4, stepMs = 10) => {
  let on = 0;
  const n = (windows * tp.windowMs) / stepMs;
  for (let k = 0; k < n; k++) if (tp.tick(f, k * stepMs)) on++;
  return on / n;
};

describe('TimeProportioner', () => {
  it('turns the fraction into ON time per window', () => {
    expect(duty(new TimeProportioner({ windowMs: 1000 }), 0.3)).toBeCloseTo(0.3, 2);
    expect(duty(new TimeProportioner({ windowMs: 2000 }), 0.75)).toBeCloseTo(0.75, 2);
    expect(duty(new TimeProportioner(), 0)).toBe(0);
    expect(duty(new TimeProportioner(), 1)).toBe(1);
  });

  it('ON comes first in the window, then OFF', () => {
    const tp = new TimeProportioner({ windowMs: 1000 });
    expect(tp.tick(0.5, 0)).toBe(true);
    expect(tp.tick(0.5, 499)).toBe(true);
    expect(tp.tick(0.5, 500)).toBe(false);
    expect(tp.tick(0.5, 999)).toBe(false);
    expect(tp.tick(0.5, 1000)).toBe(true);
  });

  it('clamps and treats NaN as 0; drops pulses shorter than minPulseMs', () => {
    const tp = new TimeProportioner({ windowMs: 1000, minPulseMs: 50 });
    expect(tp.tick(Number.NaN, 0)).toBe(false);
    expect(tp.tick(2, 1000)).toBe(true);
    expect(tp.tick(-1, 2000)).toBe(false);
    expect(tp.tick(0.04, 3000)).toBe(false); // 40 ms < 50 ms
    expect(tp.tick(0.97, 4000)).toBe(true);
    expect(tp.tick(0.97, 4990)).toBe(true); // the 30 ms OFF gap is skipped too
  });

  it('a lower fraction applies at once; a higher one at the next window', () => {
    const tp = new TimeProportioner({ windowMs: 1000 });
    expect(tp.tick(0.8, 0)).toBe(true);
    expect(tp.tick(0.1, 200)).toBe(false);
    expect(tp.tick(0.9, 300)).toBe(false);
    expect(tp.tick(0.9, 1000)).toBe(true);
    expect(tp.tick(0.9, 1850)).toBe(true);
  });

  it('keeps the window phase across late ticks and restarts after reset or time going back', () => {
    const tp = new TimeProportioner({ windowMs: 1000 });
    tp.tick(0.5, 0);
    expect(tp.tick(0.5, 3400)).toBe(true); // window 3000..4000
    expect(tp.tick(0.5, 3600)).toBe(false);
    tp.reset();
    expect(tp.tick(0.5, 3600)).toBe(true); // new window from 3600
    expect(tp.tick(0.5, 100)).toBe(true); // time went back: new window from 100
    expect(() => new TimeProportioner({ windowMs: 0 })).toThrow(RangeError);
  });
});
