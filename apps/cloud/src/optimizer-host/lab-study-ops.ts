/**
 * Lab studies in the worker: a named-parameter box mapped onto the optimizer's unit cube, and a
 * cache of live studies keyed by study id and stored version (as `StudyCache` does for campaigns).
 *
 * @module
 */
import { createStudy, restoreStudy, type CubeSpace, type Study, type StudyState } from '@sdfl/optimizer';
import type { LabAdvanceRequest, LabAdvanceResponse, LabParameter, LabStudySpec } from './lab-protocol';
import { StateNeededError } from './study-ops';

/**
 * The cube space of named parameters: coordinate i maps linearly onto [min_i, max_i]; an integer
 * parameter is rounded to the nearest integer, and its cube coordinate snapped to that integer so
 * the optimizer's duplicate guard and fantasies see the point actually run.
 */
export function labSpace(parameters: readonly LabParameter[]): CubeSpace<Record<string, number>> {
  const value = (p: LabParameter, u: number) => {
    const v = p.min + Math.min(1, Math.max(0, u)) * (p.max - p.min);
    return p.type === 'integer' ? Math.round(v) : v;
  };
  return {
    dim: parameters.length,
    fromCube: (u) => Object.fromEntries(parameters.map((p, i) => [p.name, value(p, u[i]!)])),
    quantizeCube: (u) =>
      parameters.map((p, i) => {
        if (p.type !== 'integer' || p.max === p.min) return u[i]!;
        return (value(p, u[i]!) - p.min) / (p.max - p.min);
      }),
  };
}

type LabStudy = Study<Record<string, number>>;

/** Live lab studies with the stored version each corresponds to. */
export class LabStudyCache {
  readonly #studies = new Map<string, { version: number; study: LabStudy }>();

  /** Applies the steps and returns the new state; the cache then holds version + 1. */
  async advance(request: LabAdvanceRequest): Promise<LabAdvanceResponse> {
    const started = performance.now();
    const { spec } = request;
    const fromVersion = request.state?.version ?? 0;
    const cached = this.#studies.get(spec.studyId);
    const hit = cached !== undefined && request.state !== null && cached.version === fromVersion;
    if (!hit && request.state !== null && request.state.state === undefined) throw new StateNeededError(spec.studyId, fromVersion);
    const study = hit ? cached.study : open(spec, request.state?.state ?? null);
    // Ahead of the database until the caller commits: a failed commit must not reuse it.
    this.#studies.delete(spec.studyId);
    const suggestions = [];
    for (const step of request.steps) {
      if (step.tell) study.tell(step.tell.suggestionId, step.tell.result);
      if (step.cancel) study.cancel(step.cancel);
      if (step.ask && step.ask > 0 && !study.exhausted) suggestions.push(...(await study.ask(step.ask)));
    }
    const state = study.state();
    this.#studies.set(spec.studyId, { version: fromVersion + 1, study });
    return { state, suggestions, progress: study.progress(), done: study.done, modelVersion: state.model?.version ?? null, computeMs: performance.now() - started };
  }

  forget(studyId: string): void {
    this.#studies.delete(studyId);
  }
}

function open(spec: LabStudySpec, state: StudyState | null): LabStudy {
  const space = labSpace(spec.parameters);
  return state
    ? restoreStudy(state, { space })
    : createStudy({ space, objective: spec.objective, schedule: spec.schedule, seed: spec.seed, idPrefix: 'trial', ...(spec.surrogate ? { surrogate: spec.surrogate } : {}) });
}
