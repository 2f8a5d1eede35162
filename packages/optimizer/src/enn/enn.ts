/** A trained ensemble neural network: the ENN surrogate of the paper (mean = prediction, spread = uncertainty). */
import type { Prediction, Surrogate } from '../surrogate';
import { EnnError } from './errors';
import { encodeInputs, layerSizes } from './layers';
import { buildPredictNet, runPredictNet, type PredictNet } from './predict-net';
import type { TrainCheck } from './train';
import { ENN_FORMAT, type EnnJson, type EnnLayer, type EnnMetadata, type EnnStructure, type Scaler } from './types';

/** Diagnostics of one fit. */
export interface TrainingSummary {
  /** Loss (standardized weighted MSE, mean over members) at each validation check. */
  history: TrainCheck[];
  /** Epoch whose weights were kept (restored best, or the last epoch without early stopping). */
  bestEpoch: number;
  /** Wall time of the fit, ms. */
  fitMs: number;
}

/** Rows per prediction chunk: bounds the [M, rows, width] activations to a few MB. */
const PREDICT_CHUNK = 16_384;

/**
 * Trained ENN. Holds its weights as plain Float32Arrays (no live tensors), so instances need no
 * `dispose()` and can be dropped freely; tensors exist only inside `predict*` calls.
 * Create with `fitEnn` or {@link Enn.fromJSON}. Call `await initBackend()` once before predicting
 * if the model did not come from `fitEnn` (otherwise tfjs silently uses its CPU backend).
 */
export class Enn implements Surrogate {
  readonly members: number;
  private net: PredictNet | undefined;

  constructor(
    /** Input dimension d (unit-cube inputs). */
    readonly dim: number,
    readonly structure: Readonly<EnnStructure>,
    /** Output scaler of the training targets. */
    readonly yScaler: Readonly<Scaler>,
    private readonly layers: readonly EnnLayer[],
    readonly metadata: Readonly<EnnMetadata>,
    /** How the fit went (absent after `fromJSON`). */
    readonly training?: Readonly<TrainingSummary>,
  ) {
    this.members = structure.members;
  }

  /**
   * Ensemble mean and standard deviation across members (population std, ddof = 0) in original
   * output units for each row of `x` (points of [0,1]^d).
   */
  predict(x: readonly (readonly number[])[]): Prediction {
    const all = this.predictMembers(x);
    const n = x.length;
    const mean = new Float64Array(n);
    const std = new Float64Array(n);
    for (const member of all) for (let i = 0; i < n; i++) mean[i]! += member[i]! / this.members;
    for (const member of all) {
      for (let i = 0; i < n; i++) std[i]! += (member[i]! - mean[i]!) ** 2 / this.members;
    }
    for (let i = 0; i < n; i++) std[i] = Math.sqrt(std[i]!);
    return { mean, std };
  }

  /** Each member's prediction in original units: `members` arrays of length n. */
  predictMembers(x: readonly (readonly number[])[]): Float64Array[] {
    for (const row of x) {
      if (row.length !== this.dim) throw new EnnError('INVALID_DATA', `expected ${this.dim} inputs, got ${row.length}`);
    }
    const n = x.length;
    const out = Array.from({ length: this.members }, () => new Float64Array(n));
    if (n === 0) return out;
    const { mean, std } = this.yScaler;
    for (let start = 0; start < n; start += PREDICT_CHUNK) {
      const rows = Math.min(PREDICT_CHUNK, n - start);
      const flat = encodeInputs(x.slice(start, start + rows), this.dim);
      this.net ??= buildPredictNet(this.layers, this.members, this.structure.activation);
      const values = runPredictNet(this.net, flat, rows, this.dim);
      out.forEach((member, k) => {
        for (let i = 0; i < rows; i++) member[start + i] = values[k * rows + i]! * std + mean;
      });
    }
    return out;
  }

  /** Deep copy of the weights (for warm starts and inspection). */
  weights(): EnnLayer[] {
    return this.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() }));
  }

  /** Plain JSON: weights as number arrays plus scaler, structure and metadata. */
  toJSON(): EnnJson {
    return {
      format: ENN_FORMAT,
      dim: this.dim,
      structure: { ...this.structure },
      yScaler: { ...this.yScaler },
      layers: this.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, w: Array.from(l.w), b: Array.from(l.b) })),
      metadata: { ...this.metadata },
    };
  }

  /** Rebuild a model from {@link Enn.toJSON} output (also after `JSON.parse`); predictions are identical. */
  static fromJSON(json: EnnJson): Enn {
    if (json?.format !== ENN_FORMAT) throw new EnnError('INVALID_JSON', `unknown ENN format ${String(json?.format)}`);
    const s = json.structure;
    const sizes = layerSizes(json.dim, s);
    if (json.layers.length !== sizes.length) throw new EnnError('INVALID_JSON', 'layer count does not match structure');
    const layers = json.layers.map((l, i) => {
      const [inputs, outputs] = sizes[i]!;
      if (l.inputs !== inputs || l.outputs !== outputs || l.w.length !== s.members * inputs * outputs || l.b.length !== s.members * outputs) {
        throw new EnnError('INVALID_JSON', `layer ${i} has the wrong shape`);
      }
      return { inputs, outputs, w: Float32Array.from(l.w), b: Float32Array.from(l.b) };
    });
    return new Enn(json.dim, { ...s }, { ...json.yScaler }, layers, { ...json.metadata });
  }
}
