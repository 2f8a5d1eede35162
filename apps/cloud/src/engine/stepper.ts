/**
 * One decision of one campaign: tell the study every outcome not yet told (in arrival order),
 * top up its pending suggestions to the platform's queue depth, store everything in one
 * transaction. Exactly one process decides a campaign at a time: it takes a lease on the campaign
 * row (`SELECT ... FOR UPDATE SKIP LOCKED`), computes outside any transaction (a fit must not
 * block the database), and commits only while it still holds the lease.
 *
 * Determinism (restart safety): the steps depend only on stored data — outcomes in arrival order
 * (as stored), each followed by a top-up to `queueDepth + 1` pending — and the study restores from its stored
 * state, so a cloud killed anywhere chooses, after a restart, what an undisturbed one would have.
 *
 * @module
 */
import { and, asc, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Objective, StageSpec, StudyState } from '@sdfl/optimizer';
import type { CloudDrizzle } from '../db/open';
import { campaigns, events, experiments, modelSnapshots, results, studyStates } from '../db/schema';
import type { OptimizerHost } from '../optimizer-host/host';
import type { AdvanceResponse, AdvanceStep, StudySpec } from '../optimizer-host/protocol';

/** What the engine does after a step. */
export interface StepOutcome {
  /** Platform with new experiments to dispatch. */
  readonly dispatchTo: string | null;
  /** A new model version to ship to the platform. */
  readonly model: { readonly platformId: string; readonly campaignId: string; readonly version: number } | null;
  /** The campaign ended (done) or paused in this step. */
  readonly ended: 'done' | 'paused' | null;
  /** Time in the optimizer, ms (0 when nothing needed deciding). */
  readonly computeMs: number;
}

const NOTHING: StepOutcome = { dispatchTo: null, model: null, ended: null, computeMs: 0 };
const OUTCOMES = ['done', 'failed', 'aborted', 'rejected'];
const OUTSTANDING = ['proposed', 'queued', 'dispatched', 'accepted', 'running'];

type CampaignRow = typeof campaigns.$inferSelect;
type ExperimentRow = typeof experiments.$inferSelect;

/** Options of {@link CampaignStepper}. */
export interface StepperOptions {
  readonly db: CloudDrizzle;
  readonly host: OptimizerHost;
  readonly log: Logger;
  /** Identity of this process in leases. */
  readonly owner: string;
  /** How long a lease lasts if its holder dies, ms. Default 120 s (longer than any fit). */
  readonly leaseMs?: number;
}

/** The campaign stepper. */
export class CampaignStepper {
  readonly #o: StepperOptions;

  constructor(options: StepperOptions) {
    this.#o = options;
  }

  /** Decides what a campaign needs now; a no-op when nothing changed or another process holds it. */
  async step(campaignId: string): Promise<StepOutcome> {
    const campaign = await this.#lease(campaignId);
    if (!campaign) return NOTHING;
    try {
      return await this.#decide(campaign);
    } finally {
      await this.#release(campaignId);
    }
  }

  async #decide(c: CampaignRow): Promise<StepOutcome> {
    const { db } = this.#o;
    // The version only: the worker usually holds that study live, and a state can be large.
    const stored = (await db.select({ version: studyStates.version }).from(studyStates).where(eq(studyStates.campaignId, c.id)).orderBy(desc(studyStates.version)).limit(1))[0];
    const all = await db.select().from(experiments).where(eq(experiments.campaignId, c.id)).orderBy(asc(experiments.seq));
    const outstanding = all.filter((e) => e.toldAt === null && OUTSTANDING.includes(e.status)).length;
    const objective = c.objective as Objective;
    const { untold, values } = await this.#untold(all.filter((e) => e.toldAt === null && OUTCOMES.includes(e.status)), objective);

    let failures = c.consecutiveFailures;
    let paused = false;
    // With an approval gate, a few more proposals wait for review so that approvals never starve the reactor.
    const target = () => (c.status === 'running' && !paused ? c.queueDepth + 1 + (c.approvalGate ? c.approvalAhead : 0) : 0);
    const steps: AdvanceStep[] = [];
    for (const e of untold) {
      const v = values.get(e.id);
      if (e.status === 'aborted' || e.status === 'rejected') {
        steps.push({ ...(e.status === 'aborted' ? { cancel: e.suggestionId } : { abandon: e.suggestionId }), targetPending: target() });
        continue;
      }
      if (e.status === 'done' && v !== undefined) failures = 0;
      else failures += 1;
      if (failures >= c.maxConsecutiveFailures) paused = true;
      const result = e.status === 'done' && v !== undefined ? v : { failed: true as const, reason: failureReason(e) };
      // An edited proposal ran elsewhere than proposed: the study records it at the edited point.
      steps.push({ tell: { suggestionId: e.suggestionId, result, ...(e.proposedCondition ? { cube: e.cube as number[] } : {}) }, targetPending: target() });
    }
    if (steps.length === 0) {
      const issued = all.length - all.filter((e) => ['aborted', 'withdrawn', 'rejected'].includes(e.status)).length;
      const exhausted = issued >= c.planned;
      if (c.status !== 'running' || outstanding >= target() || exhausted) {
        return exhausted && outstanding === 0 && c.status === 'running' ? this.#finish(c) : NOTHING;
      }
      steps.push({ targetPending: target() });
    }

