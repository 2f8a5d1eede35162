import { type ConditionSpace, createConditionSpace, PUMP_IDS, type PumpId, type Spectrum } from '@sdfl/chemistry';
import type { AckBody, BodyInput, Message } from '@sdfl/protocol';
import type { Clock } from '@sdfl/sim';
import type { EdgeConfig } from '../config';
import { ControlLoop, type ControlPort } from '../control/control-loop';
import { ControlWorker } from '../control/control-worker';
import { InterlockMonitor, type Trip } from '../control/interlocks';
import type { WorkerIo } from '../control/worker-protocol';
import type { Gpio } from '../devices/gpio';
import { SoftwareHeater } from '../devices/heater';
import type { ThermocoupleReader } from '../devices/max31855';
import type { SpectrumSource } from '../runner/acquire';
import { Inventory } from '../runner/inventory';
import { SqliteQueueStore } from '../runner/queue-store';
import { Runner, type RunnerPump } from '../runner/runner';
import type { Stage } from '../runner/types';
import type { BirthState } from '../link/index';
import type { EdgeDb } from '../store/index';
import { MetaStore } from '../store/index';
import { decide } from './commands';
import { modelSnapshotSchema, proposeOffline } from './offline-policy';
import { birthState, resultBody } from './messages';
import { PumpPoller, type PolledPump } from './pump-poller';

/** The devices the main thread drives: real drivers on the Pi, the same drivers against emulators in --sim. */
export interface AgentDevices {
  pumps: Record<PumpId, RunnerPump & PolledPump>;
  absorption: SpectrumSource;
  pl: SpectrumSource;
}

/**
 * Where the control loop runs: in this thread on the given GPIO and thermocouple (the sim, whose
 * plant follows a virtual clock), or in its own worker thread that opens the hardware itself.
 */
export type ControlSetup = { kind: 'inline'; gpio: Gpio; reader: ThermocoupleReader } | { kind: 'worker'; io: WorkerIo };

/** The MQTT side as the agent uses it (link/Link implements it). */
export interface AgentLink {
  readonly isOnline: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  onCommand(handler: (cmd: Message<'cmd'>) => Promise<AckBody>): void;
  publishResult(body: BodyInput<'result'>): unknown;
  publishEvent(body: BodyInput<'event'>): unknown;
  publishTelemetry(body: BodyInput<'telemetry'>): unknown;
  updateState(): unknown;
}

export interface AgentOptions {
  config: Readonly<EdgeConfig>;
  clock: Clock;
  devices: AgentDevices;
  control: ControlSetup;
  db: EdgeDb;
  /** Builds the link; `state` gives the retained birth body at any time. */
  link: (state: () => BirthState) => AgentLink;
  /** Telemetry period, clock ms. Default 1000. */
  telemetryMs?: number;
}

const INVENTORY_KEY = 'inventory';
const MODEL_KEY = 'modelSnapshot';
/** A blank is only valid for the acquisition settings it was taken with (DEVICES.md §2: no dark pixels). */
const referenceKey = (s: EdgeConfig['spectrometer']) => `absorptionReference:${s.integrationUs}:${s.scans}:${s.boxcar}`;

/**
 * The edge agent: control loop + runner + link over one SQLite database. `start()` boots into
 * SAFE, marks any attempt a crash interrupted as aborted (re-queued when configured), and waits
 * for a clearSafe command before anything pumps.
 */
export class Agent {
  readonly control: ControlPort;
  readonly runner: Runner;
  readonly link: AgentLink;
  readonly store: SqliteQueueStore;
  readonly inventory: Inventory;
  private readonly poller: PumpPoller;
  private readonly space: ConditionSpace;
  private readonly meta: MetaStore;
  private stage: BodyInput<'telemetry'>['stage'] = 'boot';
  private stopTelemetry: (() => void) | null = null;
  private markBooted!: () => void;
  private readonly booted = new Promise<void>((resolve) => (this.markBooted = resolve));

