import { describe, expect, it } from 'vitest';
import { createRandom, gaussian, hash32, hashNormal, hashUniform, haltonPoint } from '../src/index';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
};

describe('counter-based random numbers', () => {
  it('are keyed: same seed and keys give the same value, any change gives another', () => {
    expect(hashUniform(1, 'a', 2)).toBe(hashUniform(1, 'a', 2));
    const values = new Set([hash32(1, 'a', 2), hash32(2, 'a', 2), hash32(1, 'b', 2), hash32(1, 'a', 3), hash32(1, 2, 'a'), hash32(1, 'a', 2 + 2 ** 32)]);
    expect(values.size).toBe(6);
  });

  it('are uniform and normal in distribution', () => {
    const rng = createRandom(7);
    const u = Array.from({ length: 20_000 }, () => rng.next());
    expect(rng.draws).toBe(20_000);
    expect(u.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(variance(u)).toBeCloseTo(1 / 12, 2);
    const n = Array.from({ length: 20_000 }, (_, i) => hashNormal(3, i));
    expect(mean(n)).toBeCloseTo(0, 1);
    expect(Math.sqrt(variance(n))).toBeCloseTo(1, 1);
    const g = Array.from({ length: 20_000 }, () => gaussian(rng));
    expect(Math.sqrt(variance(g))).toBeCloseTo(1, 1);
  });

  it('Halton points fill the cube evenly', () => {
    const pts = Array.from({ length: 4_096 }, (_, i) => haltonPoint(i, 7, 2));
    expect(pts.every((p) => p.length === 7 && p.every((x) => x >= 0 && x < 1))).toBe(true);
    for (let d = 0; d < 7; d++) {
      const below = pts.filter((p) => p[d]! < 0.25).length / pts.length;
      expect(Math.abs(below - 0.25)).toBeLessThan(0.01);
    }
    expect(() => haltonPoint(0, 17)).toThrow(RangeError);
  });
});
