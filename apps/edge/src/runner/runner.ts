import { type ConditionSpace, type FlowPlan, planFlows, PUMP_IDS, type PumpId, type Spectrum } from '@sdfl/chemistry';
import type { Clock } from '@sdfl/hal';
import type { EdgeConfig } from '../config';
import { acquire, acquireReference, lightsOff, type Optics } from './acquire';
import type { Inventory } from './inventory';
import { equilibrate } from './steady-state';
import type { ExperimentOutcome, FailureReason, QueueItem, QueueStore, Stage } from './types';

/** A pump as the runner drives it (ChemyxPump satisfies it). */
export interface RunnerPump {
  /** Programs a run (verified) without starting it. */
  set(run: { rateUlMin: number; volumeUl: number; contentsUl: number }): Promise<void>;
  /** Starts the programmed run (from stopped this resets the pump's dispensed-volume counter). */
  start(): Promise<void>;
  stop(): Promise<void>;
  read(): Promise<{ dispensedUl: number }>;
}

export interface RunnerDeps {
  clock: Clock;
  config: Readonly<EdgeConfig>;
  space: ConditionSpace;
  store: QueueStore;
  inventory: Inventory;
  pumps: Record<PumpId, RunnerPump>;
  optics: Optics;
  /** Heater setpoint and the loop's view of temperature and SAFE. */
  plant: {
    setSetpoint(c: number): Promise<void>;
    temperatureC(): number | null;
    isSafe(): boolean;
  };
  /** Stage changes and outcomes leave through these (the link persists and publishes them). */
  onStage(item: QueueItem, from: Stage | null, to: Stage): void;
  onOutcome(outcome: ExperimentOutcome): void;
  /**
   * The absorption blank survives restarts: after a crash the line may still hold product, so a
   * fresh "blank" would not be one. `null` until the first reference is taken.
   */
  reference: { load(): Spectrum | null; save(s: Spectrum): void };
  /** Called when the queue is empty (not paused, not SAFE); true when it queued something (offline policy). */
  onIdle?(): Promise<boolean>;
}

/** Thrown inside an attempt to end it as failed with a reason. */
export class AttemptFailed extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** Why an attempt was aborted from outside: the abort() reason given to its controller. */
export interface AbortCause {
  reason: FailureReason;
  detail: string;
  interlock?: string;
}

/** The cause `stop()` aborts the running attempt with (compared by identity). */
const AGENT_STOPPING: AbortCause = { reason: 'INTERNAL', detail: 'agent stopping' };

/**
 * The experiment runner (docs/architecture.md §5): validate -> heat to a steady
 * temperature -> program and start the pumps -> wait t_E = 1.2 tau -> acquire -> features ->
 * result. Every wait uses the injected Clock and the attempt's AbortSignal; every transition is
 * persisted, so a restart knows where it was.
 */
export class Runner {
  private paused = false;
  private stopped = true;
  private current: { item: QueueItem; controller: AbortController; steadyDueAtMs?: number } | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private reference: Spectrum | null = null;
  /** Pumps running the between-experiments solvent flush (booked when it ends). */
  private flushing: PumpId[] = [];

  constructor(private readonly d: RunnerDeps) {}

  start(): void {
    this.stopped = false;
    this.loop ??= this.run().finally(() => (this.loop = null));
  }

  /**
   * Stops after making the running attempt's pumps safe. A graceful stop is treated exactly as a
   * crash: the attempt publishes no result and stays `running` in the store, so the next boot
   * reports it aborted and re-runs it (when configured), as after a SIGKILL.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abortCurrent(AGENT_STOPPING);
    this.poke();
    await this.loop;
    await this.endFlush();
  }

  /** Whether paused, the attempt running, and (while equilibrating) when its planned steady-state wait ends, clock ms. */
  get state(): { paused: boolean; current: QueueItem | null; steadyDueAtMs: number | null } {
    return { paused: this.paused, current: this.current?.item ?? null, steadyDueAtMs: this.current?.steadyDueAtMs ?? null };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.poke();
  }

  /** Aborts the running attempt (cancel of the current experiment, abort command, interlock). */
  abortCurrent(cause: AbortCause, experimentId?: string): boolean {
    if (!this.current || (experimentId && this.current.item.experimentId !== experimentId)) return false;
    this.current.controller.abort(cause);
    return true;
  }

