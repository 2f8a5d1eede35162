import { describe, expect, it } from 'vitest';
import { Pid, type PidOptions } from '../../src/devices/pid';
import { TimeProportioner } from '../../src/devices/time-proportioning';

/** First-order plant: tau dT/dt = gain x u - (T - ambient) (docs/devices.md §3 plate, FOPDT without dead time). */
function simulate(opts: { pid: PidOptions; setpoint: (tS: number) => number; seconds: number; gain?: number; tauS?: number; dtS?: number; broken?: (tS: number) => boolean; tp?: TimeProportioner }) {
  const { gain = 250, tauS = 180, dtS = 0.1 } = opts;
  const pid = new Pid(opts.pid);
  let t = 22;
  const trace: { tS: number; pv: number; u: number; sp: number }[] = [];
  for (let k = 0; k * dtS <= opts.seconds; k++) {
    const tS = k * dtS;
    const sp = opts.setpoint(tS);
    const u = pid.update(sp, t, tS * 1000);
    const applied = opts.tp ? (opts.tp.tick(u, tS * 1000) ? 1 : 0) : u;
    trace.push({ tS, pv: t, u, sp });
    const heat = opts.broken?.(tS) ? 0 : gain * applied;
    t += ((heat - (t - 22)) / tauS) * dtS;
  }
  return trace;
}

const gains = { kp: 0.08, ki: 0.002, kd: 0.4 }; // apps/edge config defaults

describe('Pid on a first-order plant', () => {
  it('step 22 -> 150 C settles without overshoot beyond a few %', () => {
    const tr = simulate({ pid: gains, setpoint: () => 150, seconds: 3600 });
    const peak = Math.max(...tr.map((x) => x.pv));
    expect(peak - 150).toBeLessThan(0.03 * 128);
    const late = tr.filter((x) => x.tS > 1800);
    expect(late.every((x) => Math.abs(x.pv - 150) < 0.5)).toBe(true);
    expect(tr.every((x) => x.u >= 0 && x.u <= 1)).toBe(true);
  });

  it('time-proportioned SSR (1 s window) still settles near setpoint', () => {
    const tr = simulate({ pid: gains, setpoint: () => 120, seconds: 3600, tp: new TimeProportioner({ windowMs: 1000 }) });
    const peak = Math.max(...tr.map((x) => x.pv));
    expect(peak - 120).toBeLessThan(0.03 * 98);
    expect(tr.filter((x) => x.tS > 2400).every((x) => Math.abs(x.pv - 120) < 1)).toBe(true);
  });

  it('anti-windup: after 10 min of saturation the output backs off as soon as PV passes SP', () => {
    // Heater element broken for 600 s (u saturates at 1, PV stays at ambient), then repaired.
    const tr = simulate({ pid: gains, setpoint: () => 100, seconds: 3000, broken: (t) => t < 600 });
    const atFix = tr.find((x) => x.tS >= 600)!;
    expect(atFix.u).toBe(1);
    const peak = Math.max(...tr.map((x) => x.pv));
    expect(peak - 100).toBeLessThan(0.05 * 78);
    // Without anti-windup the integral would hold the output high for minutes after crossing SP.
    const cross = tr.find((x) => x.tS > 600 && x.pv >= 100)!;
    const after = tr.find((x) => x.tS >= cross.tS + 5)!;
    expect(after.u).toBeLessThan(0.5);
    expect(pidIntegralBounded(gains)).toBe(true);
  });

  it('derivative acts on the measurement: a setpoint step gives no derivative kick', () => {
    const pid = new Pid({ kp: 0, ki: 0, kd: 10, outMin: -100, outMax: 100 });
    pid.update(50, 50, 0);
    pid.update(80, 50, 100);
    expect(pid.last.d).toBeCloseTo(0);
    pid.update(80, 51, 200); // +1 C in 0.1 s -> d = -kd x 10 C/s
    expect(pid.last.d).toBeCloseTo(-100);
  });

  it('derivative filter smooths the measured slope', () => {
    const pid = new Pid({ kp: 0, ki: 0, kd: 1, outMin: -100, outMax: 100, derivativeFilterS: 0.9 });
    pid.update(0, 0, 0);
    pid.update(0, 1, 100); // raw slope 10 C/s, alpha = 0.1
    expect(pid.last.d).toBeCloseTo(-1);
  });

  it('bumpless: a setpoint change does not step the output; reset({output}) continues from it', () => {
    const pid = new Pid({ kp: 0.1, ki: 0.01, kd: 0 });
    pid.reset({ output: 0.5 });
    pid.update(100, 100, 0);
    const before = pid.update(100, 100, 100);
    const after = pid.update(102, 100, 100.0001);
    expect(before).toBeCloseTo(0.5);
    expect(after).toBeCloseTo(0.5, 3);
    const kick = new Pid({ kp: 0.1, ki: 0.01, kd: 0, bumpless: false });
    kick.reset({ output: 0.5 });
    kick.update(100, 100, 0);
    expect(kick.update(102, 100, 100)).toBeCloseTo(0.7, 2);
  });

  it('measures dt, ignores backwards time and caps long gaps', () => {
    const pid = new Pid({ kp: 0, ki: 1, kd: 0, outMin: -1e9, outMax: 1e9, maxDtS: 2 });
    pid.update(1, 0, 1000);
    expect(pid.last.dtS).toBe(0);
    pid.update(1, 0, 1500);
    expect(pid.last.dtS).toBe(0.5);
    expect(pid.last.i).toBeCloseTo(0.5);
    pid.update(1, 0, 1400);
    expect(pid.last.dtS).toBe(0);
    pid.update(1, 0, 60_000);
    expect(pid.last.dtS).toBe(2);
  });

  it('rejects an empty output range', () => {
    expect(() => new Pid({ ...gains, outMin: 1, outMax: 1 })).toThrow(RangeError);
  });
});

/** The integral never leaves the output range whatever the input. */
function pidIntegralBounded(g: PidOptions): boolean {
  const pid = new Pid(g);
  for (let k = 0; k < 10_000; k++) {
    pid.update(k % 2000 < 1000 ? 500 : -500, 0, k * 100);
    if (pid.last.i < 0 || pid.last.i > 1) return false;
  }
  return true;
}
