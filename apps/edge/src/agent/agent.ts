import { type ConditionSpace, createConditionSpace, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import type { AckBody, BodyInput, Message } from '@sdfl/protocol';
import type { Clock } from '@sdfl/hal';
import type { Logger } from 'pino';
import type { EdgeConfig } from '../config';
import type { ControlPort } from '../control/control-loop';
import type { Trip } from '../control/interlocks';
import type { SpectrumSource } from '../runner/acquire';
import { Inventory } from '../runner/inventory';
import { SqliteQueueStore } from '../runner/queue-store';
import { Runner, type RunnerPump } from '../runner/runner';
import type { ExperimentOutcome, Stage } from '../runner/types';
import type { BirthState } from '../link/index';
import type { EdgeDb } from '../store/index';
import { MetaStore } from '../store/index';
import { decide } from './commands';
import { type ControlSetup, createControl } from './control-setup';
import { birthState, resultBody } from './messages';
import { OfflinePolicy } from './offline-policy';
import { PumpPoller, type PolledPump } from './pump-poller';
import { abortInterrupted, recoverPumpVolumes, requeue } from './recovery';
import { SettingsStore } from './settings-store';

export type { ControlSetup, GpioLevels } from './control-setup';

/** The devices the main thread drives: real drivers on the Pi, the same drivers against emulators in --sim. */
export interface AgentDevices {
  pumps: Record<PumpId, RunnerPump & PolledPump>;
  absorption: SpectrumSource;
  pl: SpectrumSource;
}

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
  /** The process log (journald on the Pi): trips and outcomes go here as well as to the cloud. */
  log?: Logger;
}

/**
 * The edge agent: control loop + runner + link over one SQLite database. `start()` boots into
 * SAFE, books what the pumps delivered while no agent ran, marks any attempt a crash interrupted
 * as aborted (re-queued when configured), and waits for a clearSafe command before anything pumps.
 * Crash recovery lives in recovery.ts, the offline policy in offline-policy.ts, stored settings in
 * settings-store.ts; this class wires them.
 */
export class Agent {
  readonly control: ControlPort;
  readonly runner: Runner;
  readonly link: AgentLink;
  readonly store: SqliteQueueStore;
  readonly inventory: Inventory;
  private readonly poller: PumpPoller;
  private readonly space: ConditionSpace;
  private readonly settings: SettingsStore;
  private stage: BodyInput<'telemetry'>['stage'] = 'boot';
  private stopTelemetry: (() => void) | null = null;
  private markBooted!: () => void;
  private readonly booted = new Promise<void>((resolve) => (this.markBooted = resolve));

  constructor(private readonly o: AgentOptions) {
    const { config, clock, devices, db } = o;
    const space = (this.space = createConditionSpace(config.chemistry));
    this.store = new SqliteQueueStore(db.db, () => clock.now());
    // Problems reading stored settings become alarms once the link exists (the link is built last).
    const invalid: string[] = [];
    this.settings = new SettingsStore(new MetaStore(db), (p) => {
      const message = `stored ${p.key} ignored: ${p.problem}`;
      if (this.link) this.link.publishEvent({ type: 'alarm', code: 'STORED_SETTING_INVALID', severity: 'warning', message });
      else invalid.push(message);
    });
    const full = Object.fromEntries(PUMP_IDS.map((id) => [id, config.chemistry.pumps[id].syringeVolumeUl])) as Record<PumpId, number>;
    this.inventory = new Inventory(
      this.settings.inventory(full) ?? { contentsUl: full, uncertain: {}, inFlight: {} },
      (state) => this.settings.saveInventory(state),
      Object.fromEntries(PUMP_IDS.map((id) => [id, config.runner.lowReagentFactor * config.chemistry.syringeMarginUl])),
      (pump, reason) =>
        this.link.publishEvent({ type: 'alarm', code: 'INVENTORY_UNCERTAIN', severity: 'warning', message: `${pump}: ${reason}; its syringe counts as empty until a refilled command` }),
    );
    const { control, lightGpio } = createControl(config, clock, o.control, {
      stopAllPumps: async () => void (await Promise.allSettled(PUMP_IDS.map((id) => devices.pumps[id].stop()))),
      onTrip: (trip) => this.onTrip(trip),
    });
    this.control = control;
    this.poller = new PumpPoller(devices.pumps, clock, this.control, () => this.inventory.usableUl());
    const offline = new OfflinePolicy({
      policy: config.offlinePolicy,
      clock,
      space,
      store: this.store,
      snapshot: () => this.settings.modelSnapshot()?.snapshot,
      isOnline: () => this.link.isOnline,
      publishEvent: (e) => this.link.publishEvent(e),
    });
    this.runner = new Runner({
      clock,
      config,
      space,
      store: this.store,
      inventory: this.inventory,
      pumps: devices.pumps,
      optics: {
        gpio: lightGpio,
        shutterOpenLevel: o.control.levels.shutterOpenLevel,
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
        load: () => this.settings.reference(config.spectrometer),
        save: (spectrum) => this.settings.saveReference(config.spectrometer, spectrum),
      },
      onIdle: () => offline.runIfOffline(),
      onOutcome: (outcome) => {
        this.logOutcome(outcome);
        this.link.publishResult(resultBody(outcome));
        this.setStage(this.control.isSafe ? 'safe' : 'idle');
        if (outcome.status === 'aborted' && config.runner.rerunAborted && outcome.failure?.reason === 'INTERLOCK') requeue(this.store, outcome);
      },
    });
    this.link = o.link(() => birthState(config, this.control.status(), this.stage));
    this.link.onCommand((cmd) => this.handle(cmd));
    for (const message of invalid) this.link.publishEvent({ type: 'alarm', code: 'STORED_SETTING_INVALID', severity: 'warning', message });
  }

