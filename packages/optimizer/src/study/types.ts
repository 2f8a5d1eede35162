/** Types of the ask/tell study: options, suggestions, observations and the serialized state. */
import type { Direction } from '../acquisition';
import type { FeasibilityOptions } from '../policies/feasibility';
import type { PolicyName, PolicyParams } from '../policies/policy';
import type { Surrogate } from '../surrogate';

/**
 * The search space as the study sees it: the unit cube and its map to physical conditions.
 * `ConditionSpace` of @sdfl/chemistry satisfies it; test functions use a plain cube.
 */
export interface CubeSpace<C = unknown> {
  readonly dim: number;
  /** Physical condition of a cube point. */
  fromCube(u: readonly number[]): C;
  /** Rounds a cube point to actuator resolution (duplicate guard). Default: no rounding. */
  quantizeCube?(u: readonly number[]): number[];
  /** Rounds a condition to actuator resolution; applied to every suggested condition when present. */
  quantize?(c: C): C;
}

/** What is optimised: one measured feature and its direction. */
export interface Objective {
  /** Feature name, e.g. `PL_I`; `tell` picks it from a features record. */
  feature: string;
  direction: Direction;
}

/** One stage of a schedule, e.g. `{policy: 'lhs', count: 9}` then `{policy: 'mv', count: 51}`. */
export interface StageSpec {
  policy: PolicyName;
  /** Experiments (suggestions) the stage issues. */
  count: number;
  params?: PolicyParams;
}

/** Training set of a surrogate: cube points and objective values (original units). */
export interface TrainingData {
  x: number[][];
  y: number[];
}

/**
 * A surrogate that can be serialized (the ENN, the GP). `withData`, when present, gives the same
 * model (hyper-parameters kept) conditioned on other data: the study uses it for the fantasies of
 * pending experiments instead of a refit (the GP has it; a refitted ENN would differ anyway).
 */
export type SnapshotSurrogate = Surrogate & { toJSON(): unknown; withData?(data: TrainingData): SnapshotSurrogate };

/**
 * Built-in surrogates: `enn` (ensemble of networks, the paper's twin), `gp` (exact Gaussian
 * process on every observation: ARD Matern-5/2 plus a quadratic trend whose prior curvature follows
 * the objective's direction, learned noise, MAP hyper-parameters), `auto` (the
 * GP, conditioned on at most `AUTO_GP_MAX_POINTS` observations so large studies stay fast).
 */
export type SurrogateKind = 'enn' | 'gp' | 'auto';

/**
 * Default {@link SurrogateKind} of new studies. Why (bench/peers.ts, 6 surfaces x 10 seeds, 30
 * evaluations): EI on the GP in the adaptive trust region reached a pooled median normalised regret
 * of 0.092 without EI's face tie-break and 0.112 with it (policies/faces.ts, the default), below
 * Optuna TPE (0.193) and scikit-learn GP-EI (0.205) on all 6 surfaces (random 0.280; 0.137 before
 * the GP had its trend); before the trend, on 3 seeds, the ENN reached 0.276 with the same trust
 * region and 0.461 with EI over the whole cube (stalled after its design on 3 of 6 surfaces). The
 * GP twin reached R^2 0.97 on the simulator after 60 points (bench/workflow.ts).
 */
export const DEFAULT_SURROGATE: SurrogateKind = 'auto';

/**
 * What a model is for: `learn` a model of the whole space (a space-filling or MV design, a twin to
 * analyse) or `optimize` (the acquisitions of EI, UCB, EPLT). The GP's trend is quartic for the
 * first and quadratic for the second (see `GP_LEARN_TREND_DEGREE`); other factories may ignore it.
 */
export type ModelPurpose = 'learn' | 'optimize';

/** Options the study passes to a {@link SurrogateFactory}. */
export interface FitOptions {
  /** What the model is for. Default `optimize`. */
  purpose?: ModelPurpose;
  /** Seed for initialisation and bootstraps; the study derives it from its seed and the model version. */
  seed: number;
  /** Model to warm-start from (only when the study's `warmStart` is on, or from a prior model). */
  init?: SnapshotSurrogate;
  /** The study's objective direction (the GP's prior curvature follows it; other factories may ignore it). */
  direction?: Direction;
}

/** Trains a surrogate; must be deterministic for given data and seed (restore relies on it). */
export type SurrogateFactory = (data: TrainingData, options: FitOptions) => Promise<SnapshotSurrogate>;

/** Rebuilds a surrogate from its `toJSON()` snapshot. */
export type SurrogateLoader = (json: unknown) => SnapshotSurrogate | Promise<SnapshotSurrogate>;

/** A point measured elsewhere (another study, a grid search) given to a new study. */
export interface PriorObservation {
  cube: readonly number[];
  /** Objective value; null for a failed experiment. */
  value: number | null;
  failed?: { reason: string } | boolean;
}

/**
 * Informed prior: observations transferred from an earlier study and/or an accepted twin model.
 * The twin is used as the surrogate until `refitAfter` local results exist; then the study fits
 * its own model on prior + local data.
 */
export interface StudyPrior {
  observations?: readonly PriorObservation[];
  model?: SnapshotSurrogate;
  /**
   * Local successful results before the prior model is replaced by a refit (which also needs
   * `minFitData` results in total). Default 1 with prior observations, else 5.
   */
  refitAfter?: number;
}

