/**
 * Ask/tell optimisation study: a schedule of policy stages (e.g. `lhs 9 -> mv 51 -> ei 10`) over a
 * condition space, with pending-experiment fantasies, failure learning, an informed prior and a
 * JSON state from which `restoreStudy` continues identically.
 *
 * Stage bookkeeping counts ASKS: every suggestion takes one slot of the current stage, so topping
 * a queue up ahead of results never overshoots a stage (9 LHS points stay 9). `cancel` gives a slot
 * back (the experiment never ran); a failed experiment keeps its slot (it used reactor time).
 */
import { identityQuantizer, PointSet, type Quantizer } from '../policies/duplicates';
import { acquisition } from '../acquisition';
import { createFeasibilityModel, penalize } from '../policies/feasibility';
import { type PolicyParams, type Proposal, type ProposeContext, isModelPolicy, proposeFromModel, proposeRandom, proposeSpaceFilling } from '../policies/policy';
import { adaptiveTrustRegionSide } from '../policies/trust-region';
import { createPrng, type Prng } from '../sampling/prng';
import { maximinLhs } from '../sampling/lhs';
import { sobolSample } from '../sampling/sobol';
import type { Surrogate } from '../surrogate';
import { StudyError } from './errors';
import { fantasyValues } from './fantasy';
import type { ModelManager } from './model-manager';
import { parseResult } from './options';
import type {
  CubeSpace,
  ModelPurpose,
  Observation,
  PendingRecord,
  StudyState,
  Suggestion,
  TellResult,
  TrainingData,
} from './types';

/** Progress of the schedule. */
export interface StudyProgress {
  /** Index of the stage the next ask draws from, or null when every slot is issued. */
  stage: number | null;
  issued: number;
  total: number;
  pending: number;
  observations: number;
}

/** An ask/tell study; create with {@link createStudy}, resume with {@link restoreStudy}. */
export class Study<C = unknown> {
  private readonly rng: Prng;
  private readonly quantize: Quantizer;
  private queue: Promise<unknown> = Promise.resolve();

  /** @internal use createStudy / restoreStudy */
  constructor(
    private readonly s: StudyState,
    private readonly space: CubeSpace<C>,
    private readonly models: ModelManager,
  ) {
    this.rng = createPrng(s.rng);
    this.quantize = space.quantizeCube ? (u) => space.quantizeCube!(u) : identityQuantizer;
  }

  get dim(): number {
    return this.space.dim;
  }

  /** Every slot of the schedule has been issued. */
  get exhausted(): boolean {
    return this.currentStage() < 0;
  }

  /** The schedule is exhausted and nothing is pending. */
  get done(): boolean {
    return this.exhausted && this.s.pending.length === 0;
  }

  progress(): StudyProgress {
    const stage = this.currentStage();
    return {
      stage: stage < 0 ? null : stage,
      issued: this.s.stages.reduce((a, st) => a + st.issued, 0),
      total: this.s.schedule.reduce((a, st) => a + st.count, 0),
      pending: this.s.pending.length,
      observations: this.s.observations.filter((o) => o.source === 'local').length,
    };
  }

