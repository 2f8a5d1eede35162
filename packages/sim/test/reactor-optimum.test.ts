import { describe, expect, it } from 'vitest';
import { createReactorModel, haltonPoint, maximizeOnCube, type ReactorModel } from '../src/index';

const NAMES = ['temperature', 'reaction time', 'CuI', 'OA (CuI)', 'OAm', 'Cs-oleate', 'OA (Cs)'];

/** First-order (main-effect) variance share of each input for PL_I over the cube. */
function mainEffects(model: ReactorModel, bases = 300, levels = 21): number[] {
  const f = (u: number[]) => model.truth(model.space.fromCube(u)).plIntensity;
  const points = Array.from({ length: bases }, (_, i) => haltonPoint(i, 7, 11));
  const all: number[] = [];
  const effects = NAMES.map((_, d) => {
    const means = Array.from({ length: levels }, (_, g) => {
      const ys = points.map((p) => f(p.map((x, k) => (k === d ? g / (levels - 1) : x))));
      all.push(...ys);
      return ys.reduce((a, b) => a + b, 0) / bases;
    });
    const m = means.reduce((a, b) => a + b, 0) / levels;
    return means.reduce((a, b) => a + (b - m) ** 2, 0) / levels;
  });
  const mu = all.reduce((a, b) => a + b, 0) / all.length;
  const total = all.reduce((a, b) => a + (b - mu) ** 2, 0) / all.length;
  return effects.map((e) => e / total);
}

describe('default variant optimum', () => {
  const model = createReactorModel();
  const best = model.optimum();

  it('is interior on every axis, near 150 C and high (not maximal) CuI', () => {
    best.cube.forEach((x) => {
      expect(x).toBeGreaterThan(0.03);
      expect(x).toBeLessThan(0.97);
    });
    expect(best.condition.temperatureC).toBeGreaterThan(145);
    expect(best.condition.temperatureC).toBeLessThan(155);
    expect(best.cube[2]!).toBeGreaterThan(0.7);
    expect(best.value).toBe(best.features.plIntensity);
    expect(best.value).toBeCloseTo(model.truth(best.condition).plIntensity, 12);
  });

  it('beats a dense random scan of the cube, and is cached', () => {
    for (let i = 0; i < 5_000; i++) {
      const u = haltonPoint(i, 7, 99);
      expect(model.truth(model.space.fromCube(u)).plIntensity).toBeLessThanOrEqual(best.value);
    }
    expect(model.optimum()).toBe(best);
  });

  it('ranks CuI then temperature as the most influential inputs and Cs-oleate last (paper Fig 7A)', () => {
    const s = mainEffects(model);
    const order = s.map((v, d) => [v, d] as const).sort((a, b) => b[0] - a[0]).map(([, d]) => NAMES[d]);
    expect(order.slice(0, 2)).toEqual(['CuI', 'temperature']);
    expect(order.at(-1)).toBe('Cs-oleate');
  });

  it('optimises other objectives (Abs300)', () => {
    const yieldBest = model.optimum(model.space, 'abs300');
    expect(yieldBest.value).toBeGreaterThan(best.features.abs300);
  });
});

describe('variants', () => {
  it('variant 0 is the documented response whatever the seed', () => {
    const a = createReactorModel({ seed: 1 });
    const b = createReactorModel({ seed: 2 });
    const c = a.space.fromCube([0.3, 0.6, 0.2, 0.9, 0.1, 0.4, 0.7]);
    expect(a.truth(c)).toEqual(b.truth(c));
  });

  it('different seeds give different optima', () => {
    const optima = [1, 2, 3, 4].map((seed) => createReactorModel({ seed, variant: 1 }).optimum());
    for (let i = 0; i < optima.length; i++) {
      for (let j = i + 1; j < optima.length; j++) {
        const d = Math.hypot(...optima[i]!.cube.map((x, k) => x - optima[j]!.cube[k]!));
        expect(d).toBeGreaterThan(0.1);
      }
    }
    expect(createReactorModel({ seed: 1, variant: 1 }).optimum().cube).toEqual(optima[0]!.cube);
  });

  it('accepts explicit parameter overrides', () => {
    const cold = createReactorModel({ variant: { optimumTemperatureC: 130 } });
    expect(cold.variant).toBe('custom');
    expect(cold.optimum().condition.temperatureC).toBeLessThan(136);
  });
});

describe('maximizeOnCube', () => {
  it('finds the maximum of a smooth function with an interior peak and one on a bound', () => {
    const peak = [0.2, 0.9, 1];
    const f = (u: readonly number[]) => -u.reduce((s, x, i) => s + (x - peak[i]!) ** 2, 0) + (u[2]! > 1 ? -1 : 0);
    const r = maximizeOnCube(f, 3, { points: 2_000 });
    r.cube.forEach((x, i) => expect(x).toBeCloseTo(peak[i]!, 5));
    expect(r.value).toBeCloseTo(0, 9);
  });
});
