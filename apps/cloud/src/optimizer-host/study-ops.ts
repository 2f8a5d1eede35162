/**
 * The optimizer work itself (runs in the worker; also callable in-process, e.g. by tests that
 * check what an undisturbed run would choose): build or restore a study, tell, top up, serialize.
 *
 * @module
 */
import { type Condition, type ConditionSpace, createConditionSpace } from '@sdfl/chemistry';
import { createStudy, loadSurrogate, restoreStudy, type Study, type StudyState } from '@sdfl/optimizer';
import type { AdvanceRequest, AdvanceResponse, ModelInfo, StudySpec } from './protocol';

/** The worker does not hold this version live: send the stored state. */
export class StateNeededError extends Error {
  readonly code = 'STATE_NEEDED';
  constructor(campaignId: string, version: number) {
    super(`study of ${campaignId} at version ${version} is not cached: send its state`);
    this.name = 'StateNeededError';
  }
}

/** Live studies by campaign, with the stored state version they correspond to. */
export class StudyCache {
  readonly #studies = new Map<string, { version: number; study: Study<Condition>; space: ConditionSpace }>();

  /** Tells, tops up and returns the new state; the cache then holds version + 1. */
  async advance(request: AdvanceRequest): Promise<AdvanceResponse> {
    const started = performance.now();
    const { spec } = request;
    const cached = this.#studies.get(spec.campaignId);
    const fromVersion = request.state?.version ?? 0;
    const hit = cached !== undefined && request.state !== null && cached.version === fromVersion;
    if (!hit && request.state !== null && request.state.state === undefined) throw new StateNeededError(spec.campaignId, fromVersion);
    const live = hit ? cached : await this.#open(spec, request.state?.state ?? null);
    // Until committed, the cached study is ahead of the database: drop it so that a failed commit
    // (the engine retries from the stored state) never reuses it.
    this.#studies.delete(spec.campaignId);
    const { study } = live;
    const modelBefore = study.state().model?.version ?? null;
    const suggestions = [];
    for (const step of request.steps) {
      if (step.tell?.cube) study.edit(step.tell.suggestionId, step.tell.cube);
      if (step.tell) study.tell(step.tell.suggestionId, step.tell.result);
      if (step.cancel) study.cancel(step.cancel);
      if (step.abandon) study.abandon(step.abandon);
      const deficit = step.targetPending - study.pending().length;
      if (deficit > 0 && !study.exhausted) suggestions.push(...(await study.ask(deficit)));
    }
    const state = study.state();
    const model: ModelInfo | null =
      state.model && state.model.version !== modelBefore ? { version: state.model.version, nTrain: state.model.nTrain, snapshot: state.model.snapshot } : null;
    this.#studies.set(spec.campaignId, { ...live, version: fromVersion + 1 });
    return { state, suggestions, model, progress: study.progress(), done: study.done, computeMs: performance.now() - started };
  }

  forget(campaignId: string): void {
    this.#studies.delete(campaignId);
  }

  async #open(spec: StudySpec, state: StudyState | null) {
    const space = createConditionSpace(spec.space);
    const model = !state && spec.priorModel ? await loadSurrogate(spec.priorModel) : undefined;
    const prior = { ...(spec.priorObservations?.length ? { observations: spec.priorObservations } : {}), ...(model ? { model } : {}) };
    const study = state
      ? restoreStudy<Condition>(state, { space })
      : createStudy<Condition>({
          space,
          objective: spec.objective,
          schedule: spec.schedule,
          seed: spec.seed,
          idPrefix: 'exp',
          ...(spec.surrogate ? { surrogate: spec.surrogate } : {}),
          ...(Object.keys(prior).length > 0 ? { prior } : {}),
        });
    return { version: 0, study, space };
  }
}