  constructor(private readonly o: AgentOptions) {
    const { config, clock, devices, db } = o;
    const space = (this.space = createConditionSpace(config.chemistry));
    this.meta = new MetaStore(db);
    this.store = new SqliteQueueStore(db.db, () => clock.now());
    const saved = this.meta.get(INVENTORY_KEY);
    const full = Object.fromEntries(PUMP_IDS.map((id) => [id, config.chemistry.pumps[id].syringeVolumeUl])) as Record<PumpId, number>;
    this.inventory = new Inventory(
      saved ? { ...full, ...(JSON.parse(saved) as Record<PumpId, number>) } : full,
      (contents) => this.meta.set(INVENTORY_KEY, JSON.stringify(contents)),
      Object.fromEntries(PUMP_IDS.map((id) => [id, 2 * config.chemistry.syringeMarginUl])),
    );
    const shutterOpenLevel = config.devices?.gpio?.shutterOpenLevel ?? 1;
    const estopActiveLevel = config.devices?.gpio?.estopActiveLevel ?? 1;
    const stopAllPumps = async () => void (await Promise.allSettled(PUMP_IDS.map((id) => devices.pumps[id].stop())));
    const onTrip = (trip: Trip & { latencyMs: number }) => {
      this.runner.abortCurrent({ reason: 'INTERLOCK', detail: trip.detail, interlock: trip.interlock });
      this.link.publishEvent({ type: 'interlock', interlock: trip.interlock, detail: trip.detail, latencyMs: trip.latencyMs });
      this.setStage('safe');
    };
    let lightGpio: Gpio;
    if (o.control.kind === 'inline') {
      lightGpio = o.control.gpio;
      this.control = new ControlLoop({
        clock,
        periodMs: config.control.periodMs,
        heater: new SoftwareHeater({ reader: o.control.reader, gpio: o.control.gpio, pid: config.heater.pid, windowMs: config.heater.windowMs, maxSetpointC: config.chemistry.temperatureC.max }),
        gpio: o.control.gpio,
        shutterOpenLevel,
        estopActiveLevel,
        monitor: new InterlockMonitor(config.interlocks, config.chemistry.syringeMarginUl, config.heater.steadyBandC),
        stopAllPumps,
        onTrip,
      });
    } else {
      const worker = new ControlWorker({
        init: {
          io: o.control.io,
          periodMs: config.control.periodMs,
          interlocks: config.interlocks,
          heater: config.heater,
          syringeMarginUl: config.chemistry.syringeMarginUl,
          maxSetpointC: config.chemistry.temperatureC.max,
          shutterOpenLevel,
          estopActiveLevel,
        },
        stopAllPumps,
        onTrip,
      });
      lightGpio = worker.gpio;
      this.control = worker;
    }
    this.poller = new PumpPoller(devices.pumps, clock, this.control, () => this.inventory.snapshot());
    this.runner = new Runner({
      clock,
      config,
      space,
      store: this.store,
      inventory: this.inventory,
      pumps: devices.pumps,
      optics: {
        gpio: lightGpio,
        shutterOpenLevel,
        absorption: this.guardSpectrometer('absorption', devices.absorption),
        pl: this.guardSpectrometer('pl', devices.pl),
      },
      plant: {
        setSetpoint: (c) => this.control.setSetpoint(c),
        temperatureC: () => this.control.status().temperatureC,
        isSafe: () => this.control.isSafe,
      },
      onStage: (item, from, to) => this.setStage(to, from ?? 'idle', item.experimentId),
      reference: {
        load: () => {
          const saved = this.meta.get(referenceKey(config.spectrometer));
          return saved ? (JSON.parse(saved) as Spectrum) : null;
        },
        save: (spectrum) => this.meta.set(referenceKey(config.spectrometer), JSON.stringify({ wavelengthNm: spectrum.wavelengthNm, counts: spectrum.counts })),
      },
      onIdle: () => this.runOfflinePolicy(),
      onOutcome: (outcome) => {
        this.link.publishResult(resultBody(outcome));
        this.setStage(this.control.isSafe ? 'safe' : 'idle');
        if (outcome.status === 'aborted' && config.runner.rerunAborted && outcome.failure?.reason === 'INTERLOCK') this.requeue(outcome.experimentId, outcome.attempt);
      },
    });
    this.link = o.link(() => birthState(config, this.control.status(), this.stage));
    this.link.onCommand((cmd) => this.handle(cmd));
  }

  async start(): Promise<void> {
    // The link first (it only opens its store and connects in the background) so boot events are
    // queued; commands wait for `booted`, so a clearSafe cannot slip in before the boot SAFE latch.
    await this.link.start();
    await this.control.start();
    this.recoverInterrupted();
    this.setStage('safe');
    this.markBooted();
    this.poller.start(1_000);
    this.stopTelemetry = this.o.clock.every(this.o.telemetryMs ?? 1_000, () => this.link.publishTelemetry(this.telemetry()));
    this.runner.start();
  }

  async stop(): Promise<void> {
    this.stopTelemetry?.();
    await this.runner.stop();
    this.poller.stop();
    await this.control.stop();
    await this.link.stop();
  }

  /** Clears SAFE (the clearSafe command) and lets the queue run again. */
  async clearSafe(by: string, reason: string): Promise<{ cleared: boolean; active: string[] }> {
    const r = await this.control.clearSafe();
    if (r.cleared) {
      this.link.publishEvent({ type: 'faultCleared', by, reason });
      this.setStage('idle');
      this.runner.poke();
    }
    return r;
  }

