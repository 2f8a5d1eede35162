/** No tensor outlives a fit, a refit, a prediction or a structure search. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fitEnn, selectStructure } from '../src/enn/index';
import { TINY, dataset, points } from './enn-fixtures';

describe('tensor hygiene', () => {
  it('keeps tf.memory().numTensors constant across fits and predictions', async () => {
    const data = dataset(30, 1);
    const first = await fitEnn(data, { seed: 1, structure: TINY }); // initialises the backend
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const cold = await fitEnn(data, { seed: i, structure: { ...TINY, depth: 2 } });
      const warm = await fitEnn(dataset(31, 1), { init: first, epochs: 10 });
      cold.predict(points(300, 2));
      warm.predictMembers(points(3, 3));
    }
    // Large n takes the per-member training path; it must be just as clean.
    await fitEnn(dataset(200, 4), { seed: 1, structure: { ...TINY, epochs: 5 } });
    await selectStructure(data.x, data.y, { candidates: [TINY as never], folds: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