  async start(): Promise<void> {
    // The link first (it only opens its store and connects in the background) so boot events are
    // queued; commands wait for `booted`, so a clearSafe cannot slip in before the boot SAFE latch.
    await this.link.start();
    await this.control.start();
    // Before the poller or the runner touch a pump: a start would reset the counters (recovery.ts).
    const recovery = {
      clock: this.o.clock,
      store: this.store,
      inventory: this.inventory,
      pumps: this.o.devices.pumps,
      publishResult: (b: BodyInput<'result'>) => this.link.publishResult(b),
      rerunAborted: this.o.config.runner.rerunAborted,
    };
    abortInterrupted(recovery, await recoverPumpVolumes(recovery));
    this.setStage('safe');
    this.markBooted();
    this.poller.start(this.o.config.control.pumpPollMs);
    this.stopTelemetry = this.o.clock.every(this.o.config.control.telemetryMs, () => this.link.publishTelemetry(this.telemetry()));
    this.runner.start();
  }

  async stop(): Promise<void> {
    this.stopTelemetry?.();
    await this.runner.stop();
    this.poller.stop();
    await this.control.stop();
    await this.link.stop();
  }

  /** Clears SAFE (the clearSafe command, whose id the faultCleared event names) and lets the queue run again. */
  async clearSafe(by: string, reason: string, commandId?: string): Promise<{ cleared: boolean; active: string[] }> {
    const r = await this.control.clearSafe();
    if (r.cleared) {
      this.link.publishEvent({ type: 'faultCleared', by, reason, ...(commandId ? { commandId } : {}) });
      this.setStage('idle');
      this.runner.poke();
    }
    return r;
  }

  private onTrip(trip: Trip & { latencyMs: number }): void {
    this.o.log?.error({ interlock: trip.interlock, detail: trip.detail, latencyMs: trip.latencyMs }, 'interlock tripped: SAFE until a clearSafe command');
    this.runner.abortCurrent({ reason: 'INTERLOCK', detail: trip.detail, interlock: trip.interlock });
    this.link.publishEvent({ type: 'interlock', interlock: trip.interlock, detail: trip.detail, latencyMs: trip.latencyMs });
    this.setStage('safe');
  }

  /** A spectrometer that stops answering trips the spectrometerTimeout interlock (docs/devices.md §6). */
  private guardSpectrometer(role: string, source: SpectrumSource): SpectrumSource {
    return {
      getSpectrum: () =>
        source.getSpectrum().catch(async (error: unknown) => {
          if ((error as { code?: string }).code === 'TIMEOUT') await this.control.raise('spectrometerTimeout', `${role}: ${(error as Error).message}`);
          throw error;
        }),
    };
  }

  private logOutcome(o: ExperimentOutcome): void {
    const what = { experimentId: o.experimentId, attempt: o.attempt, status: o.status, ...(o.failure ? { reason: o.failure.reason, detail: o.failure.detail } : {}) };
    if (o.status === 'done') this.o.log?.info(what, 'experiment done');
    else this.o.log?.warn(what, `experiment ${o.status}`);
  }

  private async handle(cmd: Message<'cmd'>): Promise<AckBody> {
    await this.booted;
    const decision = await decide(cmd.body, {
      space: this.space,
      store: this.store,
      runner: this.runner,
      inventory: this.inventory,
      syringeVolumeUl: (pump) => this.o.config.chemistry.pumps[pump].syringeVolumeUl,
      isSafe: () => this.control.isSafe,
      clearSafe: (by, reason) => this.clearSafe(by, reason, cmd.id),
      abortToSafe: async (reason) => {
        this.runner.abortCurrent({ reason: 'OPERATOR_ABORT', detail: reason });
        await this.control.latch('abort');
        this.setStage('safe');
      },
      saveModelSnapshot: (version, snapshot) => this.settings.saveModelSnapshot(version, snapshot),
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
    const { current, steadyDueAtMs } = this.runner.state;
    return {
      temperatures: { pvC: c.temperatureC, spC: c.setpointC },
      heaterOutput: c.heaterOutput,
      pumps: this.poller.states(),
      stage: this.stage,
      safe: c.safe,
      loopJitter: { p50Ms: c.jitter.p50Ms, p99Ms: c.jitter.p99Ms, maxMs: c.jitter.maxMs },
      syringeContentsUl: this.inventory.usableUl(),
      ...(current ? { experimentId: current.experimentId } : {}),
      ...(steadyDueAtMs !== null ? { steadyInS: Math.max(0, (steadyDueAtMs - this.o.clock.now()) / 1000) } : {}),
    };
  }
}
