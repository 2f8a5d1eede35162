import { describe, expect, it } from 'vitest';
import { createFeasibilityModel, FACE_INSET, maximizeAcquisition, penalize, PointSet, proposeFromModel, proposeRandom, proposeSpaceFilling, reflectInto } from '../src/policies';
import type { Surrogate } from '../src/surrogate';
import { createPrng } from '../src/sampling';
import { kernelFactory } from './helpers/kernel-ensemble';

const bowl = (c: number[]) => (pts: number[][]) => Float64Array.from(pts, (p) => -p.reduce((s, v, k) => s + (v - c[k]!) ** 2, 0));

describe('reflectInto', () => {
  it('keeps inner values, mirrors at each bound (also more than once), and has no mass on the bounds', () => {
    expect(reflectInto(0.3, 0, 1)).toBeCloseTo(0.3, 12);
    expect(reflectInto(-0.2, 0, 1)).toBeCloseTo(0.2, 12);
    expect(reflectInto(1.25, 0.5, 1)).toBeCloseTo(0.75, 12);
    expect(reflectInto(2.3, 0, 1)).toBeCloseTo(0.3, 12);
    expect(reflectInto(-1.4, 0, 1)).toBeCloseTo(0.6, 12);
    expect(reflectInto(0.7, 0.4, 0.4)).toBe(0.4);
    // Gaussian steps from a point on a face: a clamp would put half of them on it, a mirror none.
    const rng = createPrng(3);
    const steps = Array.from({ length: 1000 }, () => reflectInto(1 + 0.05 * rng.normal(), 0, 1));
    expect(steps.filter((v) => v > 1 - 1e-4).length).toBeLessThan(10);
    expect(steps.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('maximizeAcquisition', () => {
  it('finds the interior maximum of a 5-D bowl (global Sobol + local refinement)', () => {
    const c = [0.3, 0.71, 0.52, 0.13, 0.9];
    const res = maximizeAcquisition(bowl(c), { dim: 5, rng: createPrng(1), candidates: 1024 })!;
    res.x.forEach((v, k) => expect(Math.abs(v - c[k]!)).toBeLessThan(0.02));
    expect(res.value).toBeGreaterThan(-1e-3);
    expect(res.evaluations).toBeGreaterThan(1024);
  });

  it('stays inside the cube when the optimum is outside it', () => {
    const res = maximizeAcquisition(bowl([1.5, -0.5, 0.5]), { dim: 3, rng: createPrng(2), candidates: 512 })!;
    expect(res.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(res.x[0]).toBeGreaterThan(0.97);
    expect(res.x[1]).toBeLessThan(0.03);
  });

  it('local refinement polishes within maxTravel of its start instead of running to a corner', () => {
    const uphill = (pts: number[][]) => Float64Array.from(pts, (p) => p.reduce((a, b) => a + b, 0));
    const res = maximizeAcquisition(uphill, { dim: 3, rng: createPrng(5), candidates: 0, extra: [[0.5, 0.5, 0.5]], maxTravel: 0.05 })!;
    res.x.forEach((v) => {
      expect(v).toBeGreaterThan(0.5);
      expect(v).toBeLessThanOrEqual(0.55 + 1e-12);
    });
    const none = maximizeAcquisition(uphill, { dim: 3, rng: createPrng(5), candidates: 0, extra: [[0.5, 0.5, 0.5]], iterations: 0 })!;
    expect(none.x).toEqual([0.5, 0.5, 0.5]);
  });

  it('never returns an excluded (quantized) point', () => {
    const quantize = (u: readonly number[]) => u.map((v) => Math.round(v * 4) / 4);
    const exclude = new PointSet([[0.25, 0.75]]);
    const res = maximizeAcquisition(bowl([0.25, 0.75]), { dim: 2, rng: createPrng(3), candidates: 256, quantize, exclude })!;
    expect(res.x).not.toEqual([0.25, 0.75]);
    expect(res.x.every((v) => Number.isInteger(v * 4))).toBe(true);
    // All 25 grid points excluded: nothing left.
    const all = new PointSet([0, 0.25, 0.5, 0.75, 1].flatMap((a) => [0, 0.25, 0.5, 0.75, 1].map((b) => [a, b])));
    expect(maximizeAcquisition(bowl([0.5, 0.5]), { dim: 2, rng: createPrng(3), candidates: 256, quantize, exclude: all })).toBeUndefined();
  });
});

describe('failure model', () => {
  it('is inactive without failures and high near a lone failure, low near successes', () => {
    expect(createFeasibilityModel([[0.5, 0.5]], []).active).toBe(false);
    const m = createFeasibilityModel([[0.9, 0.9]], [[0.1, 0.1]]);
    const [atFail, far, atOk] = m.pFail([[0.1, 0.1], [0.5, 0.5], [0.9, 0.9]]);
    expect(atFail).toBeCloseTo(0.8, 2);
    expect(far!).toBeLessThan(atFail!);
    expect(atOk).toBeLessThan(0.01);
  });
  it('penalize scales non-negative acquisitions and shifts signed ones', () => {
    const p = Float64Array.from([0, 0.5, 1]);
    expect(Array.from(penalize(Float64Array.from([2, 2, 2]), p, 'ei', 10))).toEqual([2, 1, 0]);
    expect(Array.from(penalize(Float64Array.from([2, 2, 2]), p, 'ucb', 10))).toEqual([2, -3, -8]);
  });
});

describe('propose*', () => {
  const data = { x: [[0.1, 0.1], [0.9, 0.2], [0.5, 0.8], [0.3, 0.5]], y: [1, 2, 3, 1.5] };

  it('MV goes where the ensemble disagrees most (away from data)', async () => {
    const model = await kernelFactory()(data, { seed: 1 });
    const p = proposeFromModel('mv', { candidates: 1024 }, model, { dim: 2, rng: createPrng(1), direction: 'maximize', exclude: new PointSet() })!;
    const dMin = Math.min(...data.x.map((x) => Math.hypot(x[0]! - p.cube[0]!, x[1]! - p.cube[1]!)));
    expect(dMin).toBeGreaterThan(0.25);
    const std = model.predict([p.cube]).std[0]!;
    expect(std).toBeCloseTo(p.acquisitionValue!, 10);
    expect(p.predicted!.std).toBe(std);
  });

  it('EPLT with a failure next to the best point moves away from it', async () => {
    const model = await kernelFactory()(data, { seed: 1 });
    const ctx = { dim: 2, rng: createPrng(2), direction: 'maximize' as const, exclude: new PointSet(data.x), best: 3, incumbent: [0.5, 0.8] };
    const free = proposeFromModel('eplt', { candidates: 1024 }, model, ctx)!;
    const feasibility = createFeasibilityModel(data.x, [free.cube], { bandwidth: 0.1 });
    const penalised = proposeFromModel('eplt', { candidates: 1024 }, model, { ...ctx, rng: createPrng(2), feasibility, penaltyScale: 2 })!;
    expect(Math.hypot(penalised.cube[0]! - free.cube[0]!, penalised.cube[1]! - free.cube[1]!)).toBeGreaterThan(0.05);
  });

  it('a trust region keeps the proposal inside the box around the incumbent', async () => {
    const model = await kernelFactory()(data, { seed: 1 });
    const ctx = { dim: 2, rng: createPrng(6), direction: 'maximize' as const, exclude: new PointSet(data.x), best: 3, incumbent: [0.5, 0.8] };
    const p = proposeFromModel('mv', { candidates: 512, trustRegion: 0.2 }, model, ctx)!;
    expect(Math.abs(p.cube[0]! - 0.5)).toBeLessThanOrEqual(0.1 + 1e-12);
    expect(Math.abs(p.cube[1]! - 0.8)).toBeLessThanOrEqual(0.1 + 1e-12);
  });

  it('UCB leaves a face when little optimistic gain is lost there, and stays where the face is clearly better', () => {
    // A gentle slope toward u0 = 1 in a flat second input, constant spread: UCB peaks on that face.
    const ramp: Surrogate = {
      dim: 2,
      members: 1,
      predict: (x) => ({ mean: Float64Array.from(x, (u) => u[0]!), std: Float64Array.from(x, () => 0.01) }),
      predictMembers: (x) => [Float64Array.from(x, (u) => u[0]!)],
    };
    const ctx = (best: number) => ({ dim: 2, rng: createPrng(4), direction: 'maximize' as const, exclude: new PointSet(), best, incumbent: [0.5, 0.5] });
    const params = { candidates: 256, trustRegion: undefined };
    // Far below the face's UCB (1.02), 0.03 inside loses ~3 % of the gain: moved in.
    const inward = proposeFromModel('ucb', params, ramp, ctx(0))!;
    expect(inward.cube[0]).toBeCloseTo(1 - FACE_INSET, 9);
    expect(inward.acquisitionValue).toBeCloseTo(1 - FACE_INSET + 0.02, 9);
    // Without the tie-break it stays on the face.
    expect(proposeFromModel('ucb', { ...params, faceTolerance: 0 }, ramp, ctx(0))!.cube[0]).toBeCloseTo(1, 9);
    // With the incumbent at 0.99 the face holds all the optimistic gain (0.03, 0 inside): it stays.
    expect(proposeFromModel('ucb', params, ramp, ctx(0.99))!.cube[0]).toBeCloseTo(1, 9);
  });

  it('random and space-filling proposals avoid excluded points', () => {
    const quantize = (u: readonly number[]) => u.map((v) => Math.round(v));
    const exclude = new PointSet([[0, 0], [0, 1], [1, 0]]);
    const ctx = { dim: 2, rng: createPrng(4), direction: 'maximize' as const, exclude, quantize };
    expect(proposeRandom(ctx)!.cube).toEqual([1, 1]);
    expect(proposeSpaceFilling([[0, 0]], ctx, 64)!.cube).toEqual([1, 1]);
    exclude.add([1, 1]);
    expect(proposeRandom(ctx, 50)).toBeUndefined();
  });
});
