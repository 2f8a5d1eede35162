import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed, latinHypercube, maximinLhs, minPairwiseDistance, permutation, SOBOL_MAX_DIM, createSobol, sobolSample, stratifiedCandidates } from '../src/sampling';

describe('createPrng', () => {
  it('is deterministic, in [0,1), and resumes exactly from its state', () => {
    const a = createPrng(7);
    const first = Array.from({ length: 5 }, () => a.next());
    const b = createPrng(7);
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
    const saved = a.state();
    const resumed = createPrng(JSON.parse(JSON.stringify(saved)) as number[]);
    expect(Array.from({ length: 20 }, () => resumed.next())).toEqual(Array.from({ length: 20 }, () => a.next()));
  });

  it('gives unrelated streams for nearby seeds and roughly uniform, standard-normal draws', () => {
    expect(createPrng(1).next()).not.toBe(createPrng(2).next());
    const r = createPrng(3);
    const u = Array.from({ length: 20_000 }, () => r.next());
    const z = Array.from({ length: 20_000 }, () => r.normal());
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(mean(z.map((x) => x * x))).toBeCloseTo(1, 1);
  });

  it('derives distinct reproducible child seeds', () => {
    expect(deriveSeed(1, 'fit', 2)).toBe(deriveSeed(1, 'fit', 2));
    expect(deriveSeed(1, 'fit', 2)).not.toBe(deriveSeed(1, 'fit', 3));
    expect(deriveSeed(1, 'fit', 2)).not.toBe(deriveSeed(2, 'fit', 2));
  });

  it('permutation is a permutation', () => {
    expect([...permutation(50, createPrng(1))].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('Latin hypercube', () => {
  it('hits each of the n strata of every axis exactly once (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.integer(), fc.boolean(), (n, d, seed, centered) => {
        const x = latinHypercube(n, d, createPrng(seed), { centered });
        for (let j = 0; j < d; j++) {
          const strata = x.map((p) => Math.floor(p[j]! * n)).sort((a, b) => a - b);
          expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('maximin keeps stratification and spreads points at least as well as one random design', () => {
    const x = maximinLhs(9, 7, createPrng(5), { tries: 100 });
    for (let j = 0; j < 7; j++) expect(x.map((p) => Math.floor(p[j]! * 9)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const single = Array.from({ length: 100 }, (_, s) => minPairwiseDistance(latinHypercube(9, 7, createPrng(100 + s))));
    const median = single.sort((a, b) => a - b)[50]!;
    expect(minPairwiseDistance(x)).toBeGreaterThan(median);
  });
});

describe('stratifiedCandidates', () => {
  const stratumOf = (v: number, n: number) => Math.min(n - 1, Math.floor(v * n));

  it('draws every coordinate from a stratum no existing point occupies (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 7 }), fc.integer(), (strata, d, seed) => {
        const rng = createPrng(seed);
        const existing = Array.from({ length: strata - 1 }, () => Array.from({ length: d }, () => rng.next()));
        for (const c of stratifiedCandidates(50, d, existing, strata, rng)) {
          for (let k = 0; k < d; k++) {
            expect(c[k]).toBeGreaterThanOrEqual(0);
            expect(c[k]).toBeLessThan(1);
            expect(existing.some((e) => stratumOf(e[k]!, strata) === stratumOf(c[k]!, strata))).toBe(false);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('grown one point at a time, it builds a Latin hypercube; full axes fall back to uniform', () => {
    const rng = createPrng(3);
    const design: number[][] = [];
    for (let i = 0; i < 12; i++) design.push(stratifiedCandidates(1, 4, design, 12, rng)[0]!);
    for (let k = 0; k < 4; k++) expect(design.map((p) => stratumOf(p[k]!, 12)).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const extra = stratifiedCandidates(200, 4, design, 12, rng);
    expect(new Set(extra.map((p) => stratumOf(p[0]!, 12))).size).toBeGreaterThan(6);
    expect(() => stratifiedCandidates(1, 2, [], 0, rng)).toThrow(RangeError);
  });
});

describe('Sobol', () => {
  it('matches the reference sequence (Joe-Kuo 6.21201, as scipy.stats.qmc.Sobol(scramble=False))', () => {
    // First 8 points in 10 dimensions, from SciPy 1.17.
    const expected = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.75, 0.75],
      [0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25, 0.25, 0.25],
      [0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875, 0.875, 0.625],
      [0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375, 0.375, 0.125],
      [0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125, 0.125, 0.375],
      [0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625, 0.625, 0.875],
    ];
    expect(sobolSample(8, 10)).toEqual(expected);
    // Points 9..16 of dimensions 1-3 and 10.
    const next = createSobol(10, { skip: 8 }).take(8);
    expect(next.map((p) => [p[0], p[1], p[2], p[9]])).toEqual([
      [0.1875, 0.3125, 0.9375, 0.3125],
      [0.6875, 0.8125, 0.4375, 0.8125],
      [0.9375, 0.0625, 0.6875, 0.5625],
      [0.4375, 0.5625, 0.1875, 0.0625],
      [0.3125, 0.1875, 0.3125, 0.9375],
      [0.8125, 0.6875, 0.8125, 0.4375],
      [0.5625, 0.4375, 0.0625, 0.1875],
      [0.0625, 0.9375, 0.5625, 0.6875],
    ]);
  });

  it('is a (0, m, 1)-net per axis: 2^m points fill the 2^m strata once, scrambled or not', () => {
    for (const rng of [undefined, createPrng(11)]) {
      const x = sobolSample(64, SOBOL_MAX_DIM, rng);
      for (let j = 0; j < SOBOL_MAX_DIM; j++) {
        expect(x.map((p) => Math.floor(p[j]! * 64)).sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
      }
      expect(x.flat().every((v) => v >= 0 && v < 1)).toBe(true);
    }
  });

  it('scrambling changes the points reproducibly and keeps the 2-D net property of dimensions 1-2', () => {
    const a = sobolSample(16, 7, createPrng(3));
    expect(a).toEqual(sobolSample(16, 7, createPrng(3)));
    expect(a).not.toEqual(sobolSample(16, 7, createPrng(4)));
    expect(a[0]).not.toEqual([0, 0, 0, 0, 0, 0, 0]);
    // (0,m,2)-net: each of the 4x4 elementary boxes holds exactly one point.
    const boxes = new Set(a.map((p) => `${Math.floor(p[0]! * 4)},${Math.floor(p[1]! * 4)}`));
    expect(boxes.size).toBe(16);
  });

  it('rejects unsupported dimensions', () => {
    expect(() => createSobol(0)).toThrow(RangeError);
    expect(() => createSobol(SOBOL_MAX_DIM + 1)).toThrow(RangeError);
  });
});
