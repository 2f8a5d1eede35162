/**
 * The decision policies of the paper (MV, EI, UCB, EPLT, random, LHS) as "propose one point"
 * functions over the unit cube. Model-based ones maximise a (failure-penalised) acquisition of a
 * surrogate; the others fill space.
 */
import { type AcquisitionKind, type AcquisitionParams, type Direction, acquisition } from '../acquisition';
import { distance } from '../sampling/lhs';
import type { Prng } from '../sampling/prng';
import { sobolSample } from '../sampling/sobol';
import type { Surrogate } from '../surrogate';
import { type PointSet, type Quantizer, identityQuantizer } from './duplicates';
import { type FeasibilityModel, penalize } from './feasibility';
import { type MaximizeOptions, maximizeAcquisition } from './optimize';

/** Every policy a schedule stage can use. `lhs` and `sobol` are planned designs for initialisation. */
export type PolicyName = 'lhs' | 'sobol' | 'random' | AcquisitionKind;

/** Policies that need a surrogate. */
export const MODEL_POLICIES: readonly AcquisitionKind[] = ['mv', 'ei', 'ucb', 'eplt'];

/** Narrows a policy name to the model-based ones. */
export function isModelPolicy(p: PolicyName): p is AcquisitionKind {
  return (MODEL_POLICIES as readonly string[]).includes(p);
}

/**
 * Tunables of a policy (acquisition parameters plus the acquisition optimiser's). Defaults are those
 * of `maximizeAcquisition`, except that MV uses no local refinement (`iterations: 0`): with the ENN,
 * refining the ensemble spread walks to the cube's corners, where members extrapolate apart; on the
 * simulator that left ~60 % of MV coordinates on a bound and cut the twin's R^2 against the truth
 * from ~0.6 to ~0.2 (median of 12 explorations, bench/workflow.ts setting).
 */
export interface PolicyParams
  extends AcquisitionParams,
    Pick<MaximizeOptions, 'candidates' | 'starts' | 'iterations' | 'perturbations' | 'step' | 'minStep' | 'maxTravel'> {
  /** Perturbed copies of the incumbent added to the candidates (local exploitation). Default 64. */
  incumbentNeighbours?: number;
  /**
   * Side of a box centred on the incumbent that bounds the search (a trust region, cube units),
   * or undefined for the whole cube. Default undefined.
   */
  trustRegion?: number;
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
  /** Objective units for the penalty of signed acquisitions. Default 1. */
  penaltyScale?: number;
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
  const extra: number[][] = [];
  if (ctx.incumbent) {
    const inc = ctx.incumbent;
    for (let i = 0; i < (params.incumbentNeighbours ?? 64); i++) {
      const s = 0.02 * (1 + (i % 4)); // a few radii around the best point
      extra.push(inc.map((v) => v + s * ctx.rng.normal()));
    }
  }
  const tr = params.trustRegion;
  const bounds =
    tr !== undefined && ctx.incumbent ? { lo: ctx.incumbent.map((v) => Math.max(0, v - tr / 2)), hi: ctx.incumbent.map((v) => Math.min(1, v + tr / 2)) } : undefined;
  const res = maximizeAcquisition(score, {
    ...(kind === 'mv' ? { iterations: 0 } : {}),
    ...params,
    ...(bounds ? { bounds } : {}),
    dim: ctx.dim,
    rng: ctx.rng,
    extra,
    quantize: ctx.quantize ?? identityQuantizer,
    exclude: ctx.exclude,
  });
  if (!res) return undefined;
  const p = model.predict([res.x]);
  return { cube: res.x, acquisitionValue: res.value, predicted: { mean: p.mean[0]!, std: p.std[0]! } };
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
