import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../src/config';
import { type ControlInputs, InterlockMonitor } from '../../src/control/interlocks';

const config = parseEdgeConfig({ platformId: 'p1' });
const make = () => new InterlockMonitor(config.interlocks, config.chemistry.syringeMarginUl, config.heater.steadyBandC);
const base = (over: Partial<ControlInputs> = {}): ControlInputs => ({
  nowMs: 10_000,
  temperature: { valueC: 25, fault: null, atMs: 10_000 },
  setpointC: null,
  heaterOutput: 0,
  pumps: {},
  contentsUl: {},
  estop: false,
  ...over,
});
const names = (m: InterlockMonitor, i: ControlInputs) => m.check(i).map((t) => t.interlock);

describe('InterlockMonitor (docs/devices.md §6)', () => {
  it('is quiet in normal conditions', () => {
    expect(make().check(base())).toEqual([]);
  });

  it('trips over-temperature against the setpoint margin and the absolute ceiling', () => {
    const m = make();
    expect(names(m, base({ setpointC: 140, temperature: { valueC: 156, fault: null, atMs: 10_000 } }))).toContain('overTemperature');
    expect(names(make(), base({ temperature: { valueC: 190, fault: null, atMs: 10_000 } }))).toEqual(['overTemperature']);
    expect(names(make(), base({ setpointC: 140, temperature: { valueC: 154, fault: null, atMs: 10_000 } }))).toEqual([]);
  });

  it('trips on thermocouple fault bits, a missing reading, and a stale reading', () => {
    expect(names(make(), base({ temperature: { valueC: null, fault: 'open', atMs: 10_000 } }))).toEqual(['thermocoupleFault']);
    expect(names(make(), base({ temperature: null }))).toEqual(['thermocoupleFault']);
    expect(names(make(), base({ temperature: { valueC: 25, fault: null, atMs: 7_000 } }))).toEqual(['thermocoupleFault']);
  });

  it('trips heaterCannotHeat when the plate does not rise after a setpoint increase', () => {
    const m = make();
    const at = (ms: number, pv: number) => base({ nowMs: ms, setpointC: 140, heaterOutput: 1, temperature: { valueC: pv, fault: null, atMs: ms } });
    expect(names(m, at(0, 25))).toEqual([]);
    expect(names(m, at(30_000, 25.5))).toEqual([]);
    expect(names(m, at(60_000, 26))).toEqual(['heaterCannotHeat']);
    // A heater that rises keeps the watch quiet.
    const ok = make();
    ok.check(at(0, 25));
    expect(names(ok, at(60_000, 40))).toEqual([]);
  });

  it('judges the heater watch only at high output: a PID easing up to a near setpoint is not "cannot heat"', () => {
    const m = make();
    const at = (ms: number, pv: number, heaterOutput: number) => base({ nowMs: ms, setpointC: 140, heaterOutput, temperature: { valueC: pv, fault: null, atMs: ms } });
    expect(names(m, at(0, 137, 0.5))).toEqual([]);
    expect(names(m, at(60_000, 137.5, 0.5))).toEqual([]);
    expect(names(m, at(90_000, 137.8, 0.6))).toEqual([]);
    // Full output from here on and still no rise: the watch trips one period after the last gentle tick.
    expect(names(m, at(91_000, 137.8, 1))).toEqual([]);
    expect(names(m, at(149_000, 138, 1))).toEqual([]);
    expect(names(m, at(150_000, 138, 1))).toEqual(['heaterCannotHeat']);
  });

  it('trips heaterRunaway when a regulated plate leaves the band for 30 s', () => {
    const m = make();
    const at = (ms: number, pv: number) => base({ nowMs: ms, setpointC: 140, heaterOutput: 0.3, temperature: { valueC: pv, fault: null, atMs: ms } });
    m.check(at(0, 140));
    expect(names(m, at(1_000, 128))).toEqual([]);
    expect(names(m, at(20_000, 128))).toEqual([]);
    expect(names(m, at(31_000, 128))).toEqual(['heaterRunaway']);
  });

  it('trips heaterRunaway when the plate keeps warming with the output at 0 (stuck SSR)', () => {
    const m = make();
    const at = (ms: number, pv: number) => base({ nowMs: ms, heaterOutput: 0, temperature: { valueC: pv, fault: null, atMs: ms } });
    m.check(at(0, 30));
    expect(names(m, at(60_000, 45))).toEqual(['heaterRunaway']);
  });

  it('trips on a stalled pump, a flat dispensed volume, a lost link and a low syringe', () => {
    const running = (dispensedUl: number, atMs: number) => ({ status: 'running' as const, dispensedUl, missedPolls: 0, atMs });
    expect(names(make(), base({ pumps: { cuI: { status: 'stalled', dispensedUl: 3, missedPolls: 0, atMs: 10_000 } } }))).toEqual(['pumpStalled']);
    const m = make();
    m.check(base({ pumps: { pfo: running(10, 0) } }));
    expect(names(m, base({ pumps: { pfo: running(10, 3_000) } }))).toEqual([]);
    expect(names(m, base({ pumps: { pfo: running(10, 6_000) } }))).toEqual(['pumpStalled']);
    expect(names(make(), base({ pumps: { oAm: { status: 'unknown', dispensedUl: 0, missedPolls: 3, atMs: 10_000 } } }))).toEqual(['pumpLinkLost']);
    expect(names(make(), base({ pumps: { cuI: running(5, 10_000) }, contentsUl: { cuI: 400 } }))).toEqual(['syringeLow']);
  });

  it('trips on the e-stop input', () => {
    expect(names(make(), base({ estop: true }))).toEqual(['estop']);
  });
});

describe('over-temperature after a setpoint decrease', () => {
  it('keeps the previous setpoint as the reference while the plate cools, then tightens', () => {
    const m = make();
    const at = (ms: number, sp: number, pv: number) => base({ nowMs: ms, setpointC: sp, heaterOutput: 0, temperature: { valueC: pv, fault: null, atMs: ms } });
    expect(names(m, at(0, 142, 142))).toEqual([]);
    // New experiment at 115 C: 142 C is 27 C above it, but the plate is cooling from a valid setpoint.
    expect(names(m, at(1_000, 115, 142))).toEqual([]);
    // Cooling for minutes outside the new band is not a runaway either.
    expect(names(m, at(60_000, 115, 130))).toEqual([]);
    expect(names(m, at(100_000, 115, 126))).toEqual([]);
    expect(names(m, at(120_000, 115, 115.5))).toEqual([]);
    // Reached: now 115 + 15 C is the limit.
    expect(names(m, at(121_000, 115, 131))).toEqual(['overTemperature']);
  });
});
