/** The two training evaluation orders and the inference rewrite compute the same network. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend';
import { fitEnn } from '../src/enn/index';
import { forwardInputs, forwardTheta, tanhViaSigmoid } from '../src/enn/forward';
import { encodeInputs, initLayers, packTheta, paramLayout } from '../src/enn/layers';
import { createRng } from '../src/enn/rng';
import { trainBatched } from '../src/enn/train';
import { DEFAULT_STRUCTURE, type EnnActivation } from '../src/enn/types';
import { dataset, points } from './enn-fixtures';

describe('ENN internals', () => {
  it('tanh via sigmoid matches tf.tanh', async () => {
    await initBackend();
    const z = tf.linspace(-8, 8, 101);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tanhViaSigmoid(z), tf.tanh(z)))).dataSync()[0]!);
    z.dispose();
    expect(diff).toBeLessThan(1e-6);
  });

  it.each<EnnActivation>(['relu', 'tanh'])('batched and per-member training follow the same trajectory (%s)', async (activation) => {
    await initBackend();
    const s = { ...DEFAULT_STRUCTURE, members: 3, width: 8, activation };
    const n = 40;
    const { x, y } = dataset(n, 1);
    const layers = initLayers(7, s, createRng(1));
    const ys = Float32Array.from(y, (v) => v / 5);
    const run = (mode: 'batched' | 'members') =>
      trainBatched({
        x: encodeInputs(x, 7),
        n,
        dim: 7,
        y: ys,
        trainWeights: new Float32Array(3 * n).fill(1 / n),
        oobMask: new Uint8Array(3 * n),
        layers,
        structure: s,
        epochs: 30,
        patience: 0,
        checkEvery: 10,
        mode,
      });
    const a = run('batched');
    const b = run('members');
    a.history.forEach((h, i) => expect(b.history[i]!.trainLoss).toBeCloseTo(h.trainLoss, 4));
    a.layers.forEach((l, i) => l.w.forEach((v, j) => expect(b.layers[i]!.w[j]).toBeCloseTo(v, 3)));
  });

  it('inference (fused, tanh rewritten as sigmoid) equals the training graph', async () => {
    const model = await fitEnn(dataset(30, 2), { seed: 1, structure: { members: 3, width: 8, activation: 'tanh', epochs: 30 } });
    const x = points(25, 3);
    const layout = paramLayout(7, model.structure);
    const theta = packTheta(model.weights(), layout, 3);
    const graph = tf.tidy(() => {
      const input = forwardInputs(encodeInputs(x, 7), x.length, 7, 3, 'batched');
      const out = forwardTheta(tf.tensor2d(theta, [3, layout.size]), input, layout, 'tanh').dataSync();
      input.x.dispose();
      return out;
    });
    const members = model.predictMembers(x);
    const { mean, std } = model.yScaler;
    members.forEach((m, k) => m.forEach((v, i) => expect(v).toBeCloseTo(graph[k * x.length + i]! * std + mean, 4)));
  });
});
