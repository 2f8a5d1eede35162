import { describe, expect, it } from 'vitest';
import { createPrng, uniformSample } from '../src/sampling';
import { assess, calibration, evaluateTwin, exactShapleyPoint, responseSurface, shapleyAnalysis, shapleyWeights, trainTestSplit, uncertaintyVsSize } from '../src/twin';
import { functionEnsemble, kernelFactory } from './helpers/kernel-ensemble';

const rng = createPrng(1);
const background = uniformSample(20, 7, rng);
const points = uniformSample(6, 7, rng);

describe('exact Shapley values', () => {
  it('weights of each coalition size sum with their multiplicity to 1', () => {
    const w = shapleyWeights(7);
    const binom = (n: number, k: number): number => (k === 0 ? 1 : (binom(n, k - 1) * (n - k + 1)) / k);
    expect(Array.from(w).reduce((s, wk, k) => s + wk * binom(6, k), 0)).toBeCloseTo(1, 14);
  });

  it('efficiency: sum of SHAP = f(x) - E_background[f] (cheap non-additive surrogate)', async () => {
    const data = { x: uniformSample(30, 7, rng), y: [] as number[] };
    data.y = data.x.map((p) => Math.sin(3 * p[0]!) * p[1]! + p[2]! ** 2 - p[3]! * p[4]!);
    const model = await kernelFactory()(data, { seed: 3 });
    const shap = shapleyAnalysis(model, points, background);
    const ebf = model.predict(background).mean.reduce((a, b) => a + b, 0) / background.length;
    expect(shap.base).toBeCloseTo(ebf, 10);
    const fx = model.predict(points).mean;
    shap.values.forEach((phi, p) => expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (fx[p]! - ebf))).toBeLessThan(1e-6));
    shap.fx.forEach((v, p) => expect(v).toBeCloseTo(fx[p]!, 10));
  });

  it('recovers the exact contributions of an additive function, and zero for an inert input', () => {
    const g = [(v: number) => 3 * v, (v: number) => v * v, (v: number) => Math.sin(4 * v), () => 0, (v: number) => -2 * v, (v: number) => Math.exp(v), (v: number) => 0.1 * v];
    const model = functionEnsemble(7, [(x) => g.reduce((s, gi, i) => s + gi(x[i]!), 0)]);
    const shap = shapleyAnalysis(model, points, background);
    points.forEach((x, p) => {
      g.forEach((gi, i) => {
        const expected = gi(x[i]!) - background.reduce((s, b) => s + gi(b[i]!), 0) / background.length;
        expect(shap.values[p]![i]).toBeCloseTo(expected, 12);
      });
      expect(shap.values[p]![3]).toBeCloseTo(0, 14);
    });
    const meanAbs = shap.ranking.map((r) => r.meanAbs);
    expect(meanAbs).toEqual([...meanAbs].sort((a, b) => b - a));
    expect(shap.ranking.at(-1)!.feature).toBe(3);
  });

  it('splits a pure interaction by the Shapley formula', () => {
    const bg = [[0.2, 0.4], [0.6, 0.8]];
    const { phi } = exactShapleyPoint((rows) => [Float64Array.from(rows, (r) => r[0]! * r[1]!)], [0.5, 1], bg);
    const vEmpty = (0.08 + 0.48) / 2;
    const v0 = 0.5 * 0.6;
    const v1 = 1 * 0.4;
    const v01 = 0.5;
    expect(phi[0]![0]).toBeCloseTo(0.5 * (v0 - vEmpty) + 0.5 * (v01 - v1), 14);
    expect(phi[0]![1]).toBeCloseTo(0.5 * (v1 - vEmpty) + 0.5 * (v01 - v0), 14);
  });

  it('explains every member from one batched call per point and reports their spread', () => {
    const model = functionEnsemble(7, [(x) => 2 * x[0]!, (x) => 4 * x[0]!, (x) => 3 * x[0]! + x[1]!]);
    const shap = shapleyAnalysis(model, points, background, ['T', 'CuI', 'c', 'd', 'e', 'f', 'g']);
    expect(model.calls).toBe(points.length);
    const mb0 = background.reduce((s, b) => s + b[0]!, 0) / background.length;
    const x = points[0]!;
    const member = [2, 4, 3].map((a) => a * (x[0]! - mb0));
    const mu = member.reduce((a, b) => a + b, 0) / 3;
    expect(shap.values[0]![0]).toBeCloseTo(mu, 12);
    expect(shap.spread[0]![0]).toBeCloseTo(Math.sqrt(member.reduce((s, v) => s + (v - mu) ** 2, 0) / 3), 12);
    expect(shap.ranking[0]).toMatchObject({ feature: 0, label: 'T' });
    expect(shap.ranking[0]!.memberStd).toBeGreaterThan(0);
    expect(() => exactShapleyPoint(() => [], [0.5], [])).toThrow(/background/);
  });
});

