/** ENN JSON round trip: identical predictions, metadata, validation of foreign input. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ENN_FORMAT, Enn, fitEnn, type EnnJson } from '../src/enn/index';
import { TINY, dataset, points } from './enn-fixtures';

describe('Enn.toJSON / Enn.fromJSON', () => {
  it('round-trips through JSON text with identical predictions and full metadata', async () => {
    const model = await fitEnn(dataset(40, 1), { seed: 7, structure: { ...TINY, depth: 2, activation: 'tanh' } });
    const json = model.toJSON();
    const text = JSON.stringify(json);
    const back = Enn.fromJSON(JSON.parse(text) as EnnJson);
    const x = points(200, 2);
    const a = model.predictMembers(x);
    const b = back.predictMembers(x);
    let maxDiff = 0;
    a.forEach((m, k) => m.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[k]![i]!)))));
    expect(maxDiff).toBeLessThan(1e-6);
    expect(back.structure).toEqual(model.structure);
    expect(back.yScaler).toEqual(model.yScaler);
    expect(json.format).toBe(ENN_FORMAT);
    expect(json.layers.every((l) => Array.isArray(l.w) && Array.isArray(l.b))).toBe(true);
    const meta = back.metadata;
    expect(meta).toEqual(model.metadata);
    expect(Number.isNaN(Date.parse(meta.trainedAt))).toBe(false);
    expect(meta).toMatchObject({ nTrain: 40, seed: 7, backend: tf.getBackend(), warmStart: false });
    expect(meta.modelVersion).toContain('n40');
  });

  it('a reloaded model can warm-start a refit', async () => {
    const data = dataset(30, 3);
    const model = Enn.fromJSON(JSON.parse(JSON.stringify(await fitEnn(data, { seed: 1, structure: TINY }))) as EnnJson);
    const refit = await fitEnn(dataset(31, 3), { init: model, epochs: 5 });
    expect(refit.metadata.warmStart).toBe(true);
    expect(refit.metadata.seed).toBe(1);
  });

  it('rejects foreign or inconsistent JSON', async () => {
    const json = (await fitEnn(dataset(20, 4), { seed: 1, structure: TINY })).toJSON();
    expect(() => Enn.fromJSON({ ...json, format: 'other' } as unknown as EnnJson)).toThrow(/format/);
    const broken = { ...json, layers: json.layers.map((l, i) => (i === 0 ? { ...l, w: l.w.slice(1) } : l)) };
    expect(() => Enn.fromJSON(broken)).toThrow(/shape/);
    expect(() => Enn.fromJSON({ ...json, structure: { ...json.structure, depth: 3 } })).toThrow(/layer count/);
  });
});
