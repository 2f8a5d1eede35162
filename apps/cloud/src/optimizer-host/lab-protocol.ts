/**
 * Worker messages beyond campaigns: ask/tell of the API's lab studies (named parameters over a
 * plain box, no chemistry) and twin reports of a stored model version. Plain JSON, like
 * protocol.ts: the database holds the state, the worker computes.
 *
 * @module
 */
import type { Calibration, FeatureImportance, Objective, ParityPoint, StageSpec, StudyProgress, StudyState, Suggestion, SurrogateKind, TrainingData, UncertaintyRow } from '@sdfl/optimizer';

/** One named input of a lab study: a continuous range or the integers of a range (inclusive). */
export interface LabParameter {
  readonly name: string;
  readonly type: 'continuous' | 'integer';
  readonly min: number;
  readonly max: number;
}

/** What the worker needs to build or restore a lab study. */
export interface LabStudySpec {
  readonly studyId: string;
  readonly parameters: readonly LabParameter[];
  /** `feature` is the objective's name. */
  readonly objective: Objective;
  readonly schedule: readonly StageSpec[];
  readonly seed: number;
  readonly surrogate?: SurrogateKind;
}

/** One step: tell a result (a failure teaches the region), cancel an abandoned suggestion, or ask n. */
export interface LabStep {
  readonly tell?: { readonly suggestionId: string; readonly result: number | { failed: true; reason: string } };
  readonly cancel?: string;
  readonly ask?: number;
}

/** Steps on a lab study from its stored version (null = create it). The state may be left out as in `AdvanceRequest`. */
export interface LabAdvanceRequest {
  readonly spec: LabStudySpec;
  readonly state: { readonly version: number; readonly state?: StudyState } | null;
  readonly steps: readonly LabStep[];
}

/** The worker's answer to {@link LabAdvanceRequest}. */
export interface LabAdvanceResponse {
  readonly state: StudyState;
  /** New suggestions; `condition` maps each parameter name to its value. */
  readonly suggestions: Suggestion<Record<string, number>>[];
  readonly progress: StudyProgress;
  readonly done: boolean;
  /** The study's model version after the steps (null before any fit). */
  readonly modelVersion: number | null;
  readonly computeMs: number;
}

/** A twin report request: the stored snapshot and the data it was fitted on (cube inputs). */
export interface TwinRequest {
  readonly snapshot: unknown;
  readonly data: TrainingData;
  /** Input names, in cube order. */
  readonly labels: readonly string[];
  /** Surrogate kind refitted for hold-out, k-fold and size studies. */
  readonly surrogate: SurrogateKind;
  readonly seed: number;
  readonly direction: 'maximize' | 'minimize';
  /** k of the k-fold R^2. Default 5 (fewer with fewer points). */
  readonly folds?: number;
  /** Points explained by SHAP (the latest ones), and background rows. Default 24 and 16. */
  readonly shapleyPoints?: number;
  readonly shapleyBackground?: number;
  /** Grid points per axis of the surface. Default 21. */
  readonly resolution?: number;
}

/** A model version's twin report. Inputs are in cube units [0, 1]. */
export interface TwinReport {
  readonly n: number;
  readonly labels: readonly string[];
  /** Seeded 80/20 split: a model refitted on 80 %, assessed on the other 20 %. */
  readonly holdout: { readonly trainR2: number; readonly testR2: number; readonly nTrain: number; readonly nTest: number; readonly parity: { readonly train: ParityPoint[]; readonly test: ParityPoint[] } };
  /** Pooled out-of-fold R^2 and each fold's R^2 (NaN-free: a one-point fold contributes to the pool only). */
  readonly kfold: { readonly k: number; readonly r2: number; readonly foldR2: (number | null)[]; readonly parity: ParityPoint[] };
  /** Coverage of held-out points by mean +- k std. */
  readonly calibration: Calibration[];
  readonly uncertainty: UncertaintyRow[];
  /** Exact SHAP of the stored model on the latest points; `ranking` carries the member spread per input. */
  readonly shapley: { readonly base: number; readonly ranking: FeatureImportance[]; readonly points: number[][]; readonly values: number[][]; readonly spread: number[][] };
  /** Stored model's mean and std over the two top-ranked inputs, the others held at the best observed point. */
  readonly surface: { readonly x: string; readonly y: string; readonly xFeature: number; readonly yFeature: number; readonly xs: number[]; readonly ys: number[]; readonly mean: number[][]; readonly std: number[][]; readonly fixed: number[] };
  readonly computeMs: number;
}
