/**
 * An in-memory platform for the runner and agent tests: the packages/sim emulators (eight Chemyx
 * pumps, two HDX spectrometers, heater plate + MAX31855, GPIO, reactor) on one VirtualClock, with
 * the pumps reached over in-memory duplex pairs (no socat) and the spectrometers over loopback TCP.
 * The platform outlives the agents attached to it, as hardware outlives a crashed host: a pump
 * keeps pumping when its agent dies.
 */
import { type Condition, defaultChemistryConfig, PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import {
  ChemyxPumpEmulator,
  createReactorModel,
  HdxSpectrometerEmulator,
  InMemoryGpio,
  Max31855Emulator,
  ReactorSimulation,
  ThermalPlant,
  VirtualClock,
} from '@sdfl/sim';

// Which condition field each precursor pump feeds (odeCs and PFO are derived flows).
const FIELD: Partial<Record<PumpId, keyof Condition>> = {
  cuI: 'cuIUlMin',
  oaCuI: 'oaCuIUlMin',
  oAm: 'oAmUlMin',
  odeCuI: 'odeCuIUlMin',
  csOleate: 'csOleateUlMin',
  oaCs: 'oaCsUlMin',
};

export interface MemoryPlatform {
  clock: VirtualClock;
  gpio: InMemoryGpio;
  plant: ThermalPlant;
  thermocouple: Max31855Emulator;
  pumps: Record<PumpId, ChemyxPumpEmulator>;
  spectrometers: Record<'absorption' | 'pl', { emulator: HdxSpectrometerEmulator; host: string; port: number }>;
  reactor: ReactorSimulation;
  stop(): Promise<void>;
}

export interface MemoryPlatformOptions {
  /** Sim time per real time. Default 50. */
  speed?: number;
  /** Plate temperature at start, C. Default 22 (room). */
  initialC?: number;
  seed?: number;
}

export async function createMemoryPlatform(options: MemoryPlatformOptions = {}): Promise<MemoryPlatform> {
  const speed = options.speed ?? 50;
  const seed = options.seed ?? 3;
  const clock = new VirtualClock({ speed });
  const gpio = new InMemoryGpio();
  const plant = new ThermalPlant({ clock, gpio, ...(options.initialC !== undefined ? { initialC: options.initialC } : {}) });
  const thermocouple = new Max31855Emulator({ plant, seed: seed + 100 });
  const reactor = new ReactorSimulation(createReactorModel({ seed }));
  const pumps = Object.fromEntries(
    PUMP_IDS.map((id, i) => {
      const s = defaultChemistryConfig.pumps[id];
      return [id, new ChemyxPumpEmulator({ clock, seed: seed + i, diameterMm: s.innerDiameterMm, capacityUl: s.syringeVolumeUl, replyLatencyMs: [1, 3] })];
    }),
  ) as Record<PumpId, ChemyxPumpEmulator>;
  // Feed the reactor the rates actually running (the sim platform does the same, with a settle window).
  const feed = () => {
    const rates = Object.fromEntries(PUMP_IDS.map((id) => [id, Math.max(0, pumps[id].state().rateUlMin)])) as Record<PumpId, number>;
    if (!PUMP_IDS.some((id) => rates[id] > 0)) return reactor.setCondition(null, clock.now());
    const c: Condition = { temperatureC: plant.temperatureC, cuIUlMin: 0, csOleateUlMin: 0, oaCsUlMin: 0, oaCuIUlMin: 0, oAmUlMin: 0, odeCuIUlMin: 0 };
    for (const [id, field] of Object.entries(FIELD) as [PumpId, keyof Condition][]) c[field] = rates[id];
    reactor.setCondition(c, clock.now());
  };
  const unsubscribe = PUMP_IDS.map((id) => pumps[id].onChange(feed));
  const timeScale = 1 / speed;
  const hdx = (role: 'absorption' | 'pl', s: number) => new HdxSpectrometerEmulator({ role, clock, light: gpio, sample: reactor, seed: s, timeScale });
  const emulators = { absorption: hdx('absorption', seed + 200), pl: hdx('pl', seed + 201) };
  const [abs, pl] = await Promise.all([emulators.absorption.start(), emulators.pl.start()]);
  plant.start();
  return {
    clock,
    gpio,
    plant,
    thermocouple,
    pumps,
    spectrometers: { absorption: { emulator: emulators.absorption, ...abs }, pl: { emulator: emulators.pl, ...pl } },
    reactor,
    async stop() {
      for (const off of unsubscribe) off();
      plant.stop();
      await Promise.allSettled([emulators.absorption.stop(), emulators.pl.stop()]);
      for (const p of Object.values(pumps)) p.dispose();
      await gpio.close();
    },
  };
}