    const response = await this.#advance(c, stored?.version ?? null, steps);
    const lastStage = all.reduce((m, e) => Math.max(m, e.stage), -1);
    await this.#commit(c, stored?.version ?? 0, response, untold, values, { failures, paused, existing: all.length, lastStage });
    const ended = response.done && !paused ? 'done' : paused ? 'paused' : null;
    if (ended === 'done') this.#o.host.forget(c.id);
    return {
      dispatchTo: response.suggestions.length > 0 ? c.platformId : null,
      model: response.model && c.platformId ? { platformId: c.platformId, campaignId: c.id, version: response.model.version } : null,
      ended,
      computeMs: response.computeMs,
    };
  }

  /** Asks the worker, sending the stored state only when it does not hold that version live. */
  async #advance(c: CampaignRow, version: number | null, steps: AdvanceStep[]): Promise<AdvanceResponse> {
    const spec = studySpec(c);
    if (version === null) return this.#o.host.advance({ spec, state: null, steps });
    try {
      return await this.#o.host.advance({ spec, state: { version }, steps });
    } catch (error) {
      if ((error as { code?: string }).code !== 'STATE_NEEDED') throw error;
      const [row] = await this.#o.db
        .select({ state: studyStates.state })
        .from(studyStates)
        .where(and(eq(studyStates.campaignId, c.id), eq(studyStates.version, version)));
      return this.#o.host.advance({ spec, state: { version, state: row!.state as StudyState }, steps });
    }
  }

  async #commit(
    c: CampaignRow,
    fromVersion: number,
    r: AdvanceResponse,
    told: ExperimentRow[],
    values: Map<string, number>,
    k: { failures: number; paused: boolean; existing: number; lastStage: number },
  ): Promise<void> {
    const { failures, paused, existing, lastStage } = k;
    const now = new Date();
    await this.#o.db.transaction(async (tx) => {
      const held = await tx
        .update(campaigns)
        .set({ consecutiveFailures: failures })
        .where(and(eq(campaigns.id, c.id), eq(campaigns.leaseOwner, this.#o.owner)))
        .returning({ id: campaigns.id });
      if (held.length === 0) throw new Error(`lease on campaign ${c.id} lost before commit; the decision is discarded`);
      await tx.insert(studyStates).values({ campaignId: c.id, version: fromVersion + 1, state: r.state });
      for (const e of told) {
        await tx.update(experiments).set({ toldAt: now, value: values.get(e.id) ?? null }).where(eq(experiments.id, e.id));
      }
      if (r.suggestions.length > 0) {
        await tx.insert(experiments).values(
          r.suggestions.map((s, i) => ({
            id: `${c.id}-${s.id}`,
            campaignId: c.id,
            seq: existing + i + 1,
            suggestionId: s.id,
            platformId: c.platformId,
            status: c.approvalGate ? 'proposed' : 'queued',
            cube: s.cube,
            condition: s.condition,
            policy: s.policy,
            stage: s.stage,
            acquisitionValue: s.acquisitionValue,
            predictedMean: s.predicted?.mean ?? null,
            predictedStd: s.predicted?.std ?? null,
            modelVersion: s.modelVersion,
          })),
        );
        // SSE feed: a new experiment (a gated campaign's reviewers see the proposal at once).
        await tx.insert(events).values(
          r.suggestions.map((s) => ({ source: 'cloud', campaignId: c.id, platformId: c.platformId, experimentId: `${c.id}-${s.id}`, type: 'experimentStatus', body: { status: c.approvalGate ? 'proposed' : 'queued', policy: s.policy }, at: now })),
        );
      }
      if (r.model) {
        await tx
          .insert(modelSnapshots)
          .values({ campaignId: c.id, version: r.model.version, snapshot: r.model.snapshot ?? {}, metrics: { nTrain: r.model.nTrain, computeMs: r.computeMs } })
          .onConflictDoNothing();
        // SSE feed (API /events): a new model version.
        await tx.insert(events).values({ source: 'cloud', campaignId: c.id, platformId: c.platformId, type: 'modelVersion', body: { version: r.model.version, nTrain: r.model.nTrain }, at: now });
      }
      const newStage = r.suggestions.reduce((m, s) => Math.max(m, s.stage), -1);
      if (newStage > lastStage) {
        const schedule = c.schedule as StageSpec[];
        await tx.insert(events).values({
          source: 'cloud',
          campaignId: c.id,
          platformId: c.platformId,
          type: 'campaignStage',
          body: { stage: newStage, policy: schedule[newStage]?.policy, count: schedule[newStage]?.count },
          at: now,
        });
      }
      if (paused) {
        const reason = `${failures} failed experiments in a row (limit ${c.maxConsecutiveFailures})`;
        await tx.update(campaigns).set({ status: 'paused', statusReason: reason }).where(eq(campaigns.id, c.id));
        await tx.insert(events).values({ source: 'cloud', campaignId: c.id, platformId: c.platformId, type: 'campaignPaused', severity: 'warning', body: { reason }, at: now });
      } else if (r.done) {
        await this.#markDone(tx, c, now);
      }
    });
  }

  async #finish(c: CampaignRow): Promise<StepOutcome> {
    await this.#o.db.transaction((tx) => this.#markDone(tx, c, new Date()));
    this.#o.host.forget(c.id);
    return { ...NOTHING, ended: 'done' };
  }

  async #markDone(tx: Pick<CloudDrizzle, 'update' | 'insert'>, c: CampaignRow, now: Date): Promise<void> {
    await tx.update(campaigns).set({ status: 'done', finishedAt: now, statusReason: 'budget reached' }).where(eq(campaigns.id, c.id));
    await tx.insert(events).values({ source: 'cloud', campaignId: c.id, platformId: c.platformId, type: 'campaignDone', body: { planned: c.planned }, at: now });
  }

  /**
   * Outcomes not yet told, in the order they arrived (a result's receive time; an edge's refusal
   * has none and uses its finish time), and the objective value of each done one. Arrival order
   * is stored, so a restarted cloud tells them exactly as the undisturbed one did.
   */
  async #untold(outcomes: ExperimentRow[], objective: Objective): Promise<{ untold: ExperimentRow[]; values: Map<string, number> }> {
    const values = new Map<string, number>();
    if (outcomes.length === 0) return { untold: [], values };
    const rows = await this.#o.db
      .select({ experimentId: results.experimentId, attempt: results.attempt, features: results.features, receivedAt: results.receivedAt })
      .from(results)
      .where(inArray(results.experimentId, outcomes.map((e) => e.id)));
    const arrived = new Map<string, number>();
    for (const e of outcomes) {
      const row = rows.find((r) => r.experimentId === e.id && r.attempt === e.attempt);
      arrived.set(e.id, (row?.receivedAt ?? e.finishedAt ?? e.createdAt).getTime());
      const v = (row?.features as Record<string, unknown> | null | undefined)?.[objective.feature];
      if (e.status === 'done' && typeof v === 'number' && Number.isFinite(v)) values.set(e.id, v);
    }
    const untold = [...outcomes].sort((a, b) => arrived.get(a.id)! - arrived.get(b.id)! || a.seq - b.seq);
    return { untold, values };
  }

  async #lease(campaignId: string): Promise<CampaignRow | undefined> {
    const { db, owner } = this.#o;
    const until = new Date(Date.now() + (this.#o.leaseMs ?? 120_000));
    return db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.id, campaignId), or(isNull(campaigns.leaseUntil), lt(campaigns.leaseUntil, new Date()), eq(campaigns.leaseOwner, owner))))
        .for('update', { skipLocked: true });
      if (!row) return undefined;
      await tx.update(campaigns).set({ leaseOwner: owner, leaseUntil: until }).where(eq(campaigns.id, campaignId));
      return row;
    });
  }

  async #release(campaignId: string): Promise<void> {
    await this.#o.db
      .update(campaigns)
      .set({ leaseOwner: null, leaseUntil: null })
      .where(and(eq(campaigns.id, campaignId), eq(campaigns.leaseOwner, this.#o.owner)));
  }
}

/** The study a campaign row describes. */
export function studySpec(c: CampaignRow): StudySpec {
  const prior = c.prior as { observations?: { cube: number[]; value: number | null }[]; model?: unknown } | null;
  const optimizer = c.optimizer as { surrogate?: StudySpec['surrogate'] } | null;
  return {
    campaignId: c.id,
    space: c.space as StudySpec['space'],
    objective: c.objective as Objective,
    schedule: c.schedule as StageSpec[],
    seed: c.seed,
    ...(prior?.observations ? { priorObservations: prior.observations } : {}),
    ...(prior?.model ? { priorModel: prior.model } : {}),
    ...(optimizer?.surrogate ? { surrogate: optimizer.surrogate } : {}),
  };
}


function failureReason(e: ExperimentRow): string {
  const f = e.failure as { reason?: string; detail?: string } | null;
  if (e.status === 'done') return 'objective feature missing (e.g. no emission)';
  return f?.reason ? `${f.reason}${f.detail ? `: ${f.detail}` : ''}` : 'failed';
}
