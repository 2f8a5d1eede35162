import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEdgeConfig, parseEdgeConfig } from '../src/config';

const problems = (input: unknown) => {
  try {
    parseEdgeConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('edge config', () => {
  it('fills documented defaults and freezes the result', () => {
    const c = parseEdgeConfig({ platformId: 'rig-1' });
    expect(c.control.periodMs).toBe(100);
    expect(c.offlinePolicy).toBe('standby');
    expect(c.chemistry.equilibrationFactor).toBe(1.2);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every problem, path first', () => {
    const list = problems({ platformId: 'a/b', heater: { windowMs: -1 }, offlinePolicy: 'cloudless', spectrometer: { integrationUs: 10 } });
    expect(list).toHaveLength(4);
    expect(list.join('\n')).toMatch(/^platformId: must not contain/m);
    expect(list.join('\n')).toMatch(/^heater\.windowMs: /m);
    expect(list.join('\n')).toMatch(/^offlinePolicy: /m);
    expect(list.join('\n')).toMatch(/^spectrometer\.integrationUs: /m);
  });

  it('has one source for every default: the wiring levels, periods and heater kind come from the schema', () => {
    const pumps = Object.fromEntries(['cuI', 'oaCuI', 'oAm', 'odeCuI', 'csOleate', 'oaCs', 'odeCs', 'pfo'].map((id) => [id, { path: `/dev/${id}` }]));
    const c = parseEdgeConfig({
      platformId: 'rig-1',
      devices: { pumps, spectrometers: { absorption: { port: 1 }, pl: { port: 2 } }, gpio: { pins: { ssr: 17, uvLed: 27, shutter: 22, estop: 23 } } },
    });
    expect(c.devices?.gpio).toMatchObject({ kind: 'onoff', shutterOpenLevel: 1, estopActiveLevel: 0, estopPollMs: 10 });
    expect(c.control).toEqual({ periodMs: 100, pumpPollMs: 1_000, telemetryMs: 1_000 });
    expect(c.heater.kind).toBe('software-pid');
    expect(c.runner).toMatchObject({ steadyWindowS: 30, steadySampleMs: 1_000 });
    expect(c.interlocks.watchMinOutput).toBe(0.8);
  });

  it('selects real implementations only: gpio onoff or sysfs, heater software-pid or a configured Watlow F4T', () => {
    const gpio = (kind: string) => ({ platformId: 'p', devices: { pumps: {}, spectrometers: {}, gpio: { kind, pins: { ssr: 1, uvLed: 2, shutter: 3, estop: 4 } } } });
    expect(problems(gpio('memory')).join('\n')).toMatch(/^devices\.gpio\.kind: /m);
    expect(problems(gpio('sysfs')).join('\n')).not.toMatch(/gpio\.kind/);
    expect(problems({ platformId: 'p', heater: { kind: 'watlow-f4t' } })).toEqual(['heater.f4t: heater.kind watlow-f4t needs heater.f4t (host, ...)']);
    expect(parseEdgeConfig({ platformId: 'p', heater: { kind: 'watlow-f4t', f4t: { host: '10.0.0.9' } } }).heater.f4t).toEqual({ host: '10.0.0.9', port: 502, unitId: 1, loop: 1, timeoutMs: 1_000 });
  });

  it('loads the example installed on a Pi, and reports a file that is not YAML', () => {
    expect(loadEdgeConfig(join(import.meta.dirname, '../../../infra/edge/edge.example.yaml')).devices?.pumps.pfo.path).toMatch(/sdfl-pump-pfo/);
    const bad = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'edge.yaml');
    writeFileSync(bad, 'platformId: [unclosed');
    expect(() => loadEdgeConfig(bad)).toThrow(/not valid YAML/);
  });
});
