/** Structure, options and serialized form of the ensemble neural network (ENN). */

/** Hidden-layer activation. */
export type EnnActivation = 'tanh' | 'relu';

/**
 * Hyper-parameters that define an ENN: what `selectStructure` searches over and what `fitEnn` needs.
 * All members share the structure; they differ by initial weights and by their bootstrap sample.
 */
export interface EnnStructure {
  /** Number of ensemble members M. */
  members: number;
  /** Number of hidden layers (1-3 in the default search). */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  /** Hidden activation; the output layer is linear. */
  activation: EnnActivation;
  /** L2 weight decay lambda: adds lambda * W to the gradient of every weight matrix (not biases). */
  weightDecay: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Maximum full-batch epochs of a cold fit (early stopping may end sooner). */
  epochs: number;
}

/**
 * Default structure: 10 members of 2 x 32 relu, Adam 0.01, L2 1e-2, up to 300 epochs.
 * Why (measured on 7-D test functions at 60 points, bench/latency.ts and test/enn-*.test.ts):
 * relu learnt curvature that tanh missed (quadratic: R^2 0.73 vs 0.07-0.47); 1e-2 decay beat
 * 1e-3 (0.74 vs 0.46 on the quadratic) without hurting smooth targets; 2 x 32 matched 2 x 64 and
 * 3 x 32 within noise at a quarter of their cost; ~200-300 full-batch epochs converge.
 */
export const DEFAULT_STRUCTURE: Readonly<EnnStructure> = Object.freeze({
  members: 10,
  depth: 2,
  width: 32,
  activation: 'relu',
  weightDecay: 1e-2,
  learningRate: 0.01,
  epochs: 300,
});

/** One dense layer of all members: `w` is [M, in, out] row-major, `b` is [M, out]. */
export interface EnnLayer {
  inputs: number;
  outputs: number;
  w: Float32Array;
  b: Float32Array;
}

/** Affine scaler: `standard = (original - mean) / std`. */
export interface Scaler {
  mean: number;
  std: number;
}

/** Version tag of the JSON layout written by `Enn.toJSON`. */
export const ENN_FORMAT = 'sdfl-enn/1';

/** Plain-JSON form of a trained ENN (weights as number arrays). */
export interface EnnJson {
  format: typeof ENN_FORMAT;
  dim: number;
  structure: EnnStructure;
  /** Output scaler (inputs are unit-cube, mapped to [-1, 1] by a fixed affine map). */
  yScaler: Scaler;
  layers: { inputs: number; outputs: number; w: number[]; b: number[] }[];
  metadata: EnnMetadata;
}

/** Provenance of a trained ENN. */
export interface EnnMetadata {
  /** ISO-8601 time the fit finished. */
  trainedAt: string;
  /** Observations used. */
  nTrain: number;
  /** Seed of init and bootstraps. */
  seed: number;
  /** Free-form model version, e.g. `enn-<trainedAt>-n60`. */
  modelVersion: string;
  /** tfjs backend used to train (`wasm`, `cpu`, `tensorflow`). */
  backend: string;
  /** Epochs actually run and whether early stopping ended the fit. */
  epochsRun: number;
  stoppedEarly: boolean;
  /** True when the fit started from a previous model's weights. */
  warmStart: boolean;
}
