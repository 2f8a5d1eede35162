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

  it('loads the example installed on a Pi, and reports a file that is not YAML', () => {
    expect(loadEdgeConfig(join(import.meta.dirname, '../../../infra/edge/edge.example.yaml')).devices?.pumps.pfo.path).toMatch(/sdfl-pump-pfo/);
    const bad = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'edge.yaml');
    writeFileSync(bad, 'platformId: [unclosed');
    expect(() => loadEdgeConfig(bad)).toThrow(/not valid YAML/);
  });
});
