import { describe, expect, it } from 'vitest';
import { acquisition, expectedImprovement, exploitation, normalCdf, normalPdf, upperConfidenceBound } from '../src/acquisition';

// Reference values from scipy.stats.norm (SciPy 1.17).
const CDF: [number, number][] = [
  [-10, 7.61985302416047e-24],
  [-5, 2.866515718791933e-7],
  [-2.5, 0.006209665325776132],
  [-1, 0.15865525393145707],
  [-0.25, 0.4012936743170763],
  [0, 0.5],
  [0.25, 0.5987063256829237],
  [1, 0.8413447460685429],
  [3, 0.9986501019683699],
];

describe('normal distribution', () => {
  it('CDF matches SciPy to 1e-14 relative, including the far tail', () => {
    for (const [z, p] of CDF) expect(Math.abs(normalCdf(z) - p)).toBeLessThanOrEqual(1e-14 * Math.max(p, 1e-300) + 1e-16);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });
  it('pdf at 0 and 0.25', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(normalPdf(0.25)).toBeCloseTo(0.38666811680284924, 15);
  });
});

describe('expected improvement', () => {
  it('mean=1, std=2, best=0.5, xi=0 by hand: I=0.5, z=0.25 -> 0.5 Phi(0.25) + 2 phi(0.25)', () => {
    // 0.5 * 0.5987063256829237 + 2 * 0.38666811680284924 = 1.0726893964471604
    expect(expectedImprovement(1, 2, 0.5)).toBeCloseTo(1.0726893964471604, 12);
  });
  it('minimisation: I = best - mean = -0.5 -> -0.5 Phi(-0.25) + 2 phi(-0.25)', () => {
    expect(expectedImprovement(1, 2, 0.5, 0, 'minimize')).toBeCloseTo(0.5726893964471604, 12);
  });
  it('other hand-checked cases (xi shifts the incumbent)', () => {
    expect(expectedImprovement(0.2, 0.3, 1.0)).toBeCloseTo(0.00035449135306744655, 14);
    expect(expectedImprovement(0.2, 0.3, 1.0, 0.1, 'minimize')).toBeCloseTo(0.7009958366880612, 12);
    expect(expectedImprovement(3, 0.5, 2, 0.2)).toBeCloseTo(0.8116209839800814, 12);
  });
  it('std = 0 gives max(improvement, 0)', () => {
    expect(expectedImprovement(1, 0, 0.5)).toBe(0.5);
    expect(expectedImprovement(0.4, 0, 0.5)).toBe(0);
    expect(expectedImprovement(0.4, 0, 0.5, 0, 'minimize')).toBeCloseTo(0.1, 15);
    expect(expectedImprovement(1, 0, 0.5, 0.2)).toBeCloseTo(0.3, 15);
  });
  it('is positive, grows with std and with the mean (maximize)', () => {
    expect(expectedImprovement(0, 1, 0)).toBeCloseTo(normalPdf(0), 15);
    expect(expectedImprovement(0, 2, 1)).toBeGreaterThan(expectedImprovement(0, 1, 1));
    expect(expectedImprovement(0.5, 1, 1)).toBeGreaterThan(expectedImprovement(0, 1, 1));
  });
});

describe('UCB, EPLT, MV and the vectorised acquisition', () => {
  it('UCB = mean + kappa std, and the negated lower bound when minimising', () => {
    expect(upperConfidenceBound(1, 2)).toBe(5);
    expect(upperConfidenceBound(1, 2, 0.5)).toBe(2);
    expect(upperConfidenceBound(1, 2, 0.5, 'minimize')).toBe(0);
    expect(upperConfidenceBound(3, 1, 1, 'minimize')).toBe(-2);
  });
  it('EPLT is the signed mean', () => {
    expect(exploitation(3)).toBe(3);
    expect(exploitation(3, 'minimize')).toBe(-3);
  });
  it('vectorised forms agree with the scalar ones', () => {
    const p = { mean: Float64Array.from([1, 0.2, 3]), std: Float64Array.from([2, 0.3, 0]) };
    expect(Array.from(acquisition('mv', {}, { direction: 'maximize' })(p))).toEqual([2, 0.3, 0]);
    expect(Array.from(acquisition('eplt', {}, { direction: 'minimize' })(p))).toEqual([-1, -0.2, -3]);
    expect(Array.from(acquisition('ucb', { kappa: 1 }, { direction: 'maximize' })(p))).toEqual([3, 0.5, 3]);
    const ei = acquisition('ei', { xi: 0 }, { direction: 'maximize', best: 0.5 })(p);
    expect(ei[0]).toBeCloseTo(1.0726893964471604, 12);
    expect(ei[2]).toBe(2.5);
    expect(() => acquisition('ei', {}, { direction: 'maximize' })).toThrow(/incumbent/);
  });
});
