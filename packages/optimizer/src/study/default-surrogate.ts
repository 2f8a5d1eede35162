/**
 * The study's default surrogate: the ENN (`fitEnn` with its default structure). Imported lazily so
 * that studies with another factory (and their tests) never load TensorFlow.js.
 */
import type { EnnJson } from '../enn/types';
import type { SnapshotSurrogate, SurrogateFactory, SurrogateLoader } from './types';

/** Fits the default ENN; `init` is used as a warm start only when it is an ENN of the same shape. */
export const defaultFit: SurrogateFactory = async (data, options) => {
  const [{ fitEnn }, { Enn }] = await Promise.all([import('../enn/fit'), import('../enn/enn')]);
  const init = options.init instanceof Enn ? options.init : undefined;
  return fitEnn(data, { seed: options.seed, ...(init ? { init } : {}) });
};

/** Rebuilds an ENN from its snapshot (and makes sure the tfjs backend is initialised). */
export const defaultLoad: SurrogateLoader = async (json): Promise<SnapshotSurrogate> => {
  const [{ Enn }, { initBackend }] = await Promise.all([import('../enn/enn'), import('../backend')]);
  await initBackend();
  return Enn.fromJSON(json as EnnJson);
};
