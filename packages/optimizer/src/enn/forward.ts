/**
 * Batched forward passes of all members at once, from the flat parameter tensor theta [M, P].
 *
 * Two equivalent evaluation orders (same maths, different kernels). Measured on tfjs-wasm 4.22:
 * the batched matMul ([M, n, in] x [M, in, out]) has no XNNPACK path and runs ~1 MAC/ns, which is
 * the fastest choice for small n (few kernel launches); for large n, per-member 2-D matMuls on
 * slices of the stacked weights use XNNPACK and win despite ~M times more kernel launches.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamLayout } from './layers';
import type { EnnActivation } from './types';

/** `batched`: one batched matMul per layer; `members`: per-member 2-D matMuls. */
export type ForwardMode = 'batched' | 'members';

/**
 * Pick the faster evaluation order. The batched kernel costs ~1 ns per multiply-add (forward +
 * two gradient products); the per-member path costs ~3 ms per epoch of launches at M = 10 but
 * little per row. Measured crossover (2 x 32 relu, M = 10): n ~ 100; (2 x 16): n ~ 300.
 */
export function chooseMode(n: number, layout: ParamLayout, members: number): ForwardMode {
  const macsPerRow = layout.layers.reduce((a, l) => a + l.inputs * l.outputs, 0);
  return 3 * members * n * macsPerRow > 4e6 ? 'members' : 'batched';
}

/** Training inputs in the layout each mode needs. */
export interface ForwardInputs {
  mode: ForwardMode;
  /** [M, n, d] tiled copy for `batched`, [n, d] for `members`. */
  x: tf.Tensor;
}

/** Prepare inputs (x: encoded n x d) for {@link forwardTheta}; dispose the result after use. */
export function forwardInputs(x: Float32Array, n: number, dim: number, members: number, mode: ForwardMode): ForwardInputs {
  const x2 = tf.tensor2d(x, [n, dim]);
  if (mode === 'members') return { mode, x: x2 };
  const x3 = tf.tidy(() => tf.tile(tf.reshape(x2, [1, n, dim]), [members, 1, 1]));
  x2.dispose();
  return { mode, x: x3 };
}

/**
 * tanh(z) = 2 sigmoid(2z) - 1: tfjs-wasm's Tanh kernel is scalar libm (~13 ns/element), its
 * Sigmoid is vectorised; the identity is exact, so this is still a tanh network.
 */
export function tanhViaSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(z, 2)), 2), 1);
}

/**
 * 2-D matMul whose gradients use explicit transposes: tfjs-wasm sends transposeA/transposeB
 * products to its scalar fallback, while transpose + plain matMul stays on XNNPACK
 * (measured 600 us vs 65 us for dW at n = 1000).
 */
const matMul2d = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

function activate(z: tf.Tensor, activation: EnnActivation): tf.Tensor {
  return activation === 'relu' ? tf.relu(z) : tanhViaSigmoid(z);
}

/** Standardized outputs [M, n] of all members. Call inside `tf.tidy` or a gradient function. */
export function forwardTheta(theta: tf.Tensor2D, input: ForwardInputs, layout: ParamLayout, activation: EnnActivation): tf.Tensor2D {
  const m = theta.shape[0];
  const last = layout.layers.length - 1;
  const params = layout.layers.map((l) => ({
    w: tf.reshape<tf.Rank.R3>(tf.slice(theta, [0, l.wOffset], [m, l.inputs * l.outputs]), [m, l.inputs, l.outputs]),
    b: tf.slice(theta, [0, l.bOffset], [m, l.outputs]),
  }));
  if (input.mode === 'batched') {
    let h = input.x as tf.Tensor3D;
    params.forEach((p, i) => {
      const z = tf.add(tf.matMul(h, p.w), tf.expandDims(p.b, 1));
      h = (i < last ? activate(z, activation) : z) as tf.Tensor3D;
    });
    return tf.squeeze(h, [2]);
  }
  // Unstacking the small weight tensors is cheap; activations are never stacked/unstacked.
  // (No fused bias here: wasm's fused kernel rejects biases that are views of a larger tensor.)
  const ws = params.map((p) => tf.unstack(p.w) as tf.Tensor2D[]);
  const bs = params.map((p) => tf.unstack(p.b));
  const outs = Array.from({ length: m }, (_, k) => {
    let h = input.x as tf.Tensor2D;
    ws.forEach((w, i) => {
      const z = tf.add(matMul2d(h, w[k]!), bs[i]![k]!);
      h = (i < last ? activate(z, activation) : z) as tf.Tensor2D;
    });
    return h; // [n, 1]
  });
  return tf.transpose(tf.concat(outs, 1));
}
