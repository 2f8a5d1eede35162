import { planFlows } from '@sdfl/chemistry';
import { describe, expect, it } from 'vitest';
import { createReactorModel, ReactorSimulation, ResidenceTimeDistribution, steadyStateFraction, type ReactorFeatures } from '../src/index';

const model = createReactorModel({ seed: 4 });
const space = model.space;
const KEYS = ['abs300', 'plIntensity', 'plArea'] as const;
const withinOf = (f: ReactorFeatures, target: ReactorFeatures, tol: number) =>
  KEYS.every((k) => Math.abs(f[k] - target[k]) <= tol * Math.abs(target[k]));

/** Cube point with the reaction time set to `reactionTimeS` (25-42 s axis). */
const atReactionTime = (reactionTimeS: number, base = [0.6, 0, 0.7, 0.3, 0.2, 0.4, 0.5]) =>
  space.fromCube(base.map((x, d) => (d === 1 ? (reactionTimeS - 25) / 17 : x)));

/** tau of a condition, ms: the model's, which must agree with the flow planner's (t_E = 1.2 tau). */
function tauMsOf(condition: ReturnType<typeof atReactionTime>): number {
  const r = planFlows(condition, space);
  if (!r.ok) throw new Error('infeasible');
  const tauS = model.inputs(condition).residenceTimeS;
  // planFlows quantizes pump rates to 0.01 uL/min, which moves tau by < 0.01 %.
  expect(Math.abs(r.plan.residenceTimeS / tauS - 1)).toBeLessThan(1e-4);
  return tauS * 1_000;
}

/** First time (in tau) after `fromMs` from which all three features stay within 2 % of `target`. */
function settleTau(sim: ReactorSimulation, fromMs: number, tauMs: number, target: ReactorFeatures): number {
  let settled = Infinity;
  for (let theta = 3; theta >= 0; theta -= 0.001) {
    if (!withinOf(sim.featuresAt(fromMs + theta * tauMs), target, 0.02)) break;
    settled = theta;
  }
  return settled;
}

describe('residence-time distribution', () => {
  const rtd = new ResidenceTimeDistribution();
  it('has a dead time, then reaches 98 % at ~1.2 tau (paper t_E = 1.2 tau)', () => {
    expect(rtd.stepResponse(0.8)).toBe(0);
    expect(rtd.stepResponse(0.85)).toBeGreaterThan(0);
    expect(rtd.thetaAt(0.98)).toBeGreaterThan(1.1);
    expect(rtd.thetaAt(0.98)).toBeLessThan(1.3);
    expect(steadyStateFraction(1.2)).toBeGreaterThan(0.98);
    expect(steadyStateFraction(1.2)).toBeLessThan(0.99);
    expect(steadyStateFraction(rtd.maxTheta)).toBe(1);
  });

  it('has mean residence time tau', () => {
    let mean = 0;
    const d = 1e-4;
    for (let t = 0; t < rtd.maxTheta; t += d) mean += (1 - rtd.stepResponse(t)) * d;
    expect(mean).toBeCloseTo(1, 3);
  });
});

describe.each([25, 31, 42])('step response at t_R = %i s', (reactionTimeS) => {
  const condition = atReactionTime(reactionTimeS);
  const tauMs = tauMsOf(condition);
  const target = model.truth(condition);

  it('start-up from an empty line: dark until the first plug, steady (2 %) at 1.2 +- 0.1 tau', () => {
    const sim = new ReactorSimulation(model, { noise: false });
    expect(Math.max(...sim.sampleAt(0).emission([400, 450, 500]))).toBe(0);
    const t0 = 1_000_000;
    sim.setCondition(condition, t0);
    expect(sim.featuresAt(t0 + 0.79 * tauMs).plIntensity).toBe(0);
    expect(Math.max(...sim.sampleAt(t0 + 0.79 * tauMs).absorbance([300, 450]))).toBe(0);
    const theta = settleTau(sim, t0, tauMs, target);
    expect(theta).toBeGreaterThan(1.1);
    expect(theta).toBeLessThan(1.3);
    expect(sim.settledFraction(t0 + 1.2 * tauMs)).toBeCloseTo(steadyStateFraction(1.2), 9);
  });

  it('change from another condition: the old product holds for the dead time, the new one is steady by 1.3 tau', () => {
    const sim = new ReactorSimulation(model, { noise: false });
    const previous = space.fromCube([0.3, 0.9, 0.3, 0.6, 0.6, 0.2, 0.2]);
    sim.setCondition(previous, 0);
    const t1 = 600_000;
    sim.setCondition(condition, t1);
    expect(withinOf(sim.featuresAt(t1 + 0.75 * tauMs), model.truth(previous), 1e-9)).toBe(true);
    const theta = settleTau(sim, t1, tauMs, target);
    expect(theta).toBeGreaterThan(0.8);
    expect(theta).toBeLessThan(1.3);
  });
});

