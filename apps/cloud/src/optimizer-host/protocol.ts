/**
 * Messages between the engine and the optimizer worker. Everything is plain JSON: the database
 * holds the study state, the worker only computes (and caches live studies to skip restores).
 *
 * @module
 */
import type { ChemistryConfigInput, Condition } from '@sdfl/chemistry';
import type { Objective, StageSpec, StudyProgress, StudyState, Suggestion, SurrogateKind } from '@sdfl/optimizer';
import type { LabAdvanceRequest, LabAdvanceResponse, TwinReport, TwinRequest } from './lab-protocol';

/** What the worker needs to build or restore a campaign's study. */
export interface StudySpec {
  readonly campaignId: string;
  /** Condition-space bounds (chemistry config input). */
  readonly space: ChemistryConfigInput;
  readonly objective: Objective;
  readonly schedule: readonly StageSpec[];
  readonly seed: number;
  /** Observations transferred from earlier campaigns (cube + value, null for a failure). */
  readonly priorObservations?: readonly { cube: number[]; value: number | null }[];
  /** Informed prior: an earlier campaign's serialized model (same space), used until local data suffice. */
  readonly priorModel?: unknown;
  /** Surrogate of a new study (a restored one keeps the kind its state records). Default: the optimizer's. */
  readonly surrogate?: SurrogateKind;
}

/**
 * One outcome, then how many suggestions should be pending afterwards. `tell` records a result
 * (a failure teaches the study the region); `cancel` withdraws an aborted one (an operator or a
 * cancel: not the condition's fault), giving its slot back; `abandon` forgets a rejected one.
 */
export interface AdvanceStep {
  /** `cube`: where it actually ran, when a reviewer edited the proposal. */
  readonly tell?: { readonly suggestionId: string; readonly result: number | { failed: true; reason: string }; readonly cube?: number[] };
  readonly cancel?: string;
  /** A rejected proposal: forgotten, and never proposed again. */
  readonly abandon?: string;
  /** Ask until this many suggestions are pending (0 = ask nothing; the schedule may give fewer). */
  readonly targetPending: number;
}

/** Tell outcomes and top up the pending suggestions, in order. */
export interface AdvanceRequest {
  readonly spec: StudySpec;
  /**
   * Stored version and state; null for a study not created yet. The state may be left out when the
   * worker is likely to hold that version live: it then answers `STATE_NEEDED` if it does not.
   */
  readonly state: { readonly version: number; readonly state?: StudyState } | null;
  readonly steps: readonly AdvanceStep[];
}

/** A serialized model version, to store and to ship to the edge. */
export interface ModelInfo {
  readonly version: number;
  readonly nTrain: number;
  readonly snapshot: unknown;
}

/** The worker's answer to {@link AdvanceRequest}. */
export interface AdvanceResponse {
  readonly state: StudyState;
  readonly suggestions: Suggestion<Condition>[];
  /** Set when the study's model changed in this advance. */
  readonly model: ModelInfo | null;
  readonly progress: StudyProgress;
  /** Schedule exhausted and nothing pending. */
  readonly done: boolean;
  /** Wall time spent in the worker, ms (told, fitted, asked). */
  readonly computeMs: number;
}

export type ToWorker =
  | { readonly id: number; readonly op: 'advance'; readonly request: AdvanceRequest }
  | { readonly id: number; readonly op: 'forget'; readonly campaignId: string }
  /** Ask/tell of an API lab study (named parameters; see lab-protocol.ts). */
  | { readonly id: number; readonly op: 'labAdvance'; readonly request: LabAdvanceRequest }
  | { readonly id: number; readonly op: 'labForget'; readonly studyId: string }
  /** A model version's twin report (see lab-protocol.ts). */
  | { readonly id: number; readonly op: 'twin'; readonly request: TwinRequest };

/** What each op answers. */
export interface WorkerResponses {
  advance: AdvanceResponse;
  forget: undefined;
  labAdvance: LabAdvanceResponse;
  labForget: undefined;
  twin: TwinReport;
}

export type FromWorker =
  | { readonly id: number; readonly ok: true; readonly response?: WorkerResponses[keyof WorkerResponses] }
  | { readonly id: number; readonly ok: false; readonly error: { readonly message: string; readonly code?: string } };