  /**
   * Up to n new suggestions (fewer when the schedule runs out). Each one is fantasised before the
   * next is chosen, so a batch never repeats itself. Calls are serialized.
   */
  ask(n = 1): Promise<Suggestion<C>[]> {
    const run = this.queue.then(async () => {
      const out: Suggestion<C>[] = [];
      try {
        for (let k = 0; k < n; k++) {
          const rec = await this.proposeOne();
          if (!rec) break;
          this.s.pending.push(rec);
          out.push(this.withCondition(rec));
        }
      } catch (error) {
        // The caller never sees this batch: give its slots back (e.g. when a fit fails).
        for (const s of out) this.cancel(s.id);
        throw error;
      }
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Records the result of a suggestion. Telling the same result twice is a no-op; a different one is an error. */
  tell(id: string, result: TellResult): Observation {
    const parsed = parseResult(result, this.s.objective);
    const i = this.s.pending.findIndex((p) => p.id === id);
    if (i < 0) {
      const seen = this.s.observations.find((o) => o.id === id);
      if (!seen) throw new StudyError('UNKNOWN_ID', `no pending suggestion '${id}'`);
      const same = 'value' in parsed ? seen.value === parsed.value : seen.failed !== undefined;
      if (!same) throw new StudyError('ALREADY_TOLD', `suggestion '${id}' already has a different result`);
      return structuredClone(seen);
    }
    const p = this.s.pending.splice(i, 1)[0]!;
    const obs: Observation = {
      id,
      cube: p.cube,
      value: 'value' in parsed ? parsed.value : null,
      ...('failed' in parsed ? { failed: parsed.failed } : {}),
      policy: p.policy,
      stage: p.stage,
      source: 'local',
      predicted: p.predicted,
      modelVersion: p.modelVersion,
    };
    this.s.observations.push(obs);
    return structuredClone(obs);
  }

  /** Withdraws a pending suggestion that never ran; its slot (and design point) return to its stage. */
  cancel(id: string): boolean {
    const i = this.s.pending.findIndex((p) => p.id === id);
    if (i < 0) return false;
    const p = this.s.pending.splice(i, 1)[0]!;
    const st = this.s.stages[p.stage]!;
    st.issued--;
    st.plan?.unshift(p.cube);
    return true;
  }

  /**
   * Forgets a pending suggestion that a person rejected: its slot returns to its stage, but, unlike
   * {@link cancel}, the point is never proposed again (it joins the duplicate guard's exclusions).
   */
  abandon(id: string): boolean {
    const i = this.s.pending.findIndex((p) => p.id === id);
    if (i < 0) return false;
    const p = this.s.pending.splice(i, 1)[0]!;
    this.s.stages[p.stage]!.issued--;
    (this.s.abandoned ??= []).push(p.cube);
    return true;
  }

  /**
   * Moves a pending suggestion to another point (a person edited the condition before it ran): the
   * result told later belongs to the new point. The decision's record (policy, prediction) stays.
   */
  edit(id: string, cube: readonly number[]): boolean {
    const p = this.s.pending.find((q) => q.id === id);
    if (!p) return false;
    if (cube.length !== this.dim || cube.some((x) => !Number.isFinite(x) || x < 0 || x > 1)) {
      throw new StudyError('INVALID_RESULT', `edited point must have ${this.dim} coordinates in [0, 1]`);
    }
    p.cube = this.quantize(cube);
    return true;
  }

  /** Records an experiment the study did not propose (e.g. a chemist's replicate); uses no slot. */
  observe(cube: readonly number[], result: TellResult): Observation {
    if (cube.length !== this.dim) throw new StudyError('INVALID_RESULT', `expected ${this.dim} inputs, got ${cube.length}`);
    const parsed = parseResult(result, this.s.objective);
    const obs: Observation = {
      id: `${this.s.options.idPrefix}-${this.s.nextId++}`,
      cube: this.quantize(cube),
      value: 'value' in parsed ? parsed.value : null,
      ...('failed' in parsed ? { failed: parsed.failed } : {}),
      policy: 'external',
      stage: null,
      source: 'local',
      predicted: null,
      modelVersion: null,
    };
    this.s.observations.push(obs);
    return structuredClone(obs);
  }

  /** All results (transferred ones first). */
  observations(): Observation[] {
    return structuredClone(this.s.observations);
  }

  /** Suggestions still waiting for a result. */
  pending(): Suggestion<C>[] {
    return this.s.pending.map((p) => this.withCondition(p));
  }

  /** Best successful result (`local` by default, or including transferred data). */
  best(scope: 'local' | 'all' = 'local'): Observation | undefined {
    const ok = this.s.observations.filter((o) => o.value !== null && (scope === 'all' || o.source === 'local'));
    const sign = this.s.objective.direction === 'maximize' ? 1 : -1;
    return ok.reduce<Observation | undefined>((b, o) => (!b || sign * o.value! > sign * b.value! ? o : b), undefined);
  }

  /** Successful results (prior + local) as a training set. */
  trainingData(): TrainingData {
    const ok = this.s.observations.filter((o) => o.value !== null);
    return { x: ok.map((o) => [...o.cube]), y: ok.map((o) => o.value!) };
  }

  /** The model the next decision would use (fitting it if needed), or undefined with too little data. */
  async model(): Promise<Surrogate | undefined> {
    return (await this.models.base(this.trainingData(), this.localSuccesses(), this.purpose()))?.model;
  }

  /**
   * What the study's model is for now: `optimize` while (or after) an EI, UCB or EPLT stage, else
   * `learn` (MV, designs, and a finished study whose last stage was one of them).
   */
  private purpose(): ModelPurpose {
    const idx = this.currentStage();
    const policy = this.s.schedule[idx < 0 ? this.s.schedule.length - 1 : idx]?.policy;
    return policy !== undefined && isModelPolicy(policy) && policy !== 'mv' ? 'optimize' : 'learn';
  }

  /** JSON-serializable state; `restoreStudy(state)` continues identically. */
  state(): StudyState {
    return structuredClone({ ...this.s, rng: this.rng.state(), model: this.models.serialize(), priorModel: this.models.priorSnapshot() });
  }

  private currentStage(): number {
    return this.s.schedule.findIndex((spec, i) => this.s.stages[i]!.issued < spec.count);
  }

  private localSuccesses(): number {
    return this.s.observations.filter((o) => o.source === 'local' && o.value !== null).length;
  }

  private withCondition(p: PendingRecord): Suggestion<C> {
    const c = this.space.fromCube(p.cube);
    return { ...structuredClone(p), condition: this.space.quantize ? this.space.quantize(c) : c };
  }

  private exclusions(): PointSet {
    if (this.s.options.allowReplicates) return new PointSet();
    return new PointSet([...this.s.observations.map((o) => o.cube), ...this.s.pending.map((o) => o.cube), ...(this.s.abandoned ?? [])].map((c) => this.quantize(c)));
  }

  private async proposeOne(): Promise<PendingRecord | undefined> {
    const idx = this.currentStage();
    if (idx < 0) return undefined;
    const spec = this.s.schedule[idx]!;
    const st = this.s.stages[idx]!;
    const ctx = await this.context();
    const existing = [...this.s.observations, ...this.s.pending].map((o) => o.cube);
    let prop: Proposal | undefined;
    let version: number | null = null;
    if (spec.policy === 'lhs' || spec.policy === 'sobol') {
      st.plan ??= spec.policy === 'lhs' ? maximinLhs(spec.count, this.dim, this.rng) : sobolSample(spec.count, this.dim, this.rng);
      while (!prop && st.plan.length > 0) {
        const q = this.quantize(st.plan.shift()!);
        if (!ctx.exclude.has(q)) prop = { cube: q, acquisitionValue: null, predicted: null };
      }
      prop ??= proposeSpaceFilling(existing, ctx);
    } else if (spec.policy === 'random') {
      prop = proposeRandom(ctx);
    } else if (isModelPolicy(spec.policy)) {
      const decision = await this.decisionModel();
      if (!decision) {
        prop = proposeSpaceFilling(existing, ctx);
      } else {
        ctx.best ??= this.modelBest(decision.model);
        ctx.design = { points: existing, size: existing.length + spec.count - st.issued };
        prop = proposeFromModel(spec.policy, this.resolvedParams(idx), decision.model, ctx);
        version = decision.version;
      }
    }
    if (!prop) return undefined;
    st.issued++;
    return {
      id: `${this.s.options.idPrefix}-${this.s.nextId++}`,
      cube: prop.cube,
      policy: spec.policy,
      stage: idx,
      acquisitionValue: prop.acquisitionValue,
      predicted: prop.predicted,
      modelVersion: version,
    };
  }

  /**
   * What the current model-based stage sees at `cubes`: prediction (with pending fantasies), failure
   * probability and the penalised acquisition. Undefined when the stage is model-free or no model exists.
   */
  async score(cubes: readonly (readonly number[])[]): Promise<{ acquisition: Float64Array; pFail: Float64Array; mean: Float64Array; std: Float64Array } | undefined> {
    const idx = this.currentStage();
    const spec = this.s.schedule[idx];
    if (!spec || !isModelPolicy(spec.policy)) return undefined;
    const decision = await this.decisionModel();
    if (!decision) return undefined;
    const ctx = await this.context();
    const x = cubes.map((c) => [...c]);
    const p = decision.model.predict(x);
    const kind = spec.policy;
    const acq = acquisition(kind, spec.params ?? {}, { direction: ctx.direction, best: ctx.best ?? this.modelBest(decision.model) })(p);
    const pFail = ctx.feasibility?.pFail(x) ?? new Float64Array(x.length);
    return { acquisition: penalize(acq, pFail, kind, ctx.penaltyScale ?? 1), pFail, mean: p.mean, std: p.std };
  }

  /** The stage's policy parameters with an `adaptive` trust region resolved to its current side. */
  private resolvedParams(idx: number): PolicyParams {
    const spec = this.s.schedule[idx]!;
    const params = spec.params ?? {};
    const tr = params.trustRegion ?? (spec.policy === 'mv' ? undefined : 'adaptive');
    if (tr !== 'adaptive') return params;
    const sign = this.s.objective.direction === 'maximize' ? 1 : -1;
    const ok = this.s.observations.filter((o) => o.value !== null);
    const before = ok.filter((o) => o.stage !== idx).reduce((b, o) => Math.max(b, sign * o.value!), -Infinity);
    const results = ok.filter((o) => o.stage === idx).map((o) => sign * o.value!);
    return { ...params, trustRegion: adaptiveTrustRegionSide(before, results, this.dim, params.adaptiveTrustRegion) };
  }

  /** Base model plus fantasies of the pending experiments, or undefined with too little data. */
  private async decisionModel(): Promise<{ model: Surrogate; version: number } | undefined> {
    const data = this.trainingData();
    const base = await this.models.base(data, this.localSuccesses(), this.purpose());
    if (!base) return undefined;
    const pend = this.s.pending.map((p) => p.cube);
    const believed = pend.length > 0 ? base.model.predict(pend).mean : new Float64Array(0);
    const values = fantasyValues(this.s.options.pending.strategy, believed, data.y);
    const model = await this.models.withFantasies(base, data, pend.map((cube, i) => ({ cube, value: values[i]! })));
    return { model, version: base.version };
  }

  /** Decision context: exclusions, incumbent, failure model and penalty scale. */
  private async context(): Promise<ProposeContext> {
    const scope = this.s.options.incumbent === 'local' && this.localSuccesses() > 0 ? 'local' : 'all';
    const inc = this.best(scope);
    const ok = this.s.observations.filter((o) => o.value !== null);
    const ys = ok.map((o) => o.value!);
    const range = ys.length >= 2 ? Math.max(...ys) - Math.min(...ys) : 0;
    const f = this.s.options.feasibility;
    return {
      dim: this.dim,
      rng: this.rng,
      direction: this.s.objective.direction,
      quantize: this.quantize,
      exclude: this.exclusions(),
      ...(inc ? { best: inc.value!, incumbent: inc.cube } : {}),
      ...(f !== false ? { feasibility: createFeasibilityModel(ok.map((o) => o.cube), this.s.observations.filter((o) => o.failed).map((o) => o.cube), f) } : {}),
      penaltyScale: range > 0 ? range : 1,
    };
  }

  /** EI's incumbent without any result (prior model only): the model's best mean on a Sobol set. */
  private modelBest(model: Surrogate): number {
    const { mean } = model.predict(sobolSample(1024, this.dim));
    return this.s.objective.direction === 'maximize' ? Math.max(...mean) : Math.min(...mean);
  }
}
