/**
 * Control-loop jitter while the main thread does what the agent does between ticks: spectrum
 * features, result encoding and MQTT publishing through the durable outbox. Run for the loop in
 * its own worker thread (the production setup) and, for comparison, in the main thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeFeatures, pixelWavelengths } from '@sdfl/chemistry';
import { InMemoryGpio, Max31855Emulator, RealClock, ThermalPlant } from '@sdfl/sim';
import { pino } from 'pino';
import { parseEdgeConfig } from '../src/config';
import { ControlLoop, type ControlPort } from '../src/control/control-loop';
import { ControlWorker } from '../src/control/control-worker';
import { InterlockMonitor } from '../src/control/interlocks';
import { createSharedIoBuffer, mirrorSharedIo } from '../src/control/shared-io';
import { SoftwareHeater } from '../src/devices/heater';
import { Max31855Reader } from '../src/devices/max31855';
import { Link } from '../src/link/index';
import { startEmbeddedBroker } from '../src/sim/embedded-broker';
import { openEdgeDb } from '../src/store/index';

export interface JitterFigures {
  mode: 'worker' | 'main-thread';
  seconds: number;
  ticks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  resultsPublished: number;
}

const config = parseEdgeConfig({ platformId: 'bench-1' });

/** Synthetic HDX spectra: a Gaussian STE peak at 450 nm on a dark offset with noise. */
function spectra() {
  const wl = pixelWavelengths([200, 0.34951, -5e-6, -1e-10], 2068);
  const noise = () => (Math.random() - 0.5) * 40;
  const dark = wl.map(() => 1500 + noise());
  const reference = wl.map(() => 40_000 + noise());
  const sample = wl.map((l) => 1500 + 38_000 * Math.pow(10, -0.6 * Math.exp(-(((l - 295) / 20) ** 2))) + noise());
  const pl = wl.map((l) => 1500 + 30_000 * Math.exp(-(((l - 450) / 36) ** 2)) + noise());
  return { wl, dark, reference, sample, pl };
}

/** Keeps the main thread busy like an agent: features + a published result with full spectra, back to back. */
async function agentLoad(link: Link, until: number): Promise<number> {
  const s = spectra();
  let n = 0;
  while (Date.now() < until) {
    const f = computeFeatures({
      absorption: { sample: { wavelengthNm: s.wl, counts: s.sample }, dark: { wavelengthNm: s.wl, counts: s.dark }, reference: { wavelengthNm: s.wl, counts: s.reference } },
      pl: { sample: { wavelengthNm: s.wl, counts: s.pl }, dark: { wavelengthNm: s.wl, counts: s.dark } },
    });
    const at = new Date().toISOString();
    link.publishResult({
      experimentId: `bench-${n}`,
      attempt: 1,
      condition: { temperatureC: 130, cuIUlMin: 100, csOleateUlMin: 80, oaCsUlMin: 40, oaCuIUlMin: 50, oAmUlMin: 30, odeCuIUlMin: 200 },
      flowPlan: { ratesUlMin: { cuI: 100 }, residenceTimeS: 60, reactionTimeS: 33, equilibrationS: 72 },
      warnings: [],
      status: 'done',
      features: f,
      spectra: { absorbance: { wavelengthNm: s.wl, values: s.sample.map((c, i) => -Math.log10((c - s.dark[i]!) / (s.reference[i]! - s.dark[i]!))) }, pl: { wavelengthNm: s.wl, values: s.pl } },
      timings: { startedAt: at, steadyAt: at, acquiredAt: at, finishedAt: at, durations: { heatingS: 0, equilibrationS: 72, acquisitionS: 20, totalS: 92 } },
    });
    n++;
    await new Promise((r) => setImmediate(r));
  }
  return n;
}

export async function benchJitter(mode: 'worker' | 'main-thread', seconds: number): Promise<JitterFigures> {
  const clock = new RealClock();
  const gpio = new InMemoryGpio();
  const plant = new ThermalPlant({ clock, gpio });
  plant.start();
  const thermocouple = new Max31855Emulator({ plant });
  const broker = await startEmbeddedBroker();
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-bench-jitter-'));
  const db = openEdgeDb(join(dir, 'edge.db'));
  const link = new Link({ platformId: 'bench-1', brokerUrl: broker.url, keepaliveS: 30, reconnectPeriodMs: 1000, agentVersion: 'bench', db, log: pino({ level: 'silent' }), stateProvider: () => ({}) as never });
  await link.start();
  let stopMirror = () => {};
  let control: ControlPort;
  const common = { stopAllPumps: async () => {}, onTrip: () => {} };
  if (mode === 'worker') {
    const buffer = createSharedIoBuffer();
    stopMirror = mirrorSharedIo(buffer, gpio, () => thermocouple.read());
    control = new ControlWorker({
      ...common,
      init: { io: { kind: 'shared', buffer }, periodMs: 100, interlocks: config.interlocks, heater: config.heater, syringeMarginUl: 1000, maxSetpointC: 170, shutterOpenLevel: 1, estopActiveLevel: 1 },
    });
  } else {
    const reader = new Max31855Reader({ readWord: () => thermocouple.read() });
    control = new ControlLoop({
      ...common,
      clock,
      periodMs: 100,
      heater: new SoftwareHeater({ reader, gpio, pid: config.heater.pid }),
      gpio,
      shutterOpenLevel: 1,
      estopActiveLevel: 1,
      monitor: new InterlockMonitor(config.interlocks, 1000, 1),
    });
  }
  await control.start();
  await control.clearSafe();
  await control.setSetpoint(130);
  const published = await agentLoad(link, Date.now() + seconds * 1000);
  await new Promise((r) => setTimeout(r, 300));
  const j = control.status().jitter;
  await control.stop();
  stopMirror();
  plant.stop();
  await link.stop();
  db.close();
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
  return { mode, seconds, ticks: j.ticks, p50Ms: j.p50Ms, p99Ms: j.p99Ms, maxMs: j.maxMs, resultsPublished: published };
}