/** How pending (asked, not yet told) experiments are fantasised before the next decision. */
export interface PendingOptions {
  /**
   * Fantasy value: `believer` = model mean at the point (kriging believer); `liar-*` = a constant
   * (min, max or mean of the observed values). Default `believer`.
   */
  strategy?: 'believer' | 'liar-min' | 'liar-max' | 'liar-mean';
  /** Refit the surrogate with the fantasies (default true) or apply a cheap local overlay. */
  refit?: boolean;
  /** Kernel width (cube units) of the cheap overlay. Default 0.1. */
  overlayWidth?: number;
}

/** Options of `createStudy`. */
export interface StudyOptions<C = unknown> {
  space: CubeSpace<C>;
  objective: Objective;
  schedule: readonly StageSpec[];
  /** Seed of every random choice (designs, candidates, model fits). */
  seed: number;
  /**
   * Built-in surrogate when no `fit` is given; recorded in the state, so `restoreStudy` rebuilds
   * the same kind. Default {@link DEFAULT_SURROGATE}.
   */
  surrogate?: SurrogateKind;
  /** Surrogate trainer; overrides `surrogate`. Default: the built-in `surrogate`. */
  fit?: SurrogateFactory;
  /** Rebuilds a model snapshot on restore (avoids refitting). Default: `loadSurrogate` (ENN, GP, log-output). */
  load?: SurrogateLoader;
  prior?: StudyPrior;
  pending?: PendingOptions;
  /** Allow proposing a point equal (after quantization) to an observed or pending one. Default false. */
  allowReplicates?: boolean;
  /** Successful results needed before a model-based stage fits a surrogate (space-filling until then). Default 3. */
  minFitData?: number;
  /**
   * Warm-start every fit from the previous model. Default: on for the GP (`gp`, `auto`), off for
   * the ENN. Why: a GP fit at 60 points from the previous optimum needs one short L-BFGS run where
   * two random starts need 15 iterations each (bench/decision.ts: a decision 130 -> 90 ms, peers
   * pooled regret unchanged at 0.092). A restored study stays exact because its state holds the
   * model snapshot the next fit starts from; a state without it refits from scratch.
   */
  warmStart?: boolean;
  /** Which results define EI's incumbent: `all` (prior + local) or `local`. Default `all`. */
  incumbent?: 'all' | 'local';
  /** Failure model options, or false to ignore failures in decisions (they are still recorded). */
  feasibility?: FeasibilityOptions | false;
  /** Prefix of suggestion ids. Default `exp`. */
  idPrefix?: string;
}

/** Predicted objective at a point. */
export interface PointPrediction {
  mean: number;
  std: number;
}

/** A proposed experiment, returned by `ask`. */
export interface Suggestion<C = unknown> {
  id: string;
  /** Quantized cube point. */
  cube: number[];
  /** Physical condition: `space.fromCube(cube)`, rounded by `space.quantize` when the space has it. */
  condition: C;
  policy: PolicyName;
  /** Index of the schedule stage that issued it. */
  stage: number;
  /** Acquisition value at `cube` (larger is better); null for model-free policies. */
  acquisitionValue: number | null;
  /** Surrogate prediction at `cube` when a model was used. */
  predicted: PointPrediction | null;
  /** Version of the study's model that decided (0 = prior model); null when none. */
  modelVersion: number | null;
}

/** Serialized form of a pending suggestion (the condition is recomputed from the cube). */
export type PendingRecord = Omit<Suggestion, 'condition'>;

/** A recorded result. */
export interface Observation {
  id: string;
  cube: number[];
  /** Objective value; null when the experiment failed. */
  value: number | null;
  failed?: { reason: string };
  /** Policy that proposed it, `prior` for transferred data, `external` for `observe`. */
  policy: PolicyName | 'prior' | 'external';
  stage: number | null;
  source: 'local' | 'prior';
  predicted: PointPrediction | null;
  modelVersion: number | null;
}

/** What `tell` accepts: the objective value, a features record, or a failure. */
export type TellResult = number | { failed: true; reason?: string } | Readonly<Record<string, number>>;

/** Bookkeeping of one stage. */
export interface StageState {
  /** Suggestions issued (cancelled ones give their slot back). */
  issued: number;
  /** Remaining points of a planned design (lhs, sobol), generated when the stage starts. */
  plan: number[][] | null;
}

/** Version tag of {@link StudyState}. */
export const STUDY_FORMAT = 'sdfl-study/1';

/** Plain-JSON state of a study: everything `restoreStudy` needs to continue identically. */
export interface StudyState {
  format: typeof STUDY_FORMAT;
  seed: number;
  objective: Objective;
  schedule: StageSpec[];
  options: {
    /** Built-in surrogate used without a `fit` dependency; absent in states written before it existed (= `enn`). */
    surrogate?: SurrogateKind;
    allowReplicates: boolean;
    minFitData: number;
    warmStart: boolean;
    incumbent: 'all' | 'local';
    pending: Required<PendingOptions>;
    feasibility: FeasibilityOptions | false;
    idPrefix: string;
    priorRefitAfter: number;
  };
  rng: number[];
  stages: StageState[];
  nextId: number;
  observations: Observation[];
  pending: PendingRecord[];
  /** Cubes of abandoned suggestions (a person rejected them): never proposed again. Absent in older states. */
  abandoned?: number[][];
  /** Latest fitted model: its version, training-set size, purpose (absent: `optimize`) and snapshot when available. */
  model: { version: number; nTrain: number; snapshot: unknown; purpose?: ModelPurpose } | null;
  /** Snapshot of the prior (twin) model, if the study has one. */
  priorModel: unknown;
}
