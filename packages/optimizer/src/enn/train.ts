/**
 * The training loop: all M members as ONE model whose parameters are a single variable
 * theta [M, P] (each row one member's stacked weights), full-batch Adam written by hand,
 * L2 weight decay, early stopping on the ensemble's out-of-bag loss with best-weight restore.
 * One variable keeps Adam and the best-weight snapshot to a dozen kernel launches per epoch;
 * docs/conventions.md §13: we measured batching ~4x faster than per-member models or the Layers `fit` loop.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseMode, forwardInputs, forwardTheta, type ForwardMode } from './forward';
import { decayMask, packTheta, paramLayout, unpackTheta } from './layers';
import type { EnnLayer, EnnStructure } from './types';

/** Inputs of {@link trainBatched}; all arrays row-major. */
export interface TrainInput {
  /** Encoded inputs n x d. */
  x: Float32Array;
  n: number;
  dim: number;
  /** Standardized targets, length n. */
  y: Float32Array;
  /** Per-member sample weights M x n, each row summing to 1 (bootstrap counts / total). */
  trainWeights: Float32Array;
  /** Out-of-bag mask M x n: 1 where point i was left out of member k's sample. */
  oobMask: Uint8Array;
  /** Starting weights (fresh init or a warm start). */
  layers: readonly EnnLayer[];
  structure: EnnStructure;
  /** Maximum epochs. */
  epochs: number;
  /** Epochs without validation improvement before a member counts as converged; 0 disables. */
  patience: number;
  /** Validation is evaluated every `checkEvery` epochs (each check costs one forward pass + sync). */
  checkEvery: number;
  /** Evaluation order; default by n (see forward.ts). */
  mode?: ForwardMode;
}

/** One validation check (standardized units). */
export interface TrainCheck {
  epoch: number;
  /** Mean over members of each member's weighted training MSE. */
  trainLoss: number;
  /**
   * Out-of-bag MSE of the ensemble: each point predicted by the mean of the members that did not
   * train on it (as in random forests). Uses every point, so it is far less noisy at n = 60 than
   * per-member validation on ~6 points (which early-stopped worse in our tests).
   */
  valLoss: number;
}

/** Result of {@link trainBatched}. */
export interface TrainResult {
  /** Weights at the best check (or the last ones when early stopping is off). */
  layers: EnnLayer[];
  epochsRun: number;
  stoppedEarly: boolean;
  /** Epoch of the restored weights. */
  bestEpoch: number;
  history: TrainCheck[];
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-7;
/** Relative improvement of the OOB loss that counts for early stopping (ignores float32 noise). */
const MIN_REL_DELTA = 1e-3;

/** Train all members together; never leaks tensors (everything is disposed before returning). */
export function trainBatched(input: TrainInput): TrainResult {
  const { n, dim, structure: s } = input;
  const m = s.members;
  const layout = paramLayout(dim, s);
  const mode = input.mode ?? chooseMode(n, layout, m);
  const xs = forwardInputs(input.x, n, dim, m, mode);
  const ys = tf.tensor2d(input.y, [1, n]);
  const tw = tf.tensor2d(input.trainWeights, [m, n]);
  const decay = tf.tidy(() => tf.mul(tf.tensor2d(decayMask(layout), [1, layout.size]), s.weightDecay));
  // tidy disposes the initial values but never variables.
  const [theta, moment1, moment2] = tf.tidy(() => {
    const start = tf.tensor2d(packTheta(input.layers, layout, m), [m, layout.size]);
    return [tf.variable(start), tf.variable(tf.zerosLike(start)), tf.variable(tf.zerosLike(start))];
  });
  let best: tf.Tensor2D | undefined;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  const history: TrainCheck[] = [];
  let epochsRun = 0;
  let stoppedEarly = false;
  const early = input.patience > 0;
  const predict = () => forwardTheta(theta, xs, layout, s.activation);

  const check = (epoch: number): boolean => {
    const f = tf.tidy(() => predict().dataSync());
    const loss = losses(f, input);
    history.push({ epoch, ...loss });
    if (!early) return false;
    if (loss.valLoss < bestLoss * (1 - MIN_REL_DELTA)) {
      bestLoss = loss.valLoss;
      bestEpoch = epoch;
      best?.dispose();
      best = tf.clone(theta);
    }
    return epoch - bestEpoch >= input.patience;
  };

  if (early) check(0); // the starting weights are a candidate too (matters for warm starts)
  for (let t = 1; t <= input.epochs; t++) {
    tf.tidy(() => {
      // Sum over members of each member's weighted MSE: members do not interact.
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tw, tf.squaredDifference(predict(), ys))), [theta]);
      const g = tf.add(grads[theta.name]!, tf.mul(theta, decay)); // L2 on weights only
      const lrT = (s.learningRate * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
      moment1.assign(tf.add(tf.mul(moment1, BETA1), tf.mul(g, 1 - BETA1)));
      moment2.assign(tf.add(tf.mul(moment2, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
      theta.assign(tf.sub(theta, tf.mul(tf.div(moment1, tf.add(tf.sqrt(moment2), EPS)), lrT)));
    });
    epochsRun = t;
    if ((t % input.checkEvery === 0 || t === input.epochs) && check(t)) {
      stoppedEarly = t < input.epochs;
      break;
    }
  }

  // Copy: some backends hand out their internal buffer.
  const final = Float32Array.from((best ?? theta).dataSync());
  tf.dispose([xs.x, ys, tw, decay, theta, moment1, moment2, ...(best ? [best] : [])]);
  return { layers: unpackTheta(final, layout, m), epochsRun, stoppedEarly, bestEpoch: best ? bestEpoch : epochsRun, history };
}

/** Training and ensemble out-of-bag losses from member predictions f [M, n] (standardized). */
function losses(f: ArrayLike<number>, input: TrainInput): { trainLoss: number; valLoss: number } {
  const { n, y, trainWeights, oobMask } = input;
  const m = f.length / n;
  let train = 0;
  for (let j = 0; j < f.length; j++) train += trainWeights[j]! * (f[j]! - y[j % n]!) ** 2;
  let oob = 0;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < m; k++) {
      if (oobMask[k * n + i]) {
        sum += f[k * n + i]!;
        count++;
      }
    }
    if (count > 0) {
      oob += (sum / count - y[i]!) ** 2;
      covered++;
    }
  }
  // No point out of bag (tiny n): fall back to the training loss so the loop still terminates.
  return { trainLoss: train / m, valLoss: covered > 0 ? oob / covered : train / m };
}
