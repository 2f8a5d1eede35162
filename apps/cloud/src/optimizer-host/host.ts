/**
 * The engine's handle on the optimizer: a worker thread (default) or the same thread (tests that
 * want no thread). Requests are answered in order; a worker that dies fails its pending requests
 * and is restarted on the next one.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { LabAdvanceRequest, LabAdvanceResponse, TwinReport, TwinRequest } from './lab-protocol';
import { LabStudyCache } from './lab-study-ops';
import type { AdvanceRequest, AdvanceResponse, FromWorker, ToWorker, WorkerResponses } from './protocol';
import { StudyCache } from './study-ops';
import { twinReport } from './twin-ops';

/** Runs study advances somewhere off the caller's critical path. */
export interface OptimizerHost {
  advance(request: AdvanceRequest): Promise<AdvanceResponse>;
  /** Drops a cached live study (after a campaign ends, or when its stored state changed elsewhere). */
  forget(campaignId: string): void;
  /** Ask/tell steps on an API lab study (answers `STATE_NEEDED` like `advance`). */
  labAdvance(request: LabAdvanceRequest): Promise<LabAdvanceResponse>;
  /** Drops a cached live lab study. */
  labForget(studyId: string): void;
  /** Computes a model version's twin report (refits: seconds). */
  twin(request: TwinRequest): Promise<TwinReport>;
  close(): Promise<void>;
}

/** An optimizer error carried back from the worker. */
export class OptimizerHostError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'OptimizerHostError';
    this.code = code;
  }
}

const WORKER_URL = new URL('./worker-entry.js', import.meta.url);

/** The default host: one worker thread owning every campaign's live study. */
export class WorkerOptimizerHost implements OptimizerHost {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  readonly #log: Pick<Logger, 'warn' | 'info'> | undefined;

  constructor(options: { log?: Pick<Logger, 'warn' | 'info'> } = {}) {
    this.#log = options.log;
  }

  advance(request: AdvanceRequest): Promise<AdvanceResponse> {
    return this.#send({ id: this.#nextId++, op: 'advance', request });
  }

  forget(campaignId: string): void {
    if (this.#worker) void this.#send({ id: this.#nextId++, op: 'forget', campaignId });
  }

  labAdvance(request: LabAdvanceRequest): Promise<LabAdvanceResponse> {
    return this.#send({ id: this.#nextId++, op: 'labAdvance', request });
  }

  labForget(studyId: string): void {
    if (this.#worker) void this.#send({ id: this.#nextId++, op: 'labForget', studyId });
  }

  twin(request: TwinRequest): Promise<TwinReport> {
    return this.#send({ id: this.#nextId++, op: 'twin', request });
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
  }

  #send<M extends ToWorker>(message: M): Promise<WorkerResponses[M['op']]> {
    const worker = (this.#worker ??= this.#start());
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve: (r) => resolve(r as WorkerResponses[M['op']]), reject });
      worker.postMessage(message);
    });
  }

  #start(): Worker {
    const worker = new Worker(WORKER_URL, { env: process.env });
    worker.unref();
    worker.on('message', (m: FromWorker) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.response);
      else p.reject(new OptimizerHostError(m.error.message, m.error.code));
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
    worker.on('error', (error) => {
      this.#log?.warn({ err: error }, 'optimizer worker failed; it restarts on the next request');
      fail(error);
    });
    worker.on('exit', (code) => fail(new OptimizerHostError(`optimizer worker exited with code ${code}`)));
    return worker;
  }
}

/** Runs the optimizer on the calling thread (no isolation; for tests and tools). */
export class InlineOptimizerHost implements OptimizerHost {
  readonly #cache = new StudyCache();
  readonly #labCache = new LabStudyCache();
  advance(request: AdvanceRequest): Promise<AdvanceResponse> {
    return this.#cache.advance(request);
  }
  forget(campaignId: string): void {
    this.#cache.forget(campaignId);
  }
  labAdvance(request: LabAdvanceRequest): Promise<LabAdvanceResponse> {
    return this.#labCache.advance(request);
  }
  labForget(studyId: string): void {
    this.#labCache.forget(studyId);
  }
  twin(request: TwinRequest): Promise<TwinReport> {
    return twinReport(request);
  }
  async close(): Promise<void> {}
}
