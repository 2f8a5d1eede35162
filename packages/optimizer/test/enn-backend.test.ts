/** Backend selection: wasm from the package's own files, idempotent, overridable. */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend, selectBackend } from '../src/backend';

const env = process.env.SDFL_TF_BACKEND;

describe('initBackend', () => {
  afterEach(() => {
    if (env === undefined) delete process.env.SDFL_TF_BACKEND;
    else process.env.SDFL_TF_BACKEND = env;
  });

  it('picks a working backend once (wasm here: tfjs-node is absent) and returns it again', async () => {
    const first = initBackend();
    expect(initBackend()).toBe(first);
    const name = await first;
    expect(name).toBe(env === 'cpu' ? 'cpu' : 'wasm');
    expect(tf.getBackend()).toBe(name);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
    expect(product).toBe(11);
  });

  it('can be forced (option or SDFL_TF_BACKEND) and refuses unknown or unavailable backends', async () => {
    const name = await initBackend();
    const logs: string[] = [];
    process.env.SDFL_TF_BACKEND = 'cpu';
    expect(await selectBackend({ log: (m) => logs.push(m) })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend()).toBe('cpu'); // an explicit selection is kept
    expect(logs).toEqual([expect.stringContaining("'cpu' (forced)")]);
    process.env.SDFL_TF_BACKEND = 'gpu';
    await expect(selectBackend()).rejects.toThrow(/not one of/);
    await expect(selectBackend({ force: 'node', log: () => {} })).rejects.toThrow(/no usable tfjs backend/);
    expect(await selectBackend({ force: name, log: () => {} })).toBe(name);
    expect(tf.getBackend()).toBe(name);
  });
});
