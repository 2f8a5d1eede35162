/** Validation of study options and results, and the initial state they produce. */
import { MODEL_POLICIES } from '../policies/policy';
import { StudyError } from './errors';
import {
  type Objective,
  type Observation,
  type PriorObservation,
  STUDY_FORMAT,
  DEFAULT_SURROGATE,
  type StageSpec,
  type StudyOptions,
  type StudyState,
  type TellResult,
} from './types';

const POLICIES = new Set<string>(['lhs', 'sobol', 'random', ...MODEL_POLICIES]);

/** Checks the schedule, objective and space; throws StudyError('INVALID_OPTIONS') listing every problem. */
export function validateOptions(o: Pick<StudyOptions, 'space' | 'objective' | 'schedule' | 'seed' | 'surrogate'>): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.space.dim) || o.space.dim < 1) problems.push(`space.dim must be a positive integer, got ${o.space.dim}`);
  if (!Number.isFinite(o.seed)) problems.push('seed must be a finite number');
  if (o.objective.direction !== 'maximize' && o.objective.direction !== 'minimize') problems.push(`objective.direction must be maximize or minimize`);
  if (o.surrogate !== undefined && !['enn', 'gp', 'auto'].includes(o.surrogate)) problems.push(`surrogate '${String(o.surrogate)}' is not one of enn, gp, auto`);
  if (o.schedule.length === 0) problems.push('schedule needs at least one stage');
  o.schedule.forEach((s, i) => {
    if (!POLICIES.has(s.policy)) problems.push(`schedule[${i}].policy '${s.policy}' is not one of ${[...POLICIES].join(', ')}`);
    if (!Number.isInteger(s.count) || s.count < 1) problems.push(`schedule[${i}].count must be a positive integer, got ${s.count}`);
  });
  if (problems.length > 0) throw new StudyError('INVALID_OPTIONS', `invalid study options:\n  ${problems.join('\n  ')}`);
}

/** Objective value of a result, or a failure. Throws StudyError('INVALID_RESULT'). */
export function parseResult(result: TellResult, objective: Objective): { value: number } | { failed: { reason: string } } {
  if (typeof result === 'number') {
    if (!Number.isFinite(result)) throw new StudyError('INVALID_RESULT', `objective value must be finite, got ${result}`);
    return { value: result };
  }
  if ('failed' in result && (result as { failed: unknown }).failed === true) {
    const reason = (result as { reason?: unknown }).reason;
    return { failed: { reason: typeof reason === 'string' ? reason : 'unspecified' } };
  }
  const v = (result as Readonly<Record<string, number>>)[objective.feature];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new StudyError('INVALID_RESULT', `result has no finite '${objective.feature}' (the objective feature)`);
  }
  return { value: v };
}

/** Turns transferred observations into study observations (source `prior`). */
export function priorObservations(prior: readonly PriorObservation[], dim: number): Observation[] {
  return prior.map((p, i) => {
    if (p.cube.length !== dim) throw new StudyError('INVALID_OPTIONS', `prior observation ${i} has ${p.cube.length} inputs, expected ${dim}`);
    const failed = p.failed === true || (typeof p.failed === 'object' && p.failed !== null) || p.value === null;
    if (!failed && !Number.isFinite(p.value)) throw new StudyError('INVALID_OPTIONS', `prior observation ${i} has no finite value`);
    return {
      id: `prior-${i}`,
      cube: [...p.cube],
      value: failed ? null : p.value,
      ...(failed ? { failed: { reason: typeof p.failed === 'object' && p.failed ? p.failed.reason : 'prior failure' } } : {}),
      policy: 'prior',
      stage: null,
      source: 'prior',
      predicted: null,
      modelVersion: null,
    };
  });
}

/** Initial serialized state of a new study (rng and model filled in by the study). */
export function initialState(o: StudyOptions, rng: number[]): StudyState {
  const priorObs = o.prior?.observations ?? [];
  return {
    format: STUDY_FORMAT,
    seed: o.seed,
    objective: { ...o.objective },
    schedule: o.schedule.map((s: StageSpec) => structuredClone(s)),
    options: {
      surrogate: o.surrogate ?? DEFAULT_SURROGATE,
      allowReplicates: o.allowReplicates ?? false,
      minFitData: o.minFitData ?? 3,
      warmStart: o.warmStart ?? (o.surrogate ?? DEFAULT_SURROGATE) !== 'enn',
      incumbent: o.incumbent ?? 'all',
      pending: { strategy: o.pending?.strategy ?? 'believer', refit: o.pending?.refit ?? true, overlayWidth: o.pending?.overlayWidth ?? 0.1 },
      feasibility: o.feasibility ?? {},
      idPrefix: o.idPrefix ?? 'exp',
      priorRefitAfter: o.prior?.refitAfter ?? (priorObs.length > 0 ? 1 : 5),
    },
    rng,
    stages: o.schedule.map(() => ({ issued: 0, plan: null })),
    nextId: 1,
    observations: priorObservations(priorObs, o.space.dim),
    pending: [],
    abandoned: [],
    model: null,
    priorModel: null,
  };
}

/** Structural check of a saved state before restoring it. Throws StudyError('INVALID_STATE'). */
export function checkState(s: StudyState, dim: number): void {
  const bad = (why: string): never => {
    throw new StudyError('INVALID_STATE', `cannot restore study: ${why}`);
  };
  const format: unknown = s.format;
  if (format !== STUDY_FORMAT) bad(`format '${String(format)}' is not ${STUDY_FORMAT}`);
  if (!Array.isArray(s.rng) || s.rng.length !== 4) bad('rng state must be 4 words');
  if (s.stages.length !== s.schedule.length) bad('stages and schedule differ in length');
  for (const o of [...s.observations, ...s.pending]) if (o.cube.length !== dim) bad(`point ${o.id} has ${o.cube.length} inputs, space has ${dim}`);
}
