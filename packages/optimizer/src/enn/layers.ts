/** Weight layout, initialisation and warm-start rescaling (plain Float32Arrays, no tensors). */
import type { Rng } from './rng';
import type { EnnLayer, EnnStructure, Scaler } from './types';

/** Layer sizes: d -> width x depth -> 1. */
export function layerSizes(dim: number, s: EnnStructure): [number, number][] {
  const sizes: [number, number][] = [];
  let inputs = dim;
  for (let i = 0; i < s.depth; i++) {
    sizes.push([inputs, s.width]);
    inputs = s.width;
  }
  sizes.push([inputs, 1]);
  return sizes;
}

/** Where each layer's weights and biases sit inside one member's flat parameter vector. */
export interface ParamLayout {
  /** Parameters per member P. */
  size: number;
  layers: { inputs: number; outputs: number; wOffset: number; bOffset: number }[];
}

/** Per member: [W1 (in x out, row-major), b1, W2, b2, ...]. */
export function paramLayout(dim: number, s: EnnStructure): ParamLayout {
  let offset = 0;
  const layers = layerSizes(dim, s).map(([inputs, outputs]) => {
    const wOffset = offset;
    const bOffset = offset + inputs * outputs;
    offset = bOffset + outputs;
    return { inputs, outputs, wOffset, bOffset };
  });
  return { size: offset, layers };
}

/** Stacked layers -> theta [M, P] (member-major), the single trained variable. */
export function packTheta(layers: readonly EnnLayer[], layout: ParamLayout, members: number): Float32Array {
  const theta = new Float32Array(members * layout.size);
  layout.layers.forEach((l, i) => {
    const src = layers[i]!;
    const nw = l.inputs * l.outputs;
    for (let k = 0; k < members; k++) {
      theta.set(src.w.subarray(k * nw, (k + 1) * nw), k * layout.size + l.wOffset);
      theta.set(src.b.subarray(k * l.outputs, (k + 1) * l.outputs), k * layout.size + l.bOffset);
    }
  });
  return theta;
}

/** Inverse of {@link packTheta}. */
export function unpackTheta(theta: Float32Array, layout: ParamLayout, members: number): EnnLayer[] {
  return layout.layers.map((l) => {
    const nw = l.inputs * l.outputs;
    const w = new Float32Array(members * nw);
    const b = new Float32Array(members * l.outputs);
    for (let k = 0; k < members; k++) {
      const base = k * layout.size;
      w.set(theta.subarray(base + l.wOffset, base + l.wOffset + nw), k * nw);
      b.set(theta.subarray(base + l.bOffset, base + l.bOffset + l.outputs), k * l.outputs);
    }
    return { inputs: l.inputs, outputs: l.outputs, w, b };
  });
}

/** 1 for weight entries, 0 for biases, length P: weight decay applies to weights only. */
export function decayMask(layout: ParamLayout): Float32Array {
  const mask = new Float32Array(layout.size);
  for (const l of layout.layers) mask.fill(1, l.wOffset, l.bOffset);
  return mask;
}

/**
 * Fresh weights for all members: Glorot-uniform for tanh, He-normal for relu (keeps the
 * pre-activation variance ~1 so the first epochs are not wasted), zero biases.
 */
export function initLayers(dim: number, s: EnnStructure, rng: Rng): EnnLayer[] {
  return layerSizes(dim, s).map(([inputs, outputs]) => {
    const w = new Float32Array(s.members * inputs * outputs);
    if (s.activation === 'relu') {
      const sd = Math.sqrt(2 / inputs);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * sd;
    } else {
      const limit = Math.sqrt(6 / (inputs + outputs));
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
    }
    return { inputs, outputs, w, b: new Float32Array(s.members * outputs) };
  });
}

/**
 * Copy `layers` re-expressed for a new output scaler: the last layer is rescaled so that the
 * network computes exactly the same function in original units (warm start across data sizes).
 */
export function rescaleOutput(layers: readonly EnnLayer[], from: Scaler, to: Scaler): EnnLayer[] {
  const copy = layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() }));
  const last = copy[copy.length - 1];
  if (!last) return copy;
  const k = from.std / to.std;
  for (let i = 0; i < last.w.length; i++) last.w[i] = last.w[i]! * k;
  for (let i = 0; i < last.b.length; i++) last.b[i] = last.b[i]! * k + (from.mean - to.mean) / to.std;
  return copy;
}

/** Unit cube -> [-1, 1] (centred inputs condition tanh/relu better), as a flat Float32Array n x d. */
export function encodeInputs(x: readonly (readonly number[])[], dim: number): Float32Array {
  const out = new Float32Array(x.length * dim);
  x.forEach((row, i) => {
    for (let j = 0; j < dim; j++) out[i * dim + j] = 2 * (row[j] ?? NaN) - 1;
  });
  return out;
}
