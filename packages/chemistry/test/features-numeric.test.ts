import { describe, expect, it } from 'vitest';
import { ChemistryError } from '../src/errors';
import { interpolate, movingAverage, pixelWavelengths, savitzkyGolay, smoothMasked, trapezoid } from '../src/features/index';
import { GRID, HDX_COEFFICIENTS } from './features-fixtures';

describe('pixelWavelengths', () => {
  it('evaluates lambda(i) = sum c_k i^k', () => {
    expect(pixelWavelengths([200, 0.5], 3)).toEqual([200, 200.5, 201]);
    const [c0, c1, c2, c3] = HDX_COEFFICIENTS;
    const i = 1234;
    expect(pixelWavelengths(HDX_COEFFICIENTS, 2068)[i]).toBeCloseTo(c0 + c1 * i + c2 * i ** 2 + c3 * i ** 3, 9);
  });

  it('gives a realistic, strictly increasing HDX grid', () => {
    expect(GRID).toHaveLength(2068);
    expect(GRID[0]).toBe(200);
    expect(GRID[2067]).toBeGreaterThan(890);
    expect(GRID.every((w, k) => k === 0 || w > GRID[k - 1]!)).toBe(true);
  });

  it('returns [] for zero pixels and rejects bad arguments', () => {
    expect(pixelWavelengths([200], 0)).toEqual([]);
    expect(() => pixelWavelengths([], 10)).toThrow(ChemistryError);
    expect(() => pixelWavelengths([200, NaN], 10)).toThrow(/finite/);
    expect(() => pixelWavelengths([200], -1)).toThrow(/non-negative integer/);
    expect(() => pixelWavelengths([200], 2.5)).toThrow(/non-negative integer/);
  });
});

describe('interpolate', () => {
  const xs = [400, 410, 430];
  const ys = [0, 10, 50];

  it('interpolates linearly between nodes and hits nodes exactly', () => {
    expect(interpolate(xs, ys, 405)).toBe(5);
    expect(interpolate(xs, ys, 420)).toBe(30);
    expect(interpolate(xs, ys, 410)).toBe(10);
    expect(interpolate(xs, ys, 430)).toBe(50);
  });

  it('clamps to the end values outside the table and propagates NaN', () => {
    expect(interpolate(xs, ys, 100)).toBe(0);
    expect(interpolate(xs, ys, 1000)).toBe(50);
    expect(interpolate(xs, ys, NaN)).toBeNaN();
    expect(interpolate([5], [7], 3)).toBe(7);
  });

  it('rejects empty or unequal tables with INVALID_SPECTRUM', () => {
    expect(() => interpolate([], [], 1)).toThrow(expect.objectContaining({ code: 'INVALID_SPECTRUM' }));
    expect(() => interpolate([1, 2], [1], 1)).toThrow(/equal, non-empty/);
  });
});

describe('smoothing', () => {
  const quadratic = Array.from({ length: 40 }, (_, i) => 3 + 2 * i - 0.1 * i * i);

  it('Savitzky-Golay reproduces a quadratic exactly (height-preserving)', () => {
    const s = savitzkyGolay(quadratic, 11);
    s.forEach((v, i) => expect(v).toBeCloseTo(quadratic[i]!, 9));
  });

  it('Savitzky-Golay with 1 or 3 points is the identity', () => {
    const noisy = [1, 5, 2, 8, 3];
    expect(savitzkyGolay(noisy, 1)).toEqual(noisy);
    expect(savitzkyGolay(noisy, 3)).toEqual(noisy);
  });

  it('moving average of a line is the line, and it damps alternation', () => {
    const line = Array.from({ length: 20 }, (_, i) => 2 * i);
    movingAverage(line, 5).forEach((v, i) => expect(v).toBeCloseTo(line[i]!, 12));
    const zigzag = Array.from({ length: 21 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    expect(Math.abs(movingAverage(zigzag, 5)[10]!)).toBeLessThanOrEqual(0.2);
  });

  it('smoothMasked keeps masked pixels null and never mixes across them', () => {
    const values = [10, 10, 10, null, 1000, 1000, 1000, 1000, 1000];
    const s = smoothMasked(values, { method: 'moving-average', points: 5 });
    expect(s[3]).toBeNull();
    expect(s.slice(0, 3)).toEqual([10, 10, 10]);
    expect(s.slice(4)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(smoothMasked([1, 2, 3], { method: 'none', points: 7 })).toEqual([1, 2, 3]);
  });
});

describe('trapezoid', () => {
  it('integrates a line exactly, with partial end intervals', () => {
    const xs = [0, 1, 2, 3, 4];
    const ys = xs.map((x) => 2 * x + 1);
    // integral of 2x+1 over [0.5, 3.25] = [x^2 + x] = 13.8125 - 0.75
    expect(trapezoid(xs, ys, 0.5, 3.25)).toBeCloseTo(13.0625, 12);
    expect(trapezoid(xs, ys, 1, 2)).toBeCloseTo(4, 12);
  });
});
