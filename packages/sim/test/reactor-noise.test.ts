import { describe, expect, it } from 'vitest';
import { createRandom, createReactorModel, ReactorSimulation, type ReactorFeatures } from '../src/index';

const CENTER = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];

function relativeStd(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return sd / mean;
}

/** Paper Fig 3A (docs/science.md §4): steady-state std of Abs300, PL_I, PL_A. */
const TARGETS = { abs300: 0.013, plIntensity: 0.011, plArea: 0.01 } as const;

function expectPaperNoise(samples: ReactorFeatures[]) {
  for (const [key, target] of Object.entries(TARGETS) as [keyof typeof TARGETS, number][]) {
    const std = relativeStd(samples.map((f) => f[key]));
    // Within 0.3 percentage points of the target.
    expect(Math.abs(std - target), `${key}: ${(100 * std).toFixed(2)} %`).toBeLessThan(0.003);
  }
}

describe('measure()', () => {
  const model = createReactorModel({ seed: 3 });
  const condition = model.space.fromCube(CENTER);

  it('has the paper steady-state noise over 500 samples (1.3 / 1.1 / 1.0 %)', () => {
    const rng = createRandom(11);
    const samples = Array.from({ length: 500 }, () => {
      const m = model.measure(condition, rng);
      if (m.failed) throw new Error(m.message);
      return m.features;
    });
    expectPaperNoise(samples);
    const truth = model.truth(condition);
    const meanPl = samples.reduce((a, f) => a + f.plIntensity, 0) / samples.length;
    expect(meanPl / truth.plIntensity).toBeCloseTo(1, 2);
    // PL_I and PL_A come from the same band: strongly correlated.
    expect(samples.every((f) => Math.abs(f.plIntensity / truth.plIntensity - f.plArea / truth.plArea) < 0.03)).toBe(true);
  });

  it('is reproducible for a seed and never fails while failures are off', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    for (let i = 0; i < 20; i++) expect(model.measure(condition, a)).toEqual(model.measure(condition, b));
    const worst = model.space.fromCube([0, 0.5, 0, 0.5, 1, 0.5, 0.5]);
    expect(model.measure(worst, a).failed).toBe(false);
  });

  it('drifts when driftPerHour is set', () => {
    const drifting = createReactorModel({ driftPerHour: 0.02, noise: { abs300: 0, plIntensity: 0, plArea: 0 } });
    const m = drifting.measure(condition, createRandom(1), { ageH: 5 });
    if (m.failed) throw new Error(m.message);
    expect(m.features.plIntensity / drifting.truth(condition).plIntensity).toBeCloseTo(0.9, 9);
    expect(m.features.abs300 / drifting.truth(condition).abs300).toBeCloseTo(0.9, 9);
  });
});

describe('failures (when enabled)', () => {
  const model = createReactorModel({ failures: { randomRate: 0.05 } });
  const space = model.space;

  it('clogs OAm-rich, cold conditions', () => {
    const clog = space.fromCube([0.05, 0.5, 0.5, 0.5, 1, 0.5, 0.5]);
    expect(model.failureAt(clog)?.reason).toBe('clogged');
    const m = model.measure(clog, createRandom(1));
    expect(m).toMatchObject({ failed: true, reason: 'clogged' });
    expect(model.failureAt(space.fromCube([0.05, 0.5, 0.5, 0.5, 0, 0.5, 0.5]))).toBeNull();
    expect(model.failureAt(space.fromCube([0.7, 0.5, 0.5, 0.5, 1, 0.5, 0.5]))).toBeNull();
  });

  it('reports no-emission below the threshold', () => {
    const dim = createReactorModel({ failures: { noEmissionBelow: 0.5, clogging: false, randomRate: 0 } });
    const dull = space.fromCube([0.1, 0.5, 0.1, 0.5, 0.5, 0.5, 0.5]);
    expect(dim.failureAt(dull)?.reason).toBe('no-emission');
    expect(dim.failureAt(space.fromCube(CENTER))).toBeNull();
  });

  it('fails at random at about the configured rate', () => {
    const rng = createRandom(2);
    const c = space.fromCube(CENTER);
    const failed = Array.from({ length: 2_000 }, () => model.measure(c, rng)).filter((m) => m.failed);
    expect(failed.length).toBeGreaterThan(60);
    expect(failed.length).toBeLessThan(140);
    expect(failed.every((m) => m.failed && m.reason === 'unstable-flow')).toBe(true);
  });

  it('sends fluid without emission through the simulated line', () => {
    const sim = new ReactorSimulation(model, { noise: false });
    const clog = space.fromCube([0.05, 0.5, 0.5, 0.5, 1, 0.5, 0.5]);
    sim.setCondition(clog, 0);
    expect(sim.failureAt(1)).toBe('clogged');
    const f = sim.featuresAt(10 * 60_000);
    expect(f.plIntensity).toBe(0);
    expect(f.abs300).toBeGreaterThan(1.5); // turbid
    expect(Math.max(...sim.sampleAt(10 * 60_000).emission([400, 450, 500]))).toBe(0);
  });
});

describe('simulation noise', () => {
  const model = createReactorModel({ seed: 8 });
  const sim = new ReactorSimulation(model);
  sim.setCondition(model.space.fromCube(CENTER), 0);
  const settled = 10 * 60_000;

  it('gives the paper noise across 500 samples of a steady outlet', () => {
    const samples = Array.from({ length: 500 }, (_, i) => sim.featuresAt(settled + i * 1_000, { noise: true }));
    expectPaperNoise(samples);
  });

  it('keeps one fluctuation per interval, is stateless, and matches the spectra', () => {
    expect(sim.featuresAt(settled + 100, { noise: true })).toEqual(sim.featuresAt(settled + 900, { noise: true }));
    expect(sim.featuresAt(settled + 100, { noise: true })).not.toEqual(sim.featuresAt(settled + 1_100, { noise: true }));
    const f = sim.featuresAt(settled, { noise: true });
    const s = sim.sampleAt(settled);
    expect(s.absorbance([300])[0]!).toBeCloseTo(f.abs300, 12);
    expect(s.emission([450])[0]!).toBeCloseTo(f.plIntensity, 6);
  });
});
