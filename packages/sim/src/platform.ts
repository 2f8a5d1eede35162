import { type ChemistryConfig, type Condition, defaultChemistryConfig, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { type Clock, RealClock } from '@sdfl/hal';
import { ChemyxPumpEmulator, type ChemyxPumpOptions } from './devices/chemyx-pump';
import { InMemoryGpio, type InMemoryGpioOptions } from './devices/gpio';
import { HdxSpectrometerEmulator, type HdxSpectrometerOptions } from './devices/hdx-spectrometer';
import { Max31855Emulator, type Max31855EmulatorOptions } from './devices/max31855';
import { type SerialPtyLink, serveOnPty } from './devices/serial-pty-server';
import { ThermalPlant, type ThermalPlantOptions } from './devices/thermal-plant';
import type { OpticalSampleSource } from './optics';
import { createReactorModel } from './reactor/model';
import { ReactorSimulation } from './reactor/simulation';
import { VirtualClock } from './virtual-clock';

/** What the platform needs of a reactor: a sample source fed with the condition actually running. */
export interface PlatformReactor extends OpticalSampleSource {
  setCondition(condition: Condition | null, atMs: number): void;
}

type SpectrometerOverrides = Partial<Omit<HdxSpectrometerOptions, 'role' | 'clock' | 'light' | 'sample'>>;

export interface SimulatedPlatformOptions {
  /** Time base of every physical process. Default a new RealClock. */
  clock?: Clock;
  /** Seed of all noise (each device derives its own). Default 1. */
  seed?: number;
  /** Syringes (diameter, volume) per pump. Default `defaultChemistryConfig`. */
  chemistry?: ChemistryConfig;
  /** Baud rate of the emulators' serial ends. Default 38400. */
  baudRate?: number;
  /** Overrides for every pump (latency, limits, limit order...). */
  pump?: Partial<Omit<ChemyxPumpOptions, 'clock'>>;
  /**
   * Overrides for both spectrometers, then per role. `timeScale` defaults to 1/speed on a
   * VirtualClock with speed > 0 (0 for 'max'), else 1, so exposures take clock time.
   */
  spectrometer?: SpectrometerOverrides & { absorption?: SpectrometerOverrides; pl?: SpectrometerOverrides };
  plant?: Partial<Omit<ThermalPlantOptions, 'clock' | 'gpio'>>;
  thermocouple?: Partial<Omit<Max31855EmulatorOptions, 'plant'>>;
  gpio?: InMemoryGpioOptions;
  /** The reactor. Default `new ReactorSimulation(createReactorModel({ seed }))`. */
  reactor?: PlatformReactor;
  /**
   * Changes within this much clock time of a first one are fed to the reactor as one change, dated
   * at the first: a driver starting eight pumps over serial takes ~0.5 s and the reactor should see
   * one new condition, not eight partial ones. Default 1000 ms; 0 feeds every change at once.
   */
  conditionSettleMs?: number;
  /** A plate temperature change of this much (C) while pumping updates the reactor's condition. Default 1. */
  conditionTemperatureStepC?: number;
}

export interface PlatformPump {
  /** Serial device the driver opens (a socat PTY link). */
  path: string;
  emulator: ChemyxPumpEmulator;
  /** The PTY link: `disconnect()` / `reconnect()` unplug and replug the serial adapter. */
  link: SerialPtyLink;
}

export interface PlatformSpectrometer {
  host: string;
  port: number;
  emulator: HdxSpectrometerEmulator;
}

export interface SimulatedPlatform {
  pumps: Record<PumpId, PlatformPump>;
  spectrometers: { absorption: PlatformSpectrometer; pl: PlatformSpectrometer };
  gpio: InMemoryGpio;
  /** `read()` gives the MAX31855 word; `setFault()` injects open / short faults. */
  thermocouple: Max31855Emulator;
  plant: ThermalPlant;
  reactor: PlatformReactor;
  clock: Clock;
  /** The condition last fed to the reactor (null: no flow). */
  readonly condition: Condition | null;
  /** Stops everything: no socat process, PTY link or listening port is left. Idempotent. */
  stop(): Promise<void>;
}

// Which Condition field each precursor pump feeds; odeCs and PFO are derived flows (docs/science.md §3).
const CONDITION_FIELD: Partial<Record<PumpId, keyof Condition>> = {
  cuI: 'cuIUlMin',
  oaCuI: 'oaCuIUlMin',
  oAm: 'oAmUlMin',
  odeCuI: 'odeCuIUlMin',
  csOleate: 'csOleateUlMin',
  oaCs: 'oaCsUlMin',
};

/**
 * Starts one simulated platform (docs/architecture.md §8): eight Chemyx pumps, each on its own
 * socat PTY; the absorption and PL HDX spectrometers on ephemeral TCP ports of 127.0.0.1; the
 * heater plate with its MAX31855 thermocouple; the in-memory GPIO wiring SSR -> plate, shutter ->
 * absorption lamp, LED -> PL; and the reactor, fed the pumps' actual running rates and the plate
 * temperature whenever they change (null while no pump runs).
 *
 * @example
 * const platform = await createSimulatedPlatform({ clock: new VirtualClock({ speed: 50 }) });
 * const port = new SerialPort({ path: platform.pumps.cuI.path, baudRate: 38400 });
 * await platform.stop();
 */
export async function createSimulatedPlatform(options: SimulatedPlatformOptions = {}): Promise<SimulatedPlatform> {
  const clock = options.clock ?? new RealClock();
  const seed = options.seed ?? 1;
  const chemistry = options.chemistry ?? defaultChemistryConfig;
  const gpio = new InMemoryGpio(options.gpio);
  const plant = new ThermalPlant({ clock, gpio, ...options.plant });
  const thermocouple = new Max31855Emulator({ seed: seed + 100, ...options.thermocouple, plant });
  const reactor = options.reactor ?? new ReactorSimulation(createReactorModel({ seed }));
  const pumps = Object.fromEntries(
    PUMP_IDS.map((id, i) => {
      const syringe = chemistry.pumps[id];
      const pump = new ChemyxPumpEmulator({
        clock,
        seed: seed + i,
        diameterMm: syringe.innerDiameterMm,
        capacityUl: syringe.syringeVolumeUl,
        ...options.pump,
      });
      return [id, pump];
    }),
  ) as Record<PumpId, ChemyxPumpEmulator>;
  const { absorption: absOptions, pl: plOptions, ...shared } = options.spectrometer ?? {};
  // An exposure lasts integration x scans of clock time: 1/speed of real time on an accelerated clock.
  const timeScale = clock instanceof VirtualClock && clock.speed !== 0 ? (clock.speed === 'max' ? 0 : 1 / clock.speed) : 1;
  const makeHdx = (role: 'absorption' | 'pl', own: SpectrometerOverrides | undefined, s: number) =>
    new HdxSpectrometerEmulator({ role, clock, light: gpio, sample: reactor, seed: s, timeScale, ...shared, ...own });
  const hdx = { absorption: makeHdx('absorption', absOptions, seed + 200), pl: makeHdx('pl', plOptions, seed + 201) };

  const feed = new ConditionFeed(clock, reactor, pumps, plant, options.conditionSettleMs ?? 1000, options.conditionTemperatureStepC ?? 1);
  const links: SerialPtyLink[] = [];
  const stopAll = async () => {
    feed.stop();
    plant.stop();
    await Promise.allSettled([hdx.absorption.stop(), hdx.pl.stop(), ...links.map((l) => l.stop())]);
    for (const p of Object.values(pumps)) p.dispose();
    await gpio.close();
  };
  plant.start();
  const serve = async (id: PumpId): Promise<PlatformPump> => {
    const link = await serveOnPty(pumps[id], { baudRate: options.baudRate ?? 38_400, names: [`${id}-device`, id] });
    links.push(link);
    return { path: link.path, emulator: pumps[id], link };
  };
  const listen = async (h: HdxSpectrometerEmulator): Promise<PlatformSpectrometer> => ({ ...(await h.start()), emulator: h });
  // allSettled, not all: on a failure every other start must have finished before stopAll, or a socat leaks.
  const [pumpResults, hdxResults] = await Promise.all([
    Promise.allSettled(PUMP_IDS.map(serve)),
    Promise.allSettled([listen(hdx.absorption), listen(hdx.pl)]),
  ]);
  const failure = [...pumpResults, ...hdxResults].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  const ok = <T,>(r: PromiseSettledResult<T> | undefined) => (r as PromiseFulfilledResult<T>).value;
  feed.start();

  let stopping: Promise<void> | null = null;
  return {
    pumps: Object.fromEntries(PUMP_IDS.map((id, i) => [id, ok(pumpResults[i])])) as Record<PumpId, PlatformPump>,
    spectrometers: { absorption: ok(hdxResults[0]), pl: ok(hdxResults[1]) },
    gpio,
    thermocouple,
    plant,
    reactor,
    clock,
    get condition() {
      return feed.last;
    },
    stop: () => (stopping ??= stopAll()),
  };
}

/** Feeds the reactor the condition the hardware is actually running (see createSimulatedPlatform). */
class ConditionFeed {
  last: Condition | null = null;
  private lastKey = 'null';
  private firstChangeMs: number | null = null;
  private settle: AbortController | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly reactor: PlatformReactor,
    private readonly pumps: Record<PumpId, ChemyxPumpEmulator>,
    private readonly plant: ThermalPlant,
    private readonly settleMs: number,
    private readonly temperatureStepC: number,
  ) {}

  start(): void {
    for (const pump of Object.values(this.pumps)) this.unsubscribe.push(pump.onChange(() => this.changed()));
    this.unsubscribe.push(
      this.plant.onChange((t) => {
        if (this.last && Math.abs(t - this.last.temperatureC) >= this.temperatureStepC) this.changed();
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.settle?.abort();
  }

  /** Opens a settle window at the first change (not restarted by later ones, so it always closes). */
  private changed(): void {
    if (this.settleMs <= 0) return this.push();
    if (this.settle) return;
    this.firstChangeMs = this.clock.now();
    const settle = new AbortController();
    this.settle = settle;
    this.clock.sleep(this.settleMs, settle.signal).then(
      () => {
        this.settle = null;
        this.push();
      },
      () => undefined,
    );
  }

  private push(): void {
    const atMs = this.firstChangeMs ?? this.clock.now();
    this.firstChangeMs = null;
    const rates = Object.fromEntries(PUMP_IDS.map((id) => [id, Math.max(0, this.pumps[id].state().rateUlMin)])) as Record<PumpId, number>;
    let condition: Condition | null = null;
    if (PUMP_IDS.some((id) => rates[id] > 0)) {
      const c: Condition = { temperatureC: this.plant.temperatureC, cuIUlMin: 0, csOleateUlMin: 0, oaCsUlMin: 0, oaCuIUlMin: 0, oAmUlMin: 0, odeCuIUlMin: 0 };
      for (const [id, field] of Object.entries(CONDITION_FIELD) as [PumpId, keyof Condition][]) c[field] = rates[id];
      condition = c;
    }
    const key = JSON.stringify(condition);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.last = condition;
    this.reactor.setCondition(condition, atMs);
  }
}
