/**
 * The decision policies of the paper (MV, EI, UCB, EPLT, random, LHS) as "propose one point"
 * functions over the unit cube. Model-based ones maximise a (failure-penalised) acquisition of a
 * surrogate; the others fill space.
 */
import { type AcquisitionKind, type AcquisitionParams, type Direction, acquisition } from '../acquisition';
import { distance } from '../sampling/lhs';
import type { Prng } from '../sampling/prng';
import { stratifiedCandidates } from '../sampling/stratified';
import { sobolSample } from '../sampling/sobol';
import type { Surrogate } from '../surrogate';
import { type PointSet, type Quantizer, identityQuantizer } from './duplicates';
import { NEGLIGIBLE_GAIN, offTheFaces } from './faces';
import { type FeasibilityModel, penalize } from './feasibility';
import { type MaximizeOptions, maximizeAcquisition } from './optimize';
import type { AdaptiveTrustRegionOptions } from './trust-region';

/** Every policy a schedule stage can use. `lhs` and `sobol` are planned designs for initialisation. */
export type PolicyName = 'lhs' | 'sobol' | 'random' | AcquisitionKind;

/** Policies that need a surrogate. */
export const MODEL_POLICIES: readonly AcquisitionKind[] = ['mv', 'ei', 'ucb', 'eplt'];

/** Narrows a policy name to the model-based ones. */
export function isModelPolicy(p: PolicyName): p is AcquisitionKind {
  return (MODEL_POLICIES as readonly string[]).includes(p);
}

/**
 * Global candidates of the refined acquisitions (EI, UCB, EPLT); MV, which is not refined, keeps
 * `maximizeAcquisition`'s 8192. Why: bench/peers.ts, EI, 6 surfaces x 10 seeds, pooled median
 * regret at 30 with 8192 / 4096 / 2048 / 1024 candidates: 0.092 / 0.090 / 0.084 / 0.107 (the local
 * search from the best five recovers what the sparser set misses, down to 2048), while scoring
 * them is most of a decision: bench/decision.ts at 60 observations, 200 ms with 8192.
 */
export const REFINED_CANDIDATES = 2048;

/**
 * Perturbations per start and iteration of the refined acquisitions' local search. Why: with 8
 * instead of `maximizeAcquisition`'s 12, bench/peers.ts (EI, 10 seeds) pooled regret 0.107 against
 * 0.109 and bench/decision.ts at 60 observations 84-94 ms against 94-120 ms (three runs each).
 */
export const REFINED_PERTURBATIONS = 8;

/**
 * Tunables of a policy (acquisition parameters plus the acquisition optimiser's). Defaults are those
 * of `maximizeAcquisition` (but {@link REFINED_CANDIDATES} and {@link REFINED_PERTURBATIONS}), except for MV: no local refinement, and candidates drawn from the free
 * strata of the growing design (`stratify`). Why: an ensemble of networks is most uncertain on the
 * cube's faces, where its members extrapolate apart, so plain MV spends its budget there. On the
 * simulator (LHS 9 + MV 51, bench/workflow.ts) plain MV put 14 % of coordinates within 0.02 of a
 * bound and its twins reached a median R^2 of 0.61 against the truth (30 runs); stratified MV puts
 * 4 % there, as an LHS does, and its twins reach 0.81 (a 60-point LHS: 0.86).
 */
