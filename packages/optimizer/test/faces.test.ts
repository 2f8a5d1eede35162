import { describe, expect, it } from 'vitest';
import { FACE_INSET, identityQuantizer, offTheFaces, PointSet } from '../src/policies';

/** Peaks sharply at x0 = 0 (0.03 inward loses 58 %), grows gently toward x1 = 1; x2 matters not at all. */
const score = (pts: number[][]) => Float64Array.from(pts, (p) => 1 + 0.05 * p[1]! + 5 * Math.exp(-40 * p[0]!));
const cube = { lo: [0, 0, 0], hi: [1, 1, 1], quantize: identityQuantizer };

describe('offTheFaces', () => {
  it('moves a coordinate off a face where the score is nearly flat, and keeps one where the face is clearly better', () => {
    const x = [0, 1, 1];
    const value = score([x])[0]!;
    const r = offTheFaces(x, value, score, { ...cube, tolerance: 0.1, exclude: new PointSet() });
    expect(r.x[0]).toBe(0);
    expect(r.x[1]).toBeCloseTo(1 - FACE_INSET, 12);
    expect(r.x[2]).toBeCloseTo(1 - FACE_INSET, 12);
    expect(r.value).toBeCloseTo(score([r.x])[0]!, 12);
    expect(r.value).toBeGreaterThanOrEqual(0.9 * value);
  });

  it('accepts no loss beyond the tolerance, and none at all with tolerance 0 where the score drops', () => {
    const x = [0, 1, 1];
    const value = score([x])[0]!;
    const strict = offTheFaces(x, value, score, { ...cube, tolerance: 0, exclude: new PointSet() });
    expect(strict.x.slice(0, 2)).toEqual([0, 1]);
    expect(strict.x[2]).toBeCloseTo(1 - FACE_INSET, 12); // a free move: the score does not change
    const loose = offTheFaces(x, value, score, { ...cube, tolerance: 0.7, exclude: new PointSet() });
    expect(loose.x[0]).toBeCloseTo(FACE_INSET, 12);
  });

  it('accepts a loss up to the negligible amount however large it is relative to the maximum', () => {
    const x = [0, 0.5, 0.5];
    const value = score([x])[0]!;
    const inset = score([[FACE_INSET, 0.5, 0.5]])[0]!;
    const loss = value - inset; // 58 % of the maximum, above any tolerance below
    const kept = offTheFaces(x, value, score, { ...cube, tolerance: 0.1, negligible: 0.9 * loss, exclude: new PointSet() });
    expect(kept.x).toEqual(x);
    const moved = offTheFaces(x, value, score, { ...cube, tolerance: 0.1, negligible: 1.1 * loss, exclude: new PointSet() });
    expect(moved.x[0]).toBeCloseTo(FACE_INSET, 12);
    expect(moved.value).toBeCloseTo(inset, 12);
  });

  it('weighs the gain over a baseline: a move flat in the score is refused when it loses most of the gain', () => {
    const x = [0.5, 1, 0.5];
    const value = score([x])[0]!; // 1.05 + a trace of the peak; 0.03 inside loses 0.0015 (0.14 % of the score)
    expect(offTheFaces(x, value, score, { ...cube, tolerance: 0.1, exclude: new PointSet() }).x[1]).toBeCloseTo(1 - FACE_INSET, 12);
    // Over a baseline just under the maximum, that 0.0015 is most of what there is to gain: kept.
    const kept = offTheFaces(x, value, score, { ...cube, tolerance: 0.1, baseline: value - 0.002, exclude: new PointSet() });
    expect(kept.x).toEqual(x);
    expect(kept.value).toBe(value);
  });

  it('stays inside the search box, skips moves onto excluded points, and leaves interior points alone', () => {
    const box = { ...cube, lo: [0, 0, 0.99], hi: [1, 1, 1] };
    const inBox = offTheFaces([0.5, 0.5, 1], score([[0.5, 0.5, 1]])[0]!, score, { ...box, tolerance: 0.1, exclude: new PointSet() });
    expect(inBox.x).toEqual([0.5, 0.5, 0.99]);
    const blocked = offTheFaces([0.5, 0.5, 1], score([[0.5, 0.5, 1]])[0]!, score, { ...cube, tolerance: 0.1, exclude: new PointSet([[0.5, 0.5, 1 - FACE_INSET]]) });
    expect(blocked.x).toEqual([0.5, 0.5, 1]);
    const inner = [0.2, 0.4, 0.6];
    expect(offTheFaces(inner, score([inner])[0]!, score, { ...cube, tolerance: 0.1, exclude: new PointSet() }).x).toEqual(inner);
  });
});
