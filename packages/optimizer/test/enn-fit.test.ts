/** ENN fitting: accuracy, uncertainty, reproducibility, early stopping, warm starts, input checks. */
import { describe, expect, it } from 'vitest';
import { EnnError, fitEnn, r2 } from '../src/enn/index';
import { TINY, dataset, mean, points, smooth7 } from './enn-fixtures';

describe('fitEnn', () => {
  it('fits a smooth 7-D function from 80 points with test R^2 > 0.9', async () => {
    const train = dataset(80, 1);
    const test = dataset(500, 2);
    const model = await fitEnn(train, { seed: 3 });
    expect(model.dim).toBe(7);
    expect(model.members).toBe(10);
    const score = r2(test.y, model.predict(test.x).mean);
    expect(score).toBeGreaterThan(0.9);
  });

  it('is more uncertain far from the data than at the training points', async () => {
    const train = dataset(60, 4, smooth7, 0, 0.5); // data only in the lower corner
    const model = await fitEnn(train, { seed: 5 });
    const near = mean(model.predict(train.x).std);
    const far = mean(model.predict(points(200, 6, 7, 0.9, 1)).std);
    expect(far).toBeGreaterThan(2 * near);
  });

  it('reports the ensemble mean and the population std of the members', async () => {
    const model = await fitEnn(dataset(30, 7), { seed: 1, structure: TINY });
    const x = points(5, 8);
    const members = model.predictMembers(x);
    const { mean: mu, std } = model.predict(x);
    expect(members).toHaveLength(TINY.members);
    for (let i = 0; i < x.length; i++) {
      const v = members.map((m) => m[i]!);
      const m = mean(v);
      expect(mu[i]).toBeCloseTo(m, 10);
      expect(std[i]).toBeCloseTo(Math.sqrt(mean(v.map((a) => (a - m) ** 2))), 10);
    }
    expect(model.predict([]).mean).toHaveLength(0);
  });

  it('is reproducible: same seed and data give identical predictions', async () => {
    const data = dataset(40, 9);
    const x = points(50, 10);
    const a = await fitEnn(data, { seed: 42, structure: TINY });
    const b = await fitEnn(data, { seed: 42, structure: TINY });
    const c = await fitEnn(data, { seed: 43, structure: TINY });
    expect(b.predictMembers(x)).toEqual(a.predictMembers(x));
    expect(c.predict(x).mean).not.toEqual(a.predict(x).mean);
  });

  it('stops early on the out-of-bag loss and restores the best weights', async () => {
    // Pure noise: the out-of-bag loss stops improving quickly.
    const x = points(60, 11);
    const y = points(60, 12, 1).map((p) => p[0]!);
    const structure = { ...TINY, epochs: 2000, learningRate: 0.02 };
    const model = await fitEnn({ x, y }, { seed: 1, structure, patience: 30 });
    const { epochsRun, stoppedEarly } = model.metadata;
    const { bestEpoch, history } = model.training!;
    expect(stoppedEarly).toBe(true);
    expect(epochsRun).toBeLessThan(2000);
    expect(epochsRun - bestEpoch).toBeGreaterThanOrEqual(30);
    const best = history.find((h) => h.epoch === bestEpoch)!.valLoss;
    expect(best).toBeLessThanOrEqual(Math.min(...history.map((h) => h.valLoss)) / (1 - 1e-3));
    // The restored weights are exactly the weights after `bestEpoch` epochs.
    const replay = await fitEnn({ x, y }, { seed: 1, structure: { ...structure, epochs: bestEpoch }, earlyStopping: false });
    expect(model.predict(x).mean).toEqual(replay.predict(x).mean);
  });

  it('warm start reaches the cold-fit loss in far fewer epochs', async () => {
    const data = dataset(61, 13);
    const first = { x: data.x.slice(0, 60), y: data.y.slice(0, 60) };
    const opts = { seed: 2, earlyStopping: false, checkEvery: 5 } as const;
    const previous = await fitEnn(first, { ...opts, structure: { epochs: 300 } });
    const cold = await fitEnn(data, { ...opts, structure: { epochs: 300 } });
    const warm = await fitEnn(data, { ...opts, init: previous, epochs: 300 });
    const target = 1.2 * cold.training!.history.at(-1)!.trainLoss;
    const epochsTo = (h: { epoch: number; trainLoss: number }[]) => h.find((c) => c.trainLoss <= target)?.epoch ?? Infinity;
    const warmEpochs = epochsTo(warm.training!.history);
    const coldEpochs = epochsTo(cold.training!.history);
    expect(warm.metadata.warmStart).toBe(true);
    expect(warmEpochs).toBeLessThan(coldEpochs / 3);
  });

  it('warm start keeps the function when the output scaling changes', async () => {
    const data = dataset(40, 14);
    const model = await fitEnn(data, { seed: 1, structure: TINY });
    // New data shift the output scaler; with zero epochs the refit must predict exactly as before.
    const shifted = { x: [...data.x, [1, 1, 1, 1, 1, 1, 1]], y: [...data.y, 100] };
    const same = await fitEnn(shifted, { init: model, epochs: 0 });
    const x = points(20, 15);
    const a = model.predict(x).mean;
    const b = same.predict(x).mean;
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 3));
  });

  it('rejects bad data and a warm start of another shape', async () => {
    await expect(fitEnn({ x: [[0.1], [0.2]], y: [1] })).rejects.toMatchObject({ code: 'INVALID_DATA' });
    await expect(fitEnn({ x: [[0.1], [Number.NaN]], y: [1, 2] })).rejects.toBeInstanceOf(EnnError);
    await expect(fitEnn({ x: [[0.1], [0.2]], y: [1, 2] }, { structure: { width: 0 } })).rejects.toMatchObject({ code: 'INVALID_STRUCTURE' });
    const model = await fitEnn(dataset(20, 16), { seed: 1, structure: TINY });
    await expect(fitEnn(dataset(20, 17), { init: model, structure: { width: 9 } })).rejects.toMatchObject({ code: 'STRUCTURE_MISMATCH' });
    expect(() => model.predict([[0.5, 0.5]])).toThrow(EnnError);
  });
});
