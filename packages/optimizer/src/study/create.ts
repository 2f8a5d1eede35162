/** `createStudy` and `restoreStudy`: the two ways to obtain a {@link Study}. */
import { createPrng } from '../sampling/prng';
import { loadSurrogate, surrogateFit } from './default-surrogate';
import { ModelManager } from './model-manager';
import { checkState, initialState, validateOptions } from './options';
import { Study } from './study';
import type { CubeSpace, SnapshotSurrogate, StudyOptions, StudyState, SurrogateFactory, SurrogateLoader } from './types';

/** Dependencies that cannot live in a JSON state. */
export interface StudyDeps<C> {
  space: CubeSpace<C>;
  fit?: SurrogateFactory;
  load?: SurrogateLoader;
  /** The prior (twin) model object, if the state has one and you hold it (else loaded from its snapshot). */
  priorModel?: SnapshotSurrogate;
}

/**
 * Creates a study.
 *
 * @example
 * const study = createStudy({ space, objective: { feature: 'PL_I', direction: 'maximize' },
 *   schedule: [{ policy: 'lhs', count: 9 }, { policy: 'mv', count: 51 }], seed: 1 });
 * const [s] = await study.ask();
 * study.tell(s.id, 1234);
 */
export function createStudy<C>(options: StudyOptions<C>): Study<C> {
  validateOptions(options);
  const state = initialState(options, createPrng(options.seed).state());
  const models = managerFor(state, options.fit, options.load, options.prior?.model);
  return new Study(state, options.space, models);
}

/** Continues a study from `study.state()`; the next ask gives what the original's would have. */
export function restoreStudy<C>(state: StudyState, deps: StudyDeps<C>): Study<C> {
  checkState(state, deps.space.dim);
  const s = structuredClone(state);
  const models = managerFor(s, deps.fit, deps.load, deps.priorModel, s.priorModel);
  models.restore(s.model);
  return new Study(s, deps.space, models);
}

function managerFor(s: StudyState, fit?: SurrogateFactory, load?: SurrogateLoader, priorModel?: SnapshotSurrogate, priorSnapshot?: unknown): ModelManager {
  return new ModelManager({
    seed: s.seed,
    fit: fit ?? surrogateFit(s.options.surrogate ?? 'enn'),
    load: load ?? (fit ? undefined : loadSurrogate),
    warmStart: s.options.warmStart,
    minFitData: s.options.minFitData,
    ...(priorModel ? { priorModel } : {}),
    ...(priorSnapshot != null ? { priorSnapshot } : {}),
    priorRefitAfter: s.options.priorRefitAfter,
    direction: s.objective.direction,
    pending: s.options.pending,
  });
}
