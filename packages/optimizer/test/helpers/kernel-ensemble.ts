/**
 * TEST DOUBLE — not a production surrogate. A small deterministic ensemble of kernel regressors
 * (Nadaraya-Watson on Poisson bootstraps, each pulled towards its own random smooth prior
 * function far from data) so that study, policy and twin LOGIC can be tested quickly without
 * TensorFlow.js. Mean interpolates the data; spread is small near data and large far from it.
 */
import type { Prediction, Surrogate } from '../../src/surrogate';
import { createPrng } from '../../src/sampling/prng';
import type { FitOptions, SnapshotSurrogate, SurrogateFactory, TrainingData } from '../../src/study/types';

export interface KernelEnsembleOptions {
  /** Members. Default 8. */
  members?: number;
  /** Kernel bandwidth (cube units). Default 0.15. */
  bandwidth?: number;
  /** Weight of the prior function. Default 0.05. */
  priorWeight?: number;
}

interface Member {
  counts: number[];
  h2: number;
  /** Random Fourier prior: amplitude, frequency vector, phase. */
  waves: { a: number; w: number[]; b: number }[];
}

export class KernelEnsemble implements Surrogate {
  readonly dim: number;
  readonly members: number;
  private readonly ms: Member[];
  private readonly yMean: number;
  private readonly ySd: number;
  /** How many times this class was fitted (tests count fits). */
  static fits = 0;

  constructor(
    readonly data: TrainingData,
    readonly seed: number,
    readonly options: KernelEnsembleOptions = {},
  ) {
    KernelEnsemble.fits++;
    this.dim = data.x[0]?.length ?? 0;
    this.members = options.members ?? 8;
    const n = data.y.length;
    this.yMean = data.y.reduce((a, b) => a + b, 0) / Math.max(1, n);
    this.ySd = Math.sqrt(data.y.reduce((a, b) => a + (b - this.yMean) ** 2, 0) / Math.max(1, n)) || 1;
    const rng = createPrng(seed);
    const h = options.bandwidth ?? 0.15;
    this.ms = Array.from({ length: this.members }, (_, k) => {
      const counts: number[] = Array.from({ length: n }, () => poisson1(rng.next()));
      if (!counts.some((c) => c > 0)) counts.fill(1);
      const hk = h * (0.8 + (0.4 * k) / Math.max(1, this.members - 1));
      const waves = Array.from({ length: 3 }, () => ({
        a: rng.normal(),
        w: Array.from({ length: this.dim }, () => 3 * rng.normal()),
        b: 2 * Math.PI * rng.next(),
      }));
      return { counts, h2: 2 * hk * hk, waves };
    });
  }

  predictMembers(x: readonly (readonly number[])[]): Float64Array[] {
    const lambda = this.options.priorWeight ?? 0.05;
    return this.ms.map((m) =>
      Float64Array.from(x, (p) => {
        let num = 0;
        let den = 0;
        this.data.x.forEach((xi, i) => {
          let d2 = 0;
          for (let k = 0; k < p.length; k++) d2 += (p[k]! - xi[k]!) ** 2;
          const w = m.counts[i]! * Math.exp(-d2 / m.h2);
          num += w * this.data.y[i]!;
          den += w;
        });
        let prior = 0;
        for (const wave of m.waves) prior += (wave.a * Math.cos(wave.w.reduce((s, wk, k) => s + wk * p[k]!, wave.b))) / Math.sqrt(3);
        const priorMean = this.yMean + this.ySd * prior;
        return (num + lambda * priorMean) / (den + lambda);
      }),
    );
  }

  predict(x: readonly (readonly number[])[]): Prediction {
    const all = this.predictMembers(x);
    const mean = new Float64Array(x.length);
    const std = new Float64Array(x.length);
    for (const m of all) m.forEach((v, i) => (mean[i]! += v / all.length));
    for (const m of all) m.forEach((v, i) => (std[i]! += (v - mean[i]!) ** 2 / all.length));
    return { mean, std: std.map(Math.sqrt) };
  }

  toJSON(): unknown {
    return { kind: 'kernel-ensemble', data: this.data, seed: this.seed, options: this.options };
  }

  static fromJSON(json: unknown): KernelEnsemble {
    const j = json as { data: TrainingData; seed: number; options: KernelEnsembleOptions };
    return new KernelEnsemble(j.data, j.seed, j.options);
  }
}

function poisson1(u: number): number {
  let p = Math.exp(-1);
  let cdf = p;
  let k = 0;
  while (u > cdf && k < 12) {
    k++;
    p /= k;
    cdf += p;
  }
  return k;
}

/** SurrogateFactory of the test double (deterministic in data and seed). */
export function kernelFactory(options: KernelEnsembleOptions = {}): SurrogateFactory {
  return async (data: TrainingData, o: FitOptions): Promise<SnapshotSurrogate> =>
    new KernelEnsemble({ x: data.x.map((r) => [...r]), y: [...data.y] }, o.seed, options);
}

/** Loader of the test double. */
export const kernelLoad = (json: unknown): SnapshotSurrogate => KernelEnsemble.fromJSON(json);

/** A plain cube space of dimension d with an optional grid quantizer (step in cube units). */
export function cubeSpace(dim: number, step?: number) {
  return {
    dim,
    fromCube: (u: readonly number[]) => [...u],
    ...(step ? { quantizeCube: (u: readonly number[]) => u.map((v) => Math.min(1, Math.max(0, Math.round(v / step) * step))) } : {}),
  };
}

/** TEST DOUBLE: an "ensemble" whose members are given functions (exact, for SHAP identities). */
export function functionEnsemble(dim: number, members: ((x: readonly number[]) => number)[]): Surrogate & { calls: number } {
  const s = {
    dim,
    members: members.length,
    calls: 0,
    predictMembers(x: readonly (readonly number[])[]): Float64Array[] {
      s.calls++;
      return members.map((fn) => Float64Array.from(x, fn));
    },
    predict(x: readonly (readonly number[])[]): Prediction {
      const all = s.predictMembers(x);
      const mean = Float64Array.from(x, (_, i) => all.reduce((a, m) => a + m[i]!, 0) / all.length);
      const std = Float64Array.from(x, (_, i) => Math.sqrt(all.reduce((a, m) => a + (m[i]! - mean[i]!) ** 2, 0) / all.length));
      return { mean, std };
    },
  };
  return s;
}
