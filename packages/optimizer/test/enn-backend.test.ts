/** Backend selection: wasm from the package's own files, idempotent, overridable. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, selectBackend } from '../src/backend';

describe('initBackend', () => {
  it('picks a working backend once (wasm here: tfjs-node is absent) and returns it again', async () => {
    const first = initBackend();
    expect(initBackend()).toBe(first);
    const name = await first;
    expect(name).toBe(process.env.SDFL_TF_BACKEND === 'cpu' ? 'cpu' : 'wasm');
    expect(tf.getBackend()).toBe(name);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
    expect(product).toBe(11);
  });

  it('can be forced, and refuses unknown names or unavailable forced backends', async () => {
    const logs: string[] = [];
    const name = await initBackend();
    expect(await selectBackend({ force: 'cpu', log: (m) => logs.push(m) })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(logs).toEqual([expect.stringContaining("'cpu' (forced")]);
    await expect(selectBackend({ force: 'gpu' })).rejects.toThrow(/not one of/);
    await expect(selectBackend({ force: 'node', log: () => {} })).rejects.toThrow(/no usable tfjs backend/);
    expect(await selectBackend({ force: name, log: () => {} })).toBe(name);
    expect(tf.getBackend()).toBe(name);
  });
});