  /** Wakes the loop: new work, resume, or SAFE cleared. */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const ready = !this.paused && !this.d.plant.isSafe();
      const item = ready ? this.d.store.next() : undefined;
      if (!item && ready && (await this.d.onIdle?.().catch(() => false))) continue;
      if (!item) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          // Re-check periodically too: SAFE may clear and new work may land without a poke.
          void this.d.clock.sleep(1_000).then(resolve, resolve);
        });
        this.wake = null;
        continue;
      }
      await this.attempt(item);
    }
  }

  private async attempt(item: QueueItem): Promise<void> {
    const controller = new AbortController();
    this.current = { item, controller };
    const signal = controller.signal;
    const { clock } = this.d;
    const startedAtMs = clock.now();
    const outcome: ExperimentOutcome = {
      experimentId: item.experimentId,
      attempt: item.attempt,
      campaignId: item.campaignId,
      condition: item.condition,
      status: 'done',
      plan: null,
      features: null,
      spectra: null,
      timings: { startedAtMs, steadyAtMs: null, acquiredAtMs: null, finishedAtMs: 0 },
      steadyState: null,
      warnings: [],
    };
    let stage: Stage | null = null;
    const enter = (next: Stage) => {
      this.d.store.setStatus(item.experimentId, item.attempt, 'running', next);
      this.d.store.transition({ experimentId: item.experimentId, attempt: item.attempt, from: stage ?? 'queued', to: next, atMs: clock.now() });
      this.d.onStage(item, stage, next);
      stage = next;
    };
    let pumping = false;
    let interrupted = false;
    try {
      outcome.warnings.push(...this.d.inventory.warnings());
      this.refuseUncertain(item);
      const planned = planFlows(item.condition, this.d.space, { contentsUl: this.d.inventory.usableUl() });
      if (!planned.ok) {
        const short = planned.violations.some((v) => v.code === 'INSUFFICIENT_REAGENT');
        throw new AttemptFailed(short ? 'INSUFFICIENT_REAGENT' : 'INFEASIBLE_CONDITION', planned.violations.map((v) => v.message).join('; '));
      }
      const plan = planned.plan;
      outcome.plan = plan;

      enter('heating');
      await this.d.plant.setSetpoint(plan.temperatureC);
      await this.waitSteady(plan.temperatureC, signal);
      this.reference ??= this.d.reference.load();
      if (!this.reference) {
        this.reference = await acquireReference(this.d.optics);
        this.d.reference.save(this.reference);
      }

      enter('flowing');
      await this.endFlush();
      await this.startPumps(plan, `${item.experimentId}#${item.attempt}`, signal, () => (pumping = true));
      const flowingAt = clock.now();

      enter('equilibrating');
      if (this.current) this.current.steadyDueAtMs = flowingAt + plan.equilibrationS * 1_000;
      outcome.steadyState = await equilibrate({
        clock,
        flowStartedAtMs: flowingAt,
        equilibrationS: plan.equilibrationS,
        setpointC: plan.temperatureC,
        readPlateC: () => this.d.plant.temperatureC(),
        windowS: this.d.config.runner.steadyWindowS,
        sampleMs: this.d.config.runner.steadySampleMs,
        signal,
      });
      outcome.timings.steadyAtMs = outcome.steadyState.steadyAtMs;
      if (this.current) delete this.current.steadyDueAtMs;

      enter('acquiring');
      signal.throwIfAborted();
      const acquired = await acquire(this.d.optics, this.reference);
      outcome.timings.acquiredAtMs = clock.now();
      const remaining = plan.durationS * 1_000 - (clock.now() - flowingAt);
      if (remaining > 0) await clock.sleep(Math.min(remaining, plan.acquisitionS * 1_000), signal);

      enter('processing');
      outcome.features = acquired.features;
      outcome.spectra = acquired.spectra;
      if (acquired.features.flags.length > 0) outcome.warnings.push(`feature flags: ${acquired.features.flags.join(', ')}`);
    } catch (error) {
      if (signal.aborted && signal.reason === AGENT_STOPPING) {
        interrupted = true;
      } else if (signal.aborted) {
        const cause = signal.reason as AbortCause;
        outcome.status = 'aborted';
        outcome.failure = { reason: cause.reason, detail: cause.detail, ...(cause.interlock ? { interlock: cause.interlock } : {}) };
      } else {
        outcome.status = 'failed';
        const reason = error instanceof AttemptFailed ? error.reason : 'DEVICE_ERROR';
        outcome.failure = { reason, detail: (error as Error).message };
      }
    } finally {
      if (pumping) outcome.warnings.push(...(await this.stopAndBook(PUMP_IDS)));
      await lightsOff(this.d.optics).catch(() => undefined);
      if (pumping && outcome.plan && !interrupted && !this.d.plant.isSafe()) await this.startFlush(outcome.plan).catch(() => undefined);
    }
    if (interrupted) {
      this.current = null; // left `running`, as a crash leaves it (see stop())
      return;
    }
    outcome.timings.finishedAtMs = clock.now();
    this.d.store.setStatus(item.experimentId, item.attempt, outcome.status, null);
    this.d.store.transition({
      experimentId: item.experimentId,
      attempt: item.attempt,
      from: stage ?? 'queued',
      to: outcome.status,
      atMs: outcome.timings.finishedAtMs,
      ...(outcome.failure ? { detail: outcome.failure.detail } : {}),
    });
    this.current = null;
    this.d.onOutcome(outcome);
  }

  /** Steady when PV stays within +-band of SP for the hold time (docs/devices.md §3). */
  private async waitSteady(setpointC: number, signal: AbortSignal): Promise<void> {
    const { steadyBandC, holdMs, heatTimeoutMs } = this.d.config.heater;
    const { clock } = this.d;
    const deadline = clock.now() + heatTimeoutMs;
    let inBandSince: number | null = null;
    while (true) {
      const pv = this.d.plant.temperatureC();
      const now = clock.now();
      if (pv !== null && Math.abs(pv - setpointC) <= steadyBandC) {
        const since: number = inBandSince ?? now;
        inBandSince = since;
        if (now - since >= holdMs) return;
      } else {
        inBandSince = null;
      }
      if (now > deadline) throw new AttemptFailed('TIMEOUT', `temperature not steady at ${setpointC} C within ${heatTimeoutMs / 1000} s (now ${pv?.toFixed(1)} C)`);
      await clock.sleep(Math.min(500, holdMs / 4), signal);
    }
  }

  /**
   * Programs every pump (volume capped by contents minus margin, checked again by the driver) and
   * only then starts them: a pump that refuses its program leaves every pump stopped, with nothing
   * to book. `onStarting` marks the point from which pumps may move.
   */
  private async startPumps(plan: FlowPlan, owner: string, signal: AbortSignal, onStarting: () => void): Promise<void> {
    const contents = this.d.inventory.usableUl();
    const margin = this.d.config.chemistry.syringeMarginUl;
    const slack = 1 + this.d.config.runner.volumeSlack;
    await Promise.all(
      PUMP_IDS.map((id) => {
        const volumeUl = Math.min(plan.volumesUl[id] * slack, contents[id] - margin);
        return this.d.pumps[id].set({ rateUlMin: plan.ratesUlMin[id], volumeUl, contentsUl: contents[id] });
      }),
    );
    signal.throwIfAborted();
    // Recorded before any start, so a crash from here on is booked at the next boot (agent/recovery.ts).
    this.d.inventory.startRun(PUMP_IDS, owner);
    onStarting();
    await Promise.all(PUMP_IDS.map((id) => this.d.pumps[id].start()));
    signal.throwIfAborted();
  }

  /**
   * Between experiments with `betweenExperiments: flush`: solvent (both ODE pumps) and PFO keep the
   * line wet and segmented at the last streams' rates, for at most `flushMaxS` and never beyond the
   * contents minus the margin. SAFE stops them like every pump.
   */
  private async startFlush(plan: FlowPlan): Promise<void> {
    const { runner, chemistry } = this.d.config;
    if (runner.betweenExperiments !== 'flush') return;
    const contents = this.d.inventory.usableUl();
    const rates: Partial<Record<PumpId, number>> = { odeCuI: plan.streams.cuIUlMin, odeCs: plan.streams.csUlMin, pfo: plan.streams.pfoUlMin };
    for (const [id, rateUlMin] of Object.entries(rates) as [PumpId, number][]) {
      const volumeUl = Math.min((rateUlMin * runner.flushMaxS) / 60, contents[id] - chemistry.syringeMarginUl);
      if (volumeUl <= 0) continue;
      await this.d.pumps[id].set({ rateUlMin, volumeUl, contentsUl: contents[id] });
      this.d.inventory.startRun([id], 'flush');
      this.flushing.push(id);
      await this.d.pumps[id].start();
    }
  }

  /** Stops the flush and books its volume. */
  private async endFlush(): Promise<void> {
    const ids = this.flushing;
    this.flushing = [];
    if (ids.length > 0) await this.stopAndBook(ids); // an unreadable flush pump raises the inventory's alarm
  }

  /**
   * Stops `ids` (errors ignored: SAFE also stops them) and books what each delivered. A pump whose
   * volume cannot be read is marked uncertain, not booked as 0: an unknown amount left its syringe.
   */
  private async stopAndBook(ids: readonly PumpId[]): Promise<string[]> {
    const delivered: Partial<Record<PumpId, number>> = {};
    const unreadable: [PumpId, string][] = [];
    await Promise.all(
      ids.map(async (id) => {
        const pump = this.d.pumps[id];
        await pump.stop().catch(() => undefined);
        try {
          delivered[id] = (await pump.read()).dispensedUl;
        } catch (error) {
          unreadable.push([id, (error as Error).message]);
        }
      }),
    );
    this.d.inventory.consume(delivered);
    for (const [id, why] of unreadable) this.d.inventory.markUncertain(id, `delivered volume unreadable after a run: ${why}`);
    return unreadable.map(([id, why]) => `${id}: delivered volume unreadable (${why}); contents unknown until refilled`);
  }

  /** An experiment needing a pump whose contents are unknown is refused before anything moves. */
  private refuseUncertain(item: QueueItem): void {
    const uncertain = Object.entries(this.d.inventory.uncertain()) as [PumpId, string][];
    if (uncertain.length === 0) return;
    const unplanned = planFlows(item.condition, this.d.space);
    const needed = uncertain.filter(([id]) => !unplanned.ok || unplanned.plan.ratesUlMin[id] > 0);
    if (needed.length === 0) return;
    const which = needed.map(([id, why]) => `${id} (${why})`).join('; ');
    throw new AttemptFailed('INSUFFICIENT_REAGENT', `syringe contents unknown for ${which}: send refilled for each before running`);
  }
}
