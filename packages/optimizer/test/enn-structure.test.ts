/** Structure selection (held-out R^2, acceptance threshold) and the r2 metric. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANDIDATES, r2, randomStructures, selectStructure, type EnnStructure } from '../src/enn/index';
import { TINY, dataset } from './enn-fixtures';

const candidates: EnnStructure[] = [
  { ...TINY, activation: 'relu', weightDecay: 1e-2, learningRate: 0.02, epochs: 60 },
  { ...TINY, activation: 'tanh', weightDecay: 1e-3, learningRate: 0.02, epochs: 60 },
  { ...TINY, members: 3, depth: 2, width: 8, activation: 'relu', weightDecay: 1e-2, learningRate: 0.02, epochs: 60 },
];

describe('selectStructure', () => {
  it('scores every candidate on an 80/20 split and flags acceptance by the threshold', async () => {
    const { x, y } = dataset(60, 1);
    const result = await selectStructure(x, y, { candidates, seed: 3 });
    expect(result.split).toEqual({ kind: 'holdout', folds: 1, nTest: 12 });
    expect(result.report).toHaveLength(candidates.length);
    result.report.forEach((c, i) => {
      expect(c.structure).toEqual(candidates[i]);
      expect(c.foldR2).toHaveLength(1);
      expect(c.r2).toBe(c.foldR2[0]);
      expect(c.fitMs).toBeGreaterThan(0);
      expect(c.epochs).toBeGreaterThan(0);
    });
    const top = Math.max(...result.report.map((c) => c.r2));
    expect(result.r2).toBe(top);
    expect(result.best).toEqual(result.report.find((c) => c.r2 === top)!.structure);
    expect(result.threshold).toBe(0.8);
    expect(result.accepted).toBe(result.r2 >= 0.8);
    // Same seed -> same scores, so the flag flips exactly at the best R^2.
    const above = await selectStructure(x, y, { candidates, seed: 3, threshold: result.r2 + 1e-9 });
    const at = await selectStructure(x, y, { candidates, seed: 3, threshold: result.r2 });
    expect(above.accepted).toBe(false);
    expect(at.accepted).toBe(true);
  });

  it('switches to pooled 5-fold cross-validation below 40 points', async () => {
    const { x, y } = dataset(20, 2);
    const result = await selectStructure(x, y, { candidates: candidates.slice(0, 2), seed: 1 });
    expect(result.split).toEqual({ kind: 'kfold', folds: 5, nTest: 20 });
    result.report.forEach((c) => expect(c.foldR2).toHaveLength(5));
  });

  it('offers a small default grid and seeded random candidates', () => {
    expect(DEFAULT_CANDIDATES.length).toBeGreaterThanOrEqual(4);
    expect(DEFAULT_CANDIDATES.length).toBeLessThanOrEqual(8);
    const a = randomStructures(5, 1);
    expect(randomStructures(5, 1)).toEqual(a);
    for (const s of a) {
      expect(s.depth).toBeGreaterThanOrEqual(1);
      expect(s.depth).toBeLessThanOrEqual(3);
      expect(s.width).toBeGreaterThanOrEqual(8);
      expect(s.width).toBeLessThanOrEqual(64);
    }
  });
});

describe('r2', () => {
  it('is 1 for a perfect fit, 0 for the mean, negative when worse', () => {
    const y = [1, 2, 3, 4];
    expect(r2(y, y)).toBe(1);
    expect(r2(y, [2.5, 2.5, 2.5, 2.5])).toBe(0);
    expect(r2(y, [4, 3, 2, 1])).toBeLessThan(0);
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(() => r2([1], [1, 2])).toThrow(RangeError);
  });
});
