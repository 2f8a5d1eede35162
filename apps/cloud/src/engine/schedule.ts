/**
 * Campaign schedules as people write them: `lhs 9 -> mv 51 -> ei 10` (the paper's), each stage a
 * policy and a count. Parsed into the optimizer's stage specs.
 *
 * @module
 */
import { MODEL_POLICIES, type StageSpec } from '@sdfl/optimizer';

/** Policies a stage may name. */
export const STAGE_POLICIES = ['lhs', 'sobol', 'random', ...MODEL_POLICIES] as const;

/** The schedule the demo runs by default: a short exploration, then expected improvement. */
export const DEFAULT_SCHEDULE = 'lhs 6 -> ei 10';

/** The paper's schedule: 9 LHS, 51 maximum-variance, 10 expected-improvement experiments. */
export const PAPER_SCHEDULE = 'lhs 9 -> mv 51 -> ei 10';

/** A schedule that does not parse; `problems` lists every bad stage. */
export class ScheduleError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid schedule: ${problems.join('; ')}`);
    this.name = 'ScheduleError';
  }
}

/**
 * Parses `policy count -> policy count ...` (case-insensitive; `->`, `,` or `;` between stages).
 *
 * @example
 * parseSchedule('lhs 9 -> mv 51 -> ei 10'); // [{policy:'lhs',count:9}, {policy:'mv',count:51}, {policy:'ei',count:10}]
 * @throws {ScheduleError} listing every problem.
 */
export function parseSchedule(text: string): StageSpec[] {
  const parts = text
    .split(/->|,|;/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const problems: string[] = [];
  if (parts.length === 0) problems.push('no stage given (e.g. "lhs 9 -> ei 10")');
  const stages: StageSpec[] = [];
  for (const part of parts) {
    const m = /^([a-z]+)\s+(\d+)$/i.exec(part);
    const policy = m?.[1]?.toLowerCase();
    const count = Number(m?.[2]);
    if (!m || !policy) problems.push(`"${part}" is not "<policy> <count>"`);
    else if (!(STAGE_POLICIES as readonly string[]).includes(policy)) problems.push(`"${policy}" is not one of ${STAGE_POLICIES.join(', ')}`);
    else if (!Number.isInteger(count) || count < 1 || count > 10_000) problems.push(`"${part}": count must be an integer from 1 to 10000`);
    else stages.push({ policy: policy as StageSpec['policy'], count });
  }
  if (problems.length > 0) throw new ScheduleError(problems);
  return stages;
}

/** The schedule back in its written form. */
export function formatSchedule(stages: readonly StageSpec[]): string {
  return stages.map((s) => `${s.policy} ${s.count}`).join(' -> ');
}