describe('twin accuracy, calibration, surface, uncertainty', () => {
  const f = (p: readonly number[]) => Math.sin(3 * p[0]!) + p[1]! ** 2 - 0.5 * p[2]!;
  const data = { x: uniformSample(60, 3, createPrng(5)), y: [] as number[] };
  data.y = data.x.map(f);

  it('80/20 split is seeded, disjoint and complete', () => {
    const s = trainTestSplit(60, 7);
    expect(s.test).toHaveLength(12);
    expect(s.train).toHaveLength(48);
    expect(new Set([...s.train, ...s.test]).size).toBe(60);
    expect(trainTestSplit(60, 7)).toEqual(s);
    expect(trainTestSplit(60, 8)).not.toEqual(s);
  });

  it('evaluateTwin reports train/test R^2, parity and calibration', async () => {
    const ev = await evaluateTwin(data, { fit: kernelFactory({ bandwidth: 0.12 }), seed: 1 });
    expect(ev.parity.test).toHaveLength(12);
    expect(ev.trainR2).toBeGreaterThan(ev.testR2 - 0.2);
    expect(ev.testR2).toBeGreaterThan(0.5);
    expect(ev.calibration.map((c) => c.k)).toEqual([1, 2]);
    expect(ev.calibration[0]!.expected).toBeCloseTo(0.6826894921370859, 12);
    expect(ev.calibration[1]!.expected).toBeCloseTo(0.9544997361036416, 12);
    expect(assess(ev.model, data).parity[0]!.actual).toBe(data.y[0]);
  });

  it('calibration counts points inside mean +- k std', () => {
    const parity = [
      { actual: 1, predicted: 0, std: 2 }, // |e| = 0.5 std
      { actual: 3, predicted: 0, std: 2 }, // 1.5 std
      { actual: 5, predicted: 0, std: 2 }, // 2.5 std
      { actual: 0, predicted: 0, std: 0 },
    ];
    expect(calibration(parity).map((c) => c.fraction)).toEqual([0.5, 0.75]);
  });

  it('response surface is the model on the grid with the other inputs held', () => {
    const model = functionEnsemble(3, [(x) => x[0]! + 10 * x[1]! + 100 * x[2]!]);
    const s = responseSurface(model, 2, 0, { fixed: [0.1, 0.3, 0.5], resolution: 5 });
    expect(s.xs).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(s.mean).toHaveLength(5);
    expect(s.mean[1]![3]).toBeCloseTo(0.25 + 3 + 75, 12); // y = input 0 = 0.25, x = input 2 = 0.75
    expect(() => responseSurface(model, 1, 1)).toThrow(RangeError);
  });

  it('uncertainty shrinks as the training set grows', async () => {
    const rows = await uncertaintyVsSize(data, { fit: kernelFactory(), seed: 2, samples: 300 });
    expect(rows.map((r) => r.n)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(rows.at(-1)!.meanStd).toBeLessThan(rows[0]!.meanStd);
    expect(rows.every((r) => r.stdStd >= 0 && r.relativeMeanStd > 0)).toBe(true);
  });
});
