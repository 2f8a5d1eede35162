/**
 * The study's built-in surrogates and the one loader for every snapshot format. The ENN is imported
 * lazily so that studies on the GP (or another factory), and their tests, never load TensorFlow.js.
 */
import type { EnnJson } from '../enn/types';
import type { GpJson } from '../gp/types';
import { deriveSeed } from '../sampling/prng';
import type { GpFitter } from './output-warp';
import { LOG_OUTPUT_FORMAT, LOG_OUTPUT_FORMAT_V2, logOutputLoader } from './transform';
import type { ModelPurpose, SnapshotSurrogate, SurrogateFactory, SurrogateKind, SurrogateLoader } from './types';

/**
 * Most observations the `auto` GP conditions on (the most recent half and a seeded random half of
 * the rest). Why: an exact GP decision (fit + EI search) grows as n^2-n^3. bench/decision.ts on the
 * shared 2-core machine: exact GP 0.17 s at 60 observations and 20 s at 1000 (before warm starts
 * and the lighter EI search: 0.08-0.10 s at 60 now); with this cap 0.20-0.36 s at 1000; the ENN
 * 2.3 s at 60 and 7.3 s at 1000.
 */
export const AUTO_GP_MAX_POINTS = 100;

/** Fits the ENN (default structure); `init` is used as a warm start only when it is an ENN of the same shape. */
export const ennFit: SurrogateFactory = async (data, options) => {
  const [{ fitEnn }, { Enn }] = await Promise.all([import('../enn/fit'), import('../enn/enn')]);
  const init = options.init instanceof Enn ? options.init : undefined;
  return fitEnn(data, { seed: options.seed, ...(init ? { init } : {}) });
};

/**
 * Prior curvature of the study's GP (standardized units, see `FitGpOptions.curvature`): a bowl for
 * minimisation, a dome for maximisation. Why: a condition space is laid out to bracket the best
 * conditions, so a priori results get worse toward its faces (the belief Siivola et al., 2018,
 * encode with virtual derivative observations at the boundary against EI's over-exploration of
 * it). bench/peers.ts, EI, 10 seeds x 6 surfaces (fits run to 60 iterations from every start):
 * pooled median regret at 30 0.108 with no prior curvature, 0.088 with 1, 0.095 with 2 (2 costs
 * Hartmann-6, whose optimum is off-centre); proposals on a bound fell on every surface with 1
 * (Rosenbrock 0.38 -> 0.05, Hartmann 0.79 -> 0.42, the simulator 0.91 -> 0.68).
 */
export const GP_PRIOR_CURVATURE = 1;

/**
 * Highest degree of the trend of a GP fitted to `learn` the space (FitOptions.purpose); decisions
 * (`optimize`) use the quadratic trend. Why: bench/twin.ts, LHS 9 + MV 51 on noisy values, median
 * R^2 on 1000 noise-free points (5 seeds), quadratic -> quartic: Rosenbrock 0.81 -> 0.88,
 * Styblinski-Tang 0.86 -> 1.00 (both mostly sums of one-input quartics), the simulator 0.95 ->
 * 0.95, Hartmann-6 0.49 -> 0.37 (70 % interactions); but EI on the quartic GP put more proposals
 * on the faces (bench/peers.ts, 10 seeds: on a bound 0.28/0.05/0.12/0.20/0.02/0.53 ->
 * 0.49/0.18/0.14/0.33/0.07/0.45), where the quartic terms extrapolate.
 */
export const GP_LEARN_TREND_DEGREE = 4;

/** A GP factory (MAP hyper-parameters); a GP `init` adds its hyper-parameters as a starting point. */
function gpFactory(maxPoints?: number): SurrogateFactory {
  return async (data, options) => {
    const [{ fitGp }, { Gp }, { fitWithOutputWarp }] = await Promise.all([import('../gp/fit'), import('../gp/gp'), import('./output-warp')]);
    const curvature = options.direction === 'minimize' ? GP_PRIOR_CURVATURE : options.direction === 'maximize' ? -GP_PRIOR_CURVATURE : 0;
    const trendDegree = options.purpose === 'learn' ? GP_LEARN_TREND_DEGREE : 2;
    const fit: GpFitter = async (d, decreasing, init) =>
      fitGp(d, { seed: deriveSeed(options.seed, 'gp'), curvature: decreasing ? -curvature : curvature, trendDegree, ...(init ? { init } : {}), ...(maxPoints !== undefined ? { maxPoints } : {}) });
    // A learning fit may return a GP inside a log-scale wrapper (output-warp.ts).
    if (options.purpose === 'learn') return fitWithOutputWarp(data, fit, options.init);
    return fit(data, false, options.init instanceof Gp ? options.init : undefined);
  };
}

/**
 * The purpose a snapshot's model was fitted for, as far as its format tells: a GP with a cubic or
 * quartic trend (`sdfl-gp/3`, also inside a log-output wrapper) was fitted to `learn`, anything
 * else is taken as `optimize`. Refits meant to assess a stored model (hold-out, k-fold) use it.
 */
export function snapshotPurpose(snapshot: unknown): ModelPurpose {
  const s = snapshot as { format?: unknown; inner?: unknown } | null;
  if (s?.format === LOG_OUTPUT_FORMAT || s?.format === LOG_OUTPUT_FORMAT_V2) return snapshotPurpose(s.inner);
  return s?.format === 'sdfl-gp/3' ? 'learn' : 'optimize';
}

/** The exact GP on every observation. */
export const gpFit: SurrogateFactory = gpFactory();

/** The GP, exact up to {@link AUTO_GP_MAX_POINTS} observations and on that many of them beyond. */
export const autoFit: SurrogateFactory = gpFactory(AUTO_GP_MAX_POINTS);

/** The factory of a built-in surrogate kind. */
export function surrogateFit(kind: SurrogateKind): SurrogateFactory {
  return kind === 'enn' ? ennFit : kind === 'gp' ? gpFit : autoFit;
}

/**
 * Rebuilds any built-in surrogate from its `toJSON()` snapshot, dispatching on its `format`:
 * `sdfl-enn/1` (ENN; initialises the tfjs backend), `sdfl-gp/1`, `sdfl-gp/2` and `sdfl-gp/3` (GP
 * without a trend, with a quadratic one, with cubic and quartic terms) and `sdfl-log-output/1` or `/2` (a log-scale wrapper around either).
 *
 * @example
 * const model = await loadSurrogate(JSON.parse(text)); // whatever study.model() was
 */
export const loadSurrogate: SurrogateLoader = async (json): Promise<SnapshotSurrogate> => {
  const format = (json as { format?: unknown } | null)?.format;
  if (format === 'sdfl-gp/1' || format === 'sdfl-gp/2' || format === 'sdfl-gp/3') {
    const { Gp } = await import('../gp/gp');
    return Gp.fromJSON(json as GpJson);
  }
  if (format === LOG_OUTPUT_FORMAT || format === LOG_OUTPUT_FORMAT_V2) {
    return logOutputLoader(loadSurrogate)(json);
  }
  if (format === 'sdfl-enn/1') {
    const [{ Enn }, { initBackend }] = await Promise.all([import('../enn/enn'), import('../backend')]);
    await initBackend();
    return Enn.fromJSON(json as EnnJson);
  }
  throw new TypeError(`unknown surrogate snapshot format '${String(format)}'`);
};

/** @deprecated the ENN factory under its former name; the study's default is now `surrogate: 'auto'`. */
export const defaultFit = ennFit;
/** @deprecated {@link loadSurrogate} (which also loads ENN snapshots). */
export const defaultLoad = loadSurrogate;
