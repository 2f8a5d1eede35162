import type { Condition, FlowPlan, Features } from '@sdfl/chemistry';
import type { SteadyStateEvidence } from './steady-state';

/** Why an attempt ended without a result (matches the protocol's FAILURE_REASONS). */
export type FailureReason = 'INTERLOCK' | 'DEVICE_ERROR' | 'TIMEOUT' | 'CANCELLED' | 'OPERATOR_ABORT' | 'INSUFFICIENT_REAGENT' | 'INFEASIBLE_CONDITION' | 'INTERNAL';

/** One experiment attempt in the edge queue. */
export interface QueueItem {
  experimentId: string;
  attempt: number;
  condition: Condition;
  campaignId: string | null;
  status: AttemptStatus;
  stage: Stage | null;
}

export type AttemptStatus = 'queued' | 'running' | 'done' | 'failed' | 'aborted' | 'cancelled';

/** Runner stages of one attempt, in order; names match the protocol's STAGES. */
export type Stage = 'heating' | 'flowing' | 'equilibrating' | 'acquiring' | 'processing';

/** Durable queue + state-transition log; the SQLite implementation survives crashes. */
export interface QueueStore {
  /** Appends `items` in order; with `first`, ahead of every queued attempt (a re-run of an interrupted one). */
  enqueue(items: Omit<QueueItem, 'status' | 'stage'>[], options?: { first?: boolean }): void;
  /** Oldest queued attempt. */
  next(): QueueItem | undefined;
  get(experimentId: string, attempt: number): QueueItem | undefined;
  /** Every attempt of an experiment, oldest first. */
  attempts(experimentId: string): QueueItem[];
  list(statuses?: AttemptStatus[]): QueueItem[];
  setStatus(experimentId: string, attempt: number, status: AttemptStatus, stage?: Stage | null): void;
  /** Appends to the transition log. */
  transition(t: { experimentId: string | null; attempt: number | null; from: string; to: string; atMs: number; detail?: string }): void;
}

/** Spectra of one acquisition, as published. */
export interface AcquiredSpectra {
  /** Absorbance, AU; masked pixels (saturated, low reference) are left out. */
  absorbance: { wavelengthNm: number[]; values: number[] };
  /** Dark-subtracted PL counts; saturated pixels are left out. */
  pl: { wavelengthNm: number[]; values: number[] };
}

/** A finished attempt: what the link publishes as a result body. */
export interface ExperimentOutcome {
  experimentId: string;
  attempt: number;
  campaignId: string | null;
  condition: Condition;
  status: 'done' | 'failed' | 'aborted';
  /** Why it did not finish: machine-readable kind + words for people. */
  failure?: { reason: FailureReason; detail: string; interlock?: string };
  plan: FlowPlan | null;
  features: Features | null;
  spectra: AcquiredSpectra | null;
  timings: { startedAtMs: number; steadyAtMs: number | null; acquiredAtMs: number | null; finishedAtMs: number };
  /** What was measured during the steady-state wait; null when the attempt ended before it. */
  steadyState: SteadyStateEvidence | null;
  warnings: string[];
}
