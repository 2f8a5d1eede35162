/**
 * Ask/tell studies for any lab, over the API (no platform, no MQTT). Everything is in the database
 * after every ask and tell: the study row, its optimizer state (a new version per decision) and
 * one row per suggestion. One decision at a time per study: an in-process queue, and across
 * processes a lease on the study row (taken by one atomic UPDATE; a study leased by another process
 * answers BUSY). The optimizer computes in the worker outside any transaction; the result is
 * committed only while the lease is still held.
 *
 * @module
 */
import { randomBytes, randomInt } from 'node:crypto';
import { and, asc, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { StageSpec, StudyState, SurrogateKind } from '@sdfl/optimizer';
import type { CloudDrizzle } from '../db/open';
import { auditLog, labStudies, labStudyStates, labTrials } from '../db/schema';
import type { OptimizerHost } from '../optimizer-host/host';
import type { LabAdvanceRequest, LabAdvanceResponse, LabParameter, LabStep, LabStudySpec } from '../optimizer-host/lab-protocol';
import { CloudError } from '../errors';

export type StudyRow = typeof labStudies.$inferSelect;
export type TrialRow = typeof labTrials.$inferSelect;

/** What a study is created from (already validated by the API schema). */
export interface NewStudy {
  readonly name: string;
  readonly parameters: readonly LabParameter[];
  readonly objective: { readonly name: string; readonly direction: 'maximize' | 'minimize' };
  readonly schedule: readonly StageSpec[];
  readonly seed?: number;
  readonly surrogate?: SurrogateKind;
}

/** The outcome of one suggestion. */
export type TellOutcome = { readonly value: number } | { readonly failed: true; readonly reason?: string } | { readonly abandoned: true; readonly reason?: string };

/** Something the caller asked that cannot be done; `code` maps onto an API error. */
export class StudyServiceError extends CloudError<'NOT_FOUND' | 'CONFLICT' | 'BUSY'> {}

/** Options of {@link StudyService}. */
export interface StudyServiceOptions {
  readonly db: CloudDrizzle;
  readonly host: OptimizerHost;
  /** This process in leases. */
  readonly owner: string;
  /** A lease outlives a dead holder by this long, ms. Default 120 s. */
  readonly leaseMs?: number;
}

/** The study service. */
export class StudyService {
  readonly #o: StudyServiceOptions;
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(options: StudyServiceOptions) {
    this.#o = options;
  }

  async create(input: NewStudy, actor: string, reason?: string): Promise<StudyRow> {
    const id = `st-${randomBytes(6).toString('hex')}`;
    const row = {
      id,
      name: input.name,
      owner: actor,
      parameters: input.parameters,
      objective: input.objective,
      schedule: input.schedule,
      surrogate: input.surrogate ?? null,
      seed: input.seed ?? randomInt(1, 2 ** 31 - 1),
    };
    return this.#o.db.transaction(async (tx) => {
      const [created] = await tx.insert(labStudies).values(row).returning();
      await tx.insert(auditLog).values({ actor, action: 'study.create', target: id, reason: reason ?? null, detail: { name: input.name } });
      return created!;
    });
  }

  async get(id: string): Promise<StudyRow> {
    const [row] = await this.#o.db.select().from(labStudies).where(eq(labStudies.id, id));
    if (!row) throw new StudyServiceError('NOT_FOUND', `no study '${id}'`);
    return row;
  }

  list(owner?: string): Promise<StudyRow[]> {
    const q = this.#o.db.select().from(labStudies);
    return (owner ? q.where(eq(labStudies.owner, owner)) : q).orderBy(asc(labStudies.createdAt));
  }

  trials(id: string): Promise<TrialRow[]> {
    return this.#o.db.select().from(labTrials).where(eq(labTrials.studyId, id)).orderBy(asc(labTrials.seq));
  }

  /** Up to n new suggestions (fewer, or none, when the schedule runs out); each pending until told. */
  ask(id: string, n: number, actor: string): Promise<{ study: StudyRow; trials: TrialRow[]; done: boolean }> {
    return this.#serial(id, async () => {
      const study = await this.#lease(id);
      try {
        const r = await this.#advance(study, [{ ask: n }]);
        if (r.suggestions.length === 0) {
          // Nothing new: no state version to store (the worker's copy is dropped to match).
          this.#o.host.labForget(id);
          const status = r.done ? 'done' : 'active';
          if (status !== study.status) await this.#o.db.update(labStudies).set({ status, updatedAt: new Date() }).where(eq(labStudies.id, id));
          return { study: { ...study, status }, trials: [], done: r.done };
        }
        const trials = await this.#commit(study, r, async (tx, now) => {
          const [last] = await tx.select({ seq: labTrials.seq }).from(labTrials).where(eq(labTrials.studyId, id)).orderBy(desc(labTrials.seq)).limit(1);
          const base = last?.seq ?? 0;
          const rows = await tx
            .insert(labTrials)
            .values(
              r.suggestions.map((s, i) => ({
                studyId: id,
                id: s.id,
                seq: base + i + 1,
                params: s.condition,
                cube: s.cube,
                policy: s.policy,
                stage: s.stage,
                predictedMean: s.predicted?.mean ?? null,
                predictedStd: s.predicted?.std ?? null,
                modelVersion: s.modelVersion,
                askedAt: now,
              })),
            )
            .returning();
          await tx.insert(auditLog).values({ actor, action: 'study.ask', target: id, detail: { asked: n, got: rows.map((t) => t.id) } });
          return rows;
        });
        return { study: { ...study, status: r.done ? 'done' : 'active' }, trials, done: r.done };
      } finally {
        await this.#release(id);
      }
    });
  }

  /**
   * Records a suggestion's outcome: a value, a failure (the optimizer learns the region) or
   * abandoned (withdrawn: its slot returns to the schedule). Repeating the same outcome is a no-op;
   * a different outcome for an already-told suggestion is a CONFLICT.
   */
  tell(id: string, trialId: string, outcome: TellOutcome, actor: string, reason?: string): Promise<{ trial: TrialRow; unchanged: boolean }> {
    return this.#serial(id, async () => {
      const [trial] = await this.#o.db.select().from(labTrials).where(and(eq(labTrials.studyId, id), eq(labTrials.id, trialId)));
      if (!trial) {
        await this.get(id);
        throw new StudyServiceError('NOT_FOUND', `study '${id}' has no trial '${trialId}'`);
      }
      const status = 'value' in outcome ? 'told' : 'failed' in outcome ? 'failed' : 'abandoned';
      if (trial.status !== 'pending') {
        const same = trial.status === status && (status !== 'told' || trial.value === (outcome as { value: number }).value);
        if (same) return { trial, unchanged: true };
        throw new StudyServiceError('CONFLICT', `trial '${trialId}' is already ${trial.status}${trial.value !== null ? ` (${trial.value})` : ''}`);
      }
      const why = 'value' in outcome ? null : (outcome.reason ?? reason ?? null);
      const step: LabStep =
        'value' in outcome
          ? { tell: { suggestionId: trialId, result: outcome.value } }
          : 'failed' in outcome
            ? { tell: { suggestionId: trialId, result: { failed: true, reason: why ?? 'failed' } } }
            : { cancel: trialId };
      const study = await this.#lease(id);
      try {
        const r = await this.#advance(study, [step]);
        const [told] = await this.#commit(study, r, async (tx, now) => {
          const rows = await tx
            .update(labTrials)
            .set({ status, value: 'value' in outcome ? outcome.value : null, reason: why, toldAt: now })
            .where(and(eq(labTrials.studyId, id), eq(labTrials.id, trialId)))
            .returning();
          await tx.insert(auditLog).values({ actor, action: `study.tell`, target: `${id}/${trialId}`, reason: reason ?? why, detail: { status, ...('value' in outcome ? { value: outcome.value } : {}) } });
          return rows;
        });
        return { trial: told!, unchanged: false };
      } finally {
        await this.#release(id);
      }
    });
  }

  /** Deletes a study, its states and trials. */
  remove(id: string, actor: string, reason?: string): Promise<void> {
    return this.#serial(id, async () => {
      await this.#lease(id);
      await this.#o.db.transaction(async (tx) => {
        await tx.delete(labStudies).where(eq(labStudies.id, id));
        await tx.insert(auditLog).values({ actor, action: 'study.delete', target: id, reason: reason ?? null });
      });
      this.#o.host.labForget(id);
    });
  }

  /** Runs one decision of a study at a time in this process. */
  #serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const prev = this.#chains.get(id) ?? Promise.resolve();
    const run = prev.then(work, work);
    const tail = run.catch(() => undefined);
    this.#chains.set(id, tail);
    void tail.then(() => {
      if (this.#chains.get(id) === tail) this.#chains.delete(id);
    });
    return run;
  }

  async #lease(id: string): Promise<StudyRow> {
    const { db, owner } = this.#o;
    const now = new Date();
    const [row] = await db
      .update(labStudies)
      .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + (this.#o.leaseMs ?? 120_000)) })
      .where(and(eq(labStudies.id, id), or(isNull(labStudies.leaseUntil), lt(labStudies.leaseUntil, now), eq(labStudies.leaseOwner, owner))))
      .returning();
    if (row) return row;
    await this.get(id);
    throw new StudyServiceError('BUSY', `study '${id}' is deciding in another process; retry shortly`);
  }

  async #release(id: string): Promise<void> {
    await this.#o.db
      .update(labStudies)
      .set({ leaseOwner: null, leaseUntil: null })
      .where(and(eq(labStudies.id, id), eq(labStudies.leaseOwner, this.#o.owner)));
  }

  /** Asks the worker, sending the stored state only when it does not hold that version live. */
  async #advance(study: StudyRow, steps: LabStep[]): Promise<LabAdvanceResponse> {
    const spec = specOf(study);
    const { host, db } = this.#o;
    if (study.version === 0) return host.labAdvance({ spec, state: null, steps });
    const request: LabAdvanceRequest = { spec, state: { version: study.version }, steps };
    try {
      return await host.labAdvance(request);
    } catch (error) {
      if ((error as { code?: string }).code !== 'STATE_NEEDED') throw error;
      const [row] = await db
        .select({ state: labStudyStates.state })
        .from(labStudyStates)
        .where(and(eq(labStudyStates.studyId, study.id), eq(labStudyStates.version, study.version)));
      return host.labAdvance({ ...request, state: { version: study.version, state: row!.state as StudyState } });
    }
  }

  /** Stores the new state version and whatever `write` adds, in one transaction, while the lease holds. */
  async #commit<T>(study: StudyRow, r: LabAdvanceResponse, write: (tx: Parameters<Parameters<CloudDrizzle['transaction']>[0]>[0], now: Date) => Promise<T>): Promise<T> {
    const now = new Date();
    try {
      return await this.#o.db.transaction(async (tx) => {
        const held = await tx
          .update(labStudies)
          .set({ version: study.version + 1, status: r.done ? 'done' : 'active', updatedAt: now })
          .where(and(eq(labStudies.id, study.id), eq(labStudies.leaseOwner, this.#o.owner), eq(labStudies.version, study.version)))
          .returning({ id: labStudies.id });
        if (held.length === 0) throw new StudyServiceError('BUSY', `study '${study.id}' changed while deciding; retry`);
        await tx.insert(labStudyStates).values({ studyId: study.id, version: study.version + 1, state: r.state });
        return write(tx, now);
      });
    } catch (error) {
      // The worker's live study is ahead of what was stored: never reuse it.
      this.#o.host.labForget(study.id);
      throw error;
    }
  }
}

/** The worker spec of a study row. */
export function specOf(s: StudyRow): LabStudySpec {
  const objective = s.objective as NewStudy['objective'];
  return {
    studyId: s.id,
    parameters: s.parameters as LabParameter[],
    objective: { feature: objective.name, direction: objective.direction },
    schedule: s.schedule as StageSpec[],
    seed: s.seed,
    ...(s.surrogate ? { surrogate: s.surrogate as SurrogateKind } : {}),
  };
}
