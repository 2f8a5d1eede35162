import { PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import type { EdgeConfig } from '../config';
import type { Gpio, GpioLevel } from '../devices/gpio';
import { openSerialTransport } from '../devices/chemyx-link';
import { ChemyxPump } from '../devices/chemyx-pump';
import { connectTcp, HdxSpectrometer } from '../devices/hdx-spectrometer';
import { Max31855Reader } from '../devices/max31855';
import type { AgentDevices, ControlSetup } from './agent';

/**
 * What the sim wiring below needs of packages/sim's `SimulatedPlatform`, stated structurally so
 * that this module, which the Pi loads, never imports the simulator (docs/architecture.md §2).
 */
export interface SimulatedPlatformView {
  pumps: Record<PumpId, { path: string }>;
  spectrometers: Record<'absorption' | 'pl', { host: string; port: number }>;
  /** The in-memory GPIO, with the shutter polarity it was wired with. */
  gpio: Gpio & { readonly shutterOpenLevel: GpioLevel };
  thermocouple: { read(): number };
  clock: { now(): number };
}

/** Devices plus how to release them. */
export interface OpenDevices extends AgentDevices {
  close(): Promise<void>;
}

interface Endpoints {
  pumps: Record<PumpId, { path: string; baudRate: number }>;
  spectrometers: { absorption: { host: string; port: number }; pl: { host: string; port: number } };
}

/**
 * Opens the drivers over their real transports (serial ports, TCP), whatever is at the other end:
 * hardware on the Pi, or the simulator's emulators on PTYs and loopback ports.
 */
export async function openDevices(config: Readonly<EdgeConfig>, endpoints: Endpoints, now: () => number): Promise<OpenDevices> {
  const { chemistry } = config;
  const opened: { close(): Promise<void> }[] = [];
  try {
    const pumps = {} as Record<PumpId, ChemyxPump>;
    await Promise.all(
      PUMP_IDS.map(async (id) => {
        const { path, baudRate } = endpoints.pumps[id];
        const pump = new ChemyxPump(await openSerialTransport(path, baudRate, `pump:${id}`), {
          name: `pump:${id}`,
          limits: chemistry.pumps[id],
          contentsMarginUl: chemistry.syringeMarginUl,
          reopen: () => openSerialTransport(path, baudRate, `pump:${id}`),
          now,
        });
        opened.push(pump);
        pump.on('error', () => undefined); // link loss reaches the interlocks through the poller
        await pump.connect();
        await pump.stop();
        pumps[id] = pump;
      }),
    );
    const spectrometer = async (role: 'absorption' | 'pl') => {
      const { host, port } = endpoints.spectrometers[role];
      // A spectrum may take integration x scans plus this margin before it counts as a timeout (interlock spectrometerTimeout).
      const s = new HdxSpectrometer(await connectTcp(host, port), { name: `hdx:${role}`, now, acquisitionMarginMs: config.interlocks.spectrometerMarginMs });
      opened.push(s);
      s.on('error', () => undefined);
      await s.connect(config.spectrometer);
      return s;
    };
    const [absorption, pl] = await Promise.all([spectrometer('absorption'), spectrometer('pl')]);
    return {
      pumps,
      absorption,
      pl,
      close: async () => void (await Promise.allSettled(opened.map((d) => d.close()))),
    };
  } catch (error) {
    await Promise.allSettled(opened.map((d) => d.close()));
    throw error;
  }
}

/** The drivers against a simulated platform: pumps over its PTYs, spectrometers over TCP. */
export function openSimulatedDevices(config: Readonly<EdgeConfig>, platform: SimulatedPlatformView): Promise<OpenDevices> {
  const endpoints: Endpoints = {
    pumps: Object.fromEntries(PUMP_IDS.map((id) => [id, { path: platform.pumps[id].path, baudRate: 38_400 }])) as Endpoints['pumps'],
    spectrometers: {
      absorption: { host: platform.spectrometers.absorption.host, port: platform.spectrometers.absorption.port },
      pl: { host: platform.spectrometers.pl.host, port: platform.spectrometers.pl.port },
    },
  };
  return openDevices(config, endpoints, () => platform.clock.now());
}

/**
 * The control loop in this thread against the simulated platform's GPIO and thermocouple (virtual
 * time), with the emulator's wiring: its shutter polarity, and an e-stop that reads 1 when pressed.
 */
export function simulatedControl(platform: SimulatedPlatformView): ControlSetup {
  return {
    kind: 'inline',
    gpio: platform.gpio,
    reader: new Max31855Reader({ readWord: () => platform.thermocouple.read(), now: () => platform.clock.now() }),
    levels: { shutterOpenLevel: platform.gpio.shutterOpenLevel, estopActiveLevel: 1 },
  };
}