export interface PolicyParams
  extends AcquisitionParams,
    Pick<MaximizeOptions, 'candidates' | 'starts' | 'iterations' | 'perturbations' | 'step' | 'minStep' | 'maxTravel'> {
  /** Perturbed copies of the incumbent added to the candidates (local exploitation). Default 64. */
  incumbentNeighbours?: number;
  /**
   * Side of a box centred on the incumbent that bounds the search (a trust region, cube units);
   * `adaptive` = TuRBO-style success/failure counters (the study resolves it to a side from the
   * stage's results, see trust-region.ts); undefined = the whole cube. Default in a study:
   * `adaptive` for EI, UCB and EPLT, the whole cube for MV; in `proposeFromModel`: the whole cube.
   */
  trustRegion?: number | 'adaptive';
  /** Settings of the `adaptive` trust region. */
  adaptiveTrustRegion?: AdaptiveTrustRegionOptions;
  /**
   * Draw the candidates from the strata of a Latin hypercube that no existing point occupies (the
   * study sizes it to the points so far + the rest of the stage), without local refinement. Keeps
   * an ensemble's MV design from piling up on the cube's faces. Default true for MV, false otherwise;
   * ignored with a trust region.
   */
  stratify?: boolean;
  /**
   * EI and UCB: a coordinate of the maximiser on a face of the cube moves 0.03 inward when EI (for
   * UCB: its optimistic gain over the incumbent) stays within this fraction of its maximum
   * (faces.ts); 0 turns the tie-break off. Default 0.99: a proposal stays on a face only where the
   * model expects at least 100x more there than 0.03 inside. Why: bench/peers.ts, 10 seeds, on
   * Hartmann, Ackley, Levy, Styblinski-Tang, Rosenbrock and the simulator, EI's proposals on a
   * bound with tolerance 0.5 / 0.9 / 0.99 / 1 (never on a face): 0.16/0.11/0.09/0.21/0.02/0.40,
   * 0.10/0.04/0.01/0.03/0.01/0.09, 0.03/0.02/0.00/0.01/0.00/0.06, all 0; pooled median regret at 30
   * 0.107 / 0.115 / 0.112 / 0.112 (20 seeds at 0.99: 0.107). On the face-bump control (optimum on
   * two faces) 0.99 still goes there when it pays (on a bound 0.16, none against the surface;
   * regret 0.091, 0.5: 0.084, 1: 0.107; TPE 0.375, GP-EI 0.260). A loss below 0.3 % of the observed
   * range of results is accepted at any tolerance above 0 (faces.ts, NEGLIGIBLE_GAIN). UCB with it,
   * 10 seeds: on a bound 0.52/0.22/0.32/0.62/0.08/0.74 -> 0.07/0.00/0.03/0.01/0.00/0.06, pooled
   * regret 0.119 -> 0.108; face-bump 0.99 -> 0.28 on a bound (0.03 against the surface), regret
   * 0.048 -> 0.070.
   */
  faceTolerance?: number;
}

/** What a proposal needs to know about the study. */
export interface ProposeContext {
  dim: number;
  rng: Prng;
  direction: Direction;
  /** Actuator rounding. Default: clamp + 1e-9 grid. */
  quantize?: Quantizer;
  /** Quantized points never to propose (observed + pending). */
  exclude: PointSet;
  /** Best observed objective value (EI's incumbent). */
  best?: number;
  /** Cube point of the incumbent (seeds local candidates). */
  incumbent?: readonly number[];
  /** Failure model; its probability penalises the acquisition. */
  feasibility?: FeasibilityModel;
  /**
   * Objective units of the acquisition (a study passes the observed range of results): the failure
   * penalty of signed acquisitions and the faces' negligible loss are measured in it. Default 1.
   */
  penaltyScale?: number;
  /** The design the stage extends: its points so far and its planned final size (for `stratify`). */
  design?: { points: readonly (readonly number[])[]; size: number };
}

/** A proposed experiment. */
export interface Proposal {
  /** Quantized cube point. */
  cube: number[];
  /** Acquisition at `cube` (after the failure penalty), null for model-free policies. */
  acquisitionValue: number | null;
  /** Surrogate prediction at `cube`, null when no model was used. */
  predicted: { mean: number; std: number } | null;
}

