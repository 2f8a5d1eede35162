/**
 * The study's built-in surrogates and the one loader for every snapshot format. The ENN is imported
 * lazily so that studies on the GP (or another factory), and their tests, never load TensorFlow.js.
 */
import type { EnnJson } from '../enn/types';
import type { GpJson } from '../gp/types';
import { deriveSeed } from '../sampling/prng';
import type { SnapshotSurrogate, SurrogateFactory, SurrogateKind, SurrogateLoader } from './types';

/**
 * Largest training set on which `auto` fits a GP; above it, the ENN. Why: the GP's fit and its
 * prediction on the acquisition's ~9k candidates grow as n^2-n^3 (bench/latency.ts: about 0.2 s
 * per decision at 60 points, 1 s at 200), the ENN's roughly as n.
 */
export const AUTO_GP_MAX_POINTS = 200;

/** Fits the ENN (default structure); `init` is used as a warm start only when it is an ENN of the same shape. */
export const ennFit: SurrogateFactory = async (data, options) => {
  const [{ fitEnn }, { Enn }] = await Promise.all([import('../enn/fit'), import('../enn/enn')]);
  const init = options.init instanceof Enn ? options.init : undefined;
  return fitEnn(data, { seed: options.seed, ...(init ? { init } : {}) });
};

/** Fits the GP (MAP hyper-parameters); a GP `init` adds its hyper-parameters as a starting point. */
export const gpFit: SurrogateFactory = async (data, options) => {
  const [{ fitGp }, { Gp }] = await Promise.all([import('../gp/fit'), import('../gp/gp')]);
  const init = options.init instanceof Gp ? options.init : undefined;
  return fitGp(data, { seed: deriveSeed(options.seed, 'gp'), ...(init ? { init } : {}) });
};

/** GP up to {@link AUTO_GP_MAX_POINTS} observations, ENN beyond. */
export const autoFit: SurrogateFactory = (data, options) => (data.y.length <= AUTO_GP_MAX_POINTS ? gpFit : ennFit)(data, options);

/** The factory of a built-in surrogate kind. */
export function surrogateFit(kind: SurrogateKind): SurrogateFactory {
  return kind === 'enn' ? ennFit : kind === 'gp' ? gpFit : autoFit;
}

/**
 * Rebuilds any built-in surrogate from its `toJSON()` snapshot, dispatching on its `format`:
 * `sdfl-enn/1` (ENN; initialises the tfjs backend), `sdfl-gp/1` (GP) and `sdfl-log-output/1`
 * (a log-output wrapper around either).
 *
 * @example
 * const model = await loadSurrogate(JSON.parse(text)); // whatever study.model() was
 */
export const loadSurrogate: SurrogateLoader = async (json): Promise<SnapshotSurrogate> => {
  const format = (json as { format?: unknown } | null)?.format;
  if (format === 'sdfl-gp/1') {
    const { Gp } = await import('../gp/gp');
    return Gp.fromJSON(json as GpJson);
  }
  if (format === 'sdfl-log-output/1') {
    const { logOutputLoader } = await import('./transform');
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