describe('flow history', () => {
  const a = atReactionTime(31);
  const tauMs = tauMsOf(a);

  it('freezes the flow cells while the flow is stopped, and resumes the transit afterwards', () => {
    const sim = new ReactorSimulation(model, { noise: false });
    sim.setCondition(a, 0);
    sim.setCondition(null, 0.9 * tauMs);
    const frozen = sim.featuresAt(0.9 * tauMs);
    expect(frozen.plIntensity).toBeGreaterThan(0);
    expect(sim.featuresAt(50 * tauMs)).toEqual(frozen);
    sim.setCondition(a, 100 * tauMs);
    expect(sim.featuresAt(100 * tauMs + 0.5 * tauMs).plIntensity).toBeGreaterThan(frozen.plIntensity);
    expect(withinOf(sim.featuresAt(100 * tauMs + 0.5 * tauMs), model.truth(a), 0.001)).toBe(true);
  });

  it('mixes products linearly in the spectra', () => {
    const sim = new ReactorSimulation(model, { noise: false });
    sim.setCondition(a, 0);
    const mid = 0.99 * tauMs;
    const out = sim.outletAt(mid);
    expect(out.emptyFraction + out.parts.reduce((s, p) => s + p.weight, 0)).toBeCloseTo(1, 12);
    const truth = model.truth(a);
    const emitted = sim.sampleAt(mid).emission([450])[0]!;
    // 1e-6: the tail of the 600 nm side band adds a trace at 450 nm.
    expect(emitted).toBeCloseTo((1 - out.emptyFraction) * truth.plIntensity, 6);
    expect(out.emptyFraction).toBeGreaterThan(0.01);
  });

  it('rejects going back in time', () => {
    const sim = new ReactorSimulation(model);
    sim.setCondition(a, 1_000);
    expect(() => sim.setCondition(a, 999)).toThrow(RangeError);
  });

  it('applies stock drift from the first condition on', () => {
    const drifting = createReactorModel({ driftPerHour: 0.05 });
    const sim = new ReactorSimulation(drifting, { noise: false });
    sim.setCondition(a, 0);
    expect(sim.featuresAt(2 * 3_600_000).plIntensity / drifting.truth(a).plIntensity).toBeCloseTo(0.9, 9);
  });
});

describe('spectra', () => {
  const sim = new ReactorSimulation(model, { noise: false });
  const c = atReactionTime(28);
  sim.setCondition(c, 0);
  const sample = sim.sampleAt(600_000);
  const grid = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

  it('has an excitonic absorption band near 290 nm with a scattering tail into the visible', () => {
    const wl = grid(250, 800, 0.5);
    const a = sample.absorbance(wl);
    const inBand = wl.map((w, i) => [w, a[i]!] as const).filter(([w]) => w >= 280 && w <= 310);
    const [peakNm] = inBand.reduce((best, x) => (x[1] > best[1] ? x : best));
    expect(peakNm).toBeGreaterThanOrEqual(285);
    expect(peakNm).toBeLessThanOrEqual(300);
    expect(a[wl.indexOf(600)]!).toBeGreaterThan(0);
    expect(a[wl.indexOf(600)]!).toBeLessThan(0.05 * a[wl.indexOf(300)]!);
  });

  it('emits one band at 450 nm with an 80-90 nm FWHM', () => {
    const wl = grid(350, 750, 0.25);
    const e = sample.emission(wl);
    const peak = Math.max(...e);
    expect(wl[e.indexOf(peak)]).toBe(450);
    const above = wl.filter((_, i) => e[i]! >= peak / 2);
    const fwhm = above.at(-1)! - above[0]!;
    expect(fwhm).toBeGreaterThanOrEqual(80);
    expect(fwhm).toBeLessThanOrEqual(90);
  });
});