/** Proposes the point maximising a model-based acquisition. Undefined when every candidate is excluded. */
export function proposeFromModel(kind: AcquisitionKind, params: PolicyParams, model: Surrogate, ctx: ProposeContext): Proposal | undefined {
  const acq = acquisition(kind, params, { direction: ctx.direction, ...(ctx.best !== undefined ? { best: ctx.best } : {}) });
  const feas = ctx.feasibility?.active ? ctx.feasibility : undefined;
  const scale = ctx.penaltyScale ?? 1;
  const score = (x: number[][]): Float64Array => {
    const a = acq(model.predict(x));
    return feas ? penalize(a, feas.pFail(x), kind, scale) : a;
  };
  // Strata span the whole cube, so a trust region (a sub-box) turns stratification off.
  const design = (params.stratify ?? kind === 'mv') && params.trustRegion === undefined ? ctx.design : undefined;
  const tr = params.trustRegion;
  if (tr === 'adaptive') throw new RangeError("trustRegion 'adaptive' must be resolved to a side first (the study does)");
  const bounds =
    tr !== undefined && ctx.incumbent ? { lo: ctx.incumbent.map((v) => Math.max(0, v - tr / 2)), hi: ctx.incumbent.map((v) => Math.min(1, v + tr / 2)) } : undefined;
  const extra: number[][] = [];
  if (ctx.incumbent && !design) {
    const inc = ctx.incumbent;
    const lo = bounds?.lo ?? inc.map(() => 0);
    const hi = bounds?.hi ?? inc.map(() => 1);
    for (let i = 0; i < (params.incumbentNeighbours ?? 64); i++) {
      const s = 0.02 * (1 + (i % 4)); // a few radii around the best point
      // Mirrored into the box, not clamped: clamping would put a share of them exactly on its faces.
      extra.push(inc.map((v, k) => reflectInto(v + s * ctx.rng.normal(), lo[k]!, hi[k]!)));
    }
  }
  const search = (box: typeof bounds) =>
    maximizeAcquisition(score, {
      ...(kind === 'mv' ? { iterations: 0 } : { candidates: REFINED_CANDIDATES, perturbations: REFINED_PERTURBATIONS }),
      ...params,
      ...(design ? { iterations: 0, sample: (n: number, dim: number, rng: Prng) => stratifiedCandidates(n, dim, design.points, design.size, rng) } : {}),
      ...(box ? { bounds: box } : {}),
      dim: ctx.dim,
      rng: ctx.rng,
      extra,
      quantize: ctx.quantize ?? identityQuantizer,
      exclude: ctx.exclude,
    });
  // A trust region whose every (quantized) point was already run gives way to the whole cube.
  let box = bounds;
  let found = search(box);
  if (!found && box) found = search((box = undefined));
  if (!found) return undefined;
  const tolerance = params.faceTolerance ?? 0.99;
  const baseline = tolerance > 0 ? faceBaseline(kind, ctx) : undefined;
  const res =
    baseline !== undefined
      ? offTheFaces(found.x, found.value, score, {
          tolerance,
          negligible: NEGLIGIBLE_GAIN * scale,
          baseline,
          lo: box?.lo ?? found.x.map(() => 0),
          hi: box?.hi ?? found.x.map(() => 1),
          quantize: ctx.quantize ?? identityQuantizer,
          exclude: ctx.exclude,
        })
      : found;
  const p = model.predict([res.x]);
  return { cube: res.x, acquisitionValue: res.value, predicted: { mean: p.mean[0]!, std: p.std[0]! } };
}

/**
 * The faces' tie-break weighs max(0, acquisition - baseline): EI is a gain itself (0); UCB's
 * optimistic improvement is over the incumbent. Undefined where it does not apply (MV, EPLT, or
 * UCB without an incumbent).
 */
function faceBaseline(kind: AcquisitionKind, ctx: ProposeContext): number | undefined {
  if (kind === 'ei') return 0;
  if (kind !== 'ucb' || ctx.best === undefined) return undefined;
  return ctx.direction === 'maximize' ? ctx.best : -ctx.best; // on UCB's larger-is-better scale
}

/** `v` mirrored at the bounds until it lies in [lo, hi] (a degenerate interval gives lo). */
export function reflectInto(v: number, lo: number, hi: number): number {
  const w = hi - lo;
  if (!(w > 0)) return lo;
  const t = (((v - lo) % (2 * w)) + 2 * w) % (2 * w);
  return lo + (t <= w ? t : 2 * w - t);
}

/** Uniform random proposal that is not a duplicate (gives up after `maxTries`, default 1000). */
export function proposeRandom(ctx: ProposeContext, maxTries = 1000): Proposal | undefined {
  const quantize = ctx.quantize ?? identityQuantizer;
  for (let t = 0; t < maxTries; t++) {
    const q = quantize(Array.from({ length: ctx.dim }, () => ctx.rng.next()));
    if (!ctx.exclude.has(q)) return { cube: q, acquisitionValue: null, predicted: null };
  }
  return undefined;
}

/**
 * Space-filling proposal: the Sobol candidate farthest from every existing point. Used when a
 * model-based stage has too little data to fit a surrogate.
 */
export function proposeSpaceFilling(existing: readonly (readonly number[])[], ctx: ProposeContext, candidates = 2048): Proposal | undefined {
  const quantize = ctx.quantize ?? identityQuantizer;
  let best: number[] | undefined;
  let bestD = -1;
  for (const c of sobolSample(candidates, ctx.dim, ctx.rng)) {
    const q = quantize(c);
    if (ctx.exclude.has(q)) continue;
    let d = Infinity;
    for (const e of existing) d = Math.min(d, distance(q, e));
    if (d > bestD) {
      bestD = d;
      best = q;
    }
  }
  return best ? { cube: best, acquisitionValue: null, predicted: null } : undefined;
}
