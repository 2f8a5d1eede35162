/**
 * Uncertainty versus data-set size (paper Fig. 6-style): models trained on the first 10, 20, ... N
 * experiments, each evaluated on the same Monte-Carlo inputs; the mean (and spread) of the
 * predicted std shows how fast the twin's ignorance shrinks with more experiments.
 */
import { createPrng, deriveSeed, uniformSample } from '../sampling/prng';
import type { SurrogateFactory, TrainingData } from '../study/types';

/** One row of {@link uncertaintyVsSize}. */
export interface UncertaintyRow {
  /** Experiments used (the first n of the data set, in acquisition order). */
  n: number;
  /** Mean of the predicted std over the Monte-Carlo inputs. */
  meanStd: number;
  /** Std of the predicted std over the Monte-Carlo inputs. */
  stdStd: number;
  /** Mean predicted std relative to the std of all observed y (unitless). */
  relativeMeanStd: number;
}

/** Options of {@link uncertaintyVsSize}. */
export interface UncertaintyOptions {
  fit: SurrogateFactory;
  seed: number;
  /** Training-set sizes. Default 10, 20, ... up to N (N included). */
  sizes?: readonly number[];
  /** Monte-Carlo inputs (uniform in the cube, shared by all sizes). Default 1000. */
  samples?: number;
}

/**
 * Trains one model per size on the first n points and summarises its std on shared MC inputs.
 * @example
 * const rows = await uncertaintyVsSize(study.trainingData(), { fit, seed: 1 }); // n = 10..60
 */
export async function uncertaintyVsSize(data: TrainingData, options: UncertaintyOptions): Promise<UncertaintyRow[]> {
  const n = data.y.length;
  const dim = data.x[0]?.length ?? 0;
  const sizes = options.sizes ?? defaultSizes(n);
  const mc = uniformSample(options.samples ?? 1000, dim, createPrng(deriveSeed(options.seed, 'mc')));
  const ym = data.y.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const ySd = Math.sqrt(data.y.reduce((a, b) => a + (b - ym) ** 2, 0) / Math.max(1, n)) || 1;
  const rows: UncertaintyRow[] = [];
  for (const size of sizes) {
    const k = Math.min(size, n);
    const model = await options.fit({ x: data.x.slice(0, k).map((r) => [...r]), y: data.y.slice(0, k) }, { seed: deriveSeed(options.seed, 'size', k) });
    const { std } = model.predict(mc);
    const mean = std.reduce((a, b) => a + b, 0) / std.length;
    const sd = Math.sqrt(std.reduce((a, b) => a + (b - mean) ** 2, 0) / std.length);
    rows.push({ n: k, meanStd: mean, stdStd: sd, relativeMeanStd: mean / ySd });
  }
  return rows;
}

function defaultSizes(n: number): number[] {
  const out: number[] = [];
  for (let k = 10; k < n; k += 10) out.push(k);
  if (n >= 2) out.push(n);
  return out;
}