  /**
   * `local` offline policy: queue dry and no broker -> the next condition from the last model
   * snapshot (ARCHITECTURE.md "Network drops"); results wait in the outbox like any other.
   */
  private async runOfflinePolicy(): Promise<boolean> {
    if (this.o.config.offlinePolicy !== 'local' || this.link.isOnline) return false;
    const stored = this.meta.get(MODEL_KEY);
    const parsed = stored ? modelSnapshotSchema.safeParse((JSON.parse(stored) as { snapshot: unknown }).snapshot) : undefined;
    if (!parsed?.success) return false;
    const now = this.o.clock.now();
    const condition = await proposeOffline(parsed.data, this.space, this.store.list().map((i) => i.condition), now);
    if (!condition || this.link.isOnline) return false;
    this.store.enqueue([{ experimentId: `local-${now}`, attempt: 1, condition, campaignId: parsed.data.campaignId ?? null }]);
    this.link.publishEvent({ type: 'alarm', code: 'OFFLINE_LOCAL_POLICY', severity: 'info', message: `offline: queued local-${now} from model snapshot (${parsed.data.policy})` });
    return true;
  }

  /** A spectrometer that stops answering trips the spectrometerTimeout interlock (DEVICES.md §6). */
  private guardSpectrometer(role: string, source: SpectrumSource): SpectrumSource {
    return {
      getSpectrum: () =>
        source.getSpectrum().catch(async (error: unknown) => {
          if ((error as { code?: string }).code === 'TIMEOUT') await this.control.raise('spectrometerTimeout', `${role}: ${(error as Error).message}`);
          throw error;
        }),
    };
  }

  /** A crash left an attempt `running`: it is aborted now and re-run once SAFE is cleared, if configured. */
  private recoverInterrupted(): void {
    for (const item of this.store.list(['running'])) {
      this.store.setStatus(item.experimentId, item.attempt, 'aborted', null);
      const now = this.o.clock.now();
      this.store.transition({ experimentId: item.experimentId, attempt: item.attempt, from: item.stage ?? 'running', to: 'aborted', atMs: now, detail: 'agent restarted mid-experiment' });
      this.link.publishResult(
        resultBody({
          experimentId: item.experimentId,
          attempt: item.attempt,
          campaignId: item.campaignId,
          condition: item.condition,
          status: 'aborted',
          failure: { reason: 'INTERNAL', detail: 'agent restarted mid-experiment' },
          plan: null,
          features: null,
          spectra: null,
          timings: { startedAtMs: now, steadyAtMs: null, acquiredAtMs: null, finishedAtMs: now },
          steadyState: null,
          warnings: [],
        }),
      );
      if (this.o.config.runner.rerunAborted) this.requeue(item.experimentId, item.attempt);
    }
  }

  private requeue(experimentId: string, attempt: number): void {
    const item = this.store.get(experimentId, attempt);
    if (item && !this.store.get(experimentId, attempt + 1)) {
      this.store.enqueue([{ experimentId, attempt: attempt + 1, condition: item.condition, campaignId: item.campaignId }]);
    }
  }

  private async handle(cmd: Message<'cmd'>): Promise<AckBody> {
    await this.booted;
    const decision = await decide(cmd.body, {
      space: this.space,
      store: this.store,
      runner: this.runner,
      inventory: this.inventory,
      syringeVolumeUl: (pump) => this.o.config.chemistry.pumps[pump].syringeVolumeUl,
      clearSafe: (by, reason) => this.clearSafe(by, reason),
      abortToSafe: async (reason) => {
        this.runner.abortCurrent({ reason: 'OPERATOR_ABORT', detail: reason });
        await this.control.latch('abort');
        this.setStage('safe');
      },
      saveModelSnapshot: (version, snapshot) => this.meta.set(MODEL_KEY, JSON.stringify({ version, snapshot })),
      offlinePolicy: this.o.config.offlinePolicy,
    });
    return { commandId: cmd.id, ...decision };
  }

  private setStage(to: BodyInput<'telemetry'>['stage'] | Stage, from?: string, experimentId?: string): void {
    const previous = this.stage;
    this.stage = to;
    if (previous !== to) {
      this.link.publishEvent({ type: 'stage', from: (from ?? previous) as typeof to, to, ...(experimentId ? { experimentId } : {}) });
      this.link.updateState();
    }
  }

  private telemetry(): BodyInput<'telemetry'> {
    const c = this.control.status();
    const current = this.runner.state.current;
    return {
      temperatures: { pvC: c.temperatureC, spC: c.setpointC },
      heaterOutput: c.heaterOutput,
      pumps: this.poller.states(),
      stage: this.stage,
      safe: c.safe,
      loopJitter: { p50Ms: c.jitter.p50Ms, p99Ms: c.jitter.p99Ms, maxMs: c.jitter.maxMs },
      syringeContentsUl: this.inventory.snapshot(),
      ...(current ? { experimentId: current.experimentId } : {}),
    };
  }
}
