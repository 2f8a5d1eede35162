import type { Condition, FlowPlan, Features, PumpId } from '@sdfl/chemistry';

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

/** Runner stages, in order (ARCHITECTURE.md "An experiment's life", edge part). */
export type Stage = 'validating' | 'heating' | 'flowing' | 'equilibrating' | 'acquiring' | 'computing' | 'finished';

/** Durable queue + state-transition log; the SQLite implementation survives crashes. */
export interface QueueStore {
  enqueue(items: Omit<QueueItem, 'status' | 'stage'>[]): void;
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
  reason?: string;
  plan: FlowPlan | null;
  features: Features | null;
  spectra: AcquiredSpectra | null;
  timings: { startedAtMs: number; steadyAtMs: number | null; acquiredAtMs: number | null; finishedAtMs: number };
  /** Evidence that the outlet was steady: temperature at acquisition and the t_E waited. */
  steadyState: { temperatureC: number | null; setpointC: number; waitedS: number; equilibrationS: number } | null;
  warnings: string[];
  volumesUl: Partial<Record<PumpId, number>>;
}
