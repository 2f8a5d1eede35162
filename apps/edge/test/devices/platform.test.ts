/**
 * Every edge driver against packages/sim's createSimulatedPlatform over the real transports:
 * 8 pumps on socat PTYs (serialport), two HDX on TCP, the plate via MAX31855 words and the GPIO.
 */
import { PUMP_IDS, defaultChemistryConfig } from '@sdfl/chemistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChemyxPump, connectTcp, HdxSpectrometer, Max31855Reader, openSerialTransport, SoftwareHeater } from '../../src/devices';
import { createSimulatedPlatform, socatAvailable } from './helpers/sim';

type Platform = Awaited<ReturnType<typeof createSimulatedPlatform>>;

describe.runIf(socatAvailable())('drivers on the simulated platform', () => {
  let platform: Platform;
  const pumps: ChemyxPump[] = [];
  const hdx: HdxSpectrometer[] = [];
  beforeAll(async () => {
    platform = await createSimulatedPlatform({ seed: 3, pump: { replyLatencyMs: [5, 10] } });
  }, 20_000);
  afterAll(async () => {
    await Promise.all([...pumps, ...hdx].map((d) => d.close()));
    await platform?.stop();
  });

  it('connects all eight pumps over PTYs and runs them concurrently', async () => {
    for (const id of PUMP_IDS) {
      const p = new ChemyxPump(await openSerialTransport(platform.pumps[id].path, 38_400, `pump:${id}`), { name: `pump:${id}`, limits: defaultChemistryConfig.pumps[id] });
      pumps.push(p);
    }
    await Promise.all(pumps.map((p) => p.connect()));
    await Promise.all(pumps.map((p) => p.run({ rateUlMin: 300, volumeUl: 1, contentsUl: 10_000 })));
    expect(await Promise.all(pumps.map((p) => p.status()))).toEqual(PUMP_IDS.map(() => 'running'));
    await new Promise((r) => setTimeout(r, 400));
    const reads = await Promise.all(pumps.map((p) => p.read()));
    expect(reads.every((r) => r.status === 'stopped' && Math.abs(r.dispensedUl - 1) < 1e-3)).toBe(true);
  });

  it('reads both spectrometers', async () => {
    for (const role of ['absorption', 'pl'] as const) {
      const { host, port } = platform.spectrometers[role];
      const d = new HdxSpectrometer(await connectTcp(host, port), { name: `hdx:${role}` });
      hdx.push(d);
      await d.connect({ integrationUs: 10_000, scans: 1 });
      const s = await d.getSpectrum();
      expect(s.counts).toHaveLength(2068);
      expect(d.describe().serialNumber).toMatch(/^HDX-SIM-/);
    }
  });

  it('drives the plate heater through the MAX31855 words and the SSR line', async () => {
    const heater = new SoftwareHeater({
      reader: new Max31855Reader({ readWord: () => platform.thermocouple.read(), now: () => platform.clock.now() }),
      gpio: platform.gpio,
      pid: { kp: 0.08, ki: 0.002, kd: 0.4 },
    });
    await heater.setSetpoint(100);
    const t = await heater.tick(platform.clock.now());
    expect(t.temperatureC).toBeGreaterThan(15);
    expect(platform.gpio.isSsrOn()).toBe(true);
    await heater.off();
    expect(platform.gpio.isSsrOn()).toBe(false);
  });
});
