import { createConditionSpace, defaultSegments } from '@sdfl/chemistry';
import { describe, expect, it } from 'vitest';
import { createReactorModel, haltonPoint, type ReactorFeatures } from '../src/index';

// Trends of docs/science.md §6 (paper Figs 4, 5, S7 and 7A) asserted on the default variant's truth().
const model = createReactorModel();
const space = model.space;
const AXIS = { T: 0, tR: 1, cuI: 2, oaCuI: 3, oAm: 4, cs: 5, oaCs: 6 } as const;
const CENTER = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
const truthAt = (u: readonly number[]) => model.truth(space.fromCube(u));
const optimum = model.optimum();

/** Features along one axis through `base`, at `n` + 1 evenly spaced cube values. */
function sweep(base: readonly number[], axis: number, n = 20): ReactorFeatures[] {
  return Array.from({ length: n + 1 }, (_, i) => truthAt(base.map((x, d) => (d === axis ? i / n : x))));
}
const pick = (fs: ReactorFeatures[], key: keyof ReactorFeatures) => fs.map((f) => f[key]);
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);
const decreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x < xs[i - 1]!);
const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
const atTemperature = (base: readonly number[], t: number) => base.map((x, d) => (d === AXIS.T ? (t - 100) / 70 : x));

describe.each([
  ['the reference condition (cube centre)', CENTER],
  ['the optimum', optimum.cube],
])('trends through %s', (_, base) => {
  it('PL_I and Abs300 rise with [CuI] (PL_I until the aggregation penalty near the top)', () => {
    const s = sweep(base, AXIS.cuI);
    expect(increasing(pick(s, 'plIntensity').slice(0, 16))).toBe(true);
    expect(increasing(pick(s, 'abs300'))).toBe(true);
  });

  it('PL_I rises with temperature up to ~150 C and falls above', () => {
    const ts = Array.from({ length: 71 }, (_, i) => 100 + i);
    const pl = ts.map((t) => truthAt(atTemperature(base, t)).plIntensity);
    const peak = ts[argmax(pl)]!;
    expect(peak).toBeGreaterThanOrEqual(145);
    expect(peak).toBeLessThanOrEqual(155);
    expect(increasing(pl.slice(0, 45))).toBe(true);
    expect(decreasing(pl.slice(56))).toBe(true);
    // Above 150 C PL drops below that of lower temperatures (Fig 5F).
    expect(pl[70]!).toBeLessThan(pl[30]!);
  });

  it.each([
    ['CuI stream', AXIS.oaCuI],
    ['Cs stream', AXIS.oaCs],
  ])('OA of the %s: interior PL_I optimum, rising yield', (_, axis) => {
    const s = sweep(base, axis);
    const pl = pick(s, 'plIntensity');
    const i = argmax(pl);
    expect(i).toBeGreaterThan(0);
    expect(i).toBeLessThan(20);
    expect(pl[i]!).toBeGreaterThan(1.03 * Math.max(pl[0]!, pl[20]!));
    expect(increasing(pick(s, 'abs300'))).toBe(true);
  });

  it('OAm raises yield but lowers PL_I', () => {
    const s = sweep(base, AXIS.oAm);
    expect(increasing(pick(s, 'abs300'))).toBe(true);
    const pl = pick(s, 'plIntensity');
    expect(decreasing(pl.slice(6))).toBe(true);
    expect(pl[20]!).toBeLessThan(0.8 * Math.max(...pl));
  });

  it('Cs-oleate: weak, non-monotonic PL_I and yield; the 380 nm side peak grows with it', () => {
    const s = sweep(base, AXIS.cs);
    for (const key of ['plIntensity', 'abs300'] as const) {
      const xs = pick(s, key);
      expect((Math.max(...xs) - Math.min(...xs)) / Math.max(...xs)).toBeLessThan(0.12);
      expect(increasing(xs) || decreasing(xs)).toBe(false);
    }
    expect(increasing(pick(s, 'sidePeak380'))).toBe(true);
  });

  it('reaction time: PL_I slightly lower above ~28 s, yield about the same', () => {
    const s = sweep(base, AXIS.tR, 17); // 1 s steps, 25..42 s
    const pl = pick(s, 'plIntensity');
    const best = argmax(pl);
    expect(best).toBeGreaterThanOrEqual(1);
    expect(best).toBeLessThanOrEqual(6);
    expect(decreasing(pl.slice(best))).toBe(true);
    expect(pl[17]! / pl[best]!).toBeGreaterThan(0.75);
    expect(pl[17]! / pl[best]!).toBeLessThan(0.95);
    const abs = pick(s, 'abs300');
    expect(Math.max(...abs) / Math.min(...abs)).toBeLessThan(1.03);
  });

  it('a ~600 nm side population appears below 120 C only', () => {
    const ratio = (t: number) => {
      const f = truthAt(atTemperature(base, t));
      return f.sidePeak600 / f.plIntensity;
    };
    expect(ratio(110)).toBeGreaterThan(0.1);
    expect(ratio(130)).toBeLessThan(0.01);
    expect(ratio(150)).toBeLessThan(0.001);
    expect(decreasing([100, 105, 110, 115, 120, 130, 150].map(ratio))).toBe(true);
  });
});

describe('spectral invariants', () => {
  const points = Array.from({ length: 40 }, (_, i) => haltonPoint(i, 7, 5));
  it('keeps the STE peak at 450 nm with an 80-90 nm FWHM whatever the inputs', () => {
    for (const u of points) {
      const f = truthAt(u);
      expect(f.plPeakNm).toBe(450);
      expect(f.fwhmNm).toBeGreaterThanOrEqual(80);
      expect(f.fwhmNm).toBeLessThanOrEqual(90);
      expect(f.plArea).toBeCloseTo(f.plIntensity * f.fwhmNm * Math.sqrt(Math.PI / (4 * Math.LN2)), 9);
    }
  });

  it('gives ~1 at the reference condition (cube centre)', () => {
    expect(truthAt(CENTER).plIntensity).toBeGreaterThan(0.9);
    expect(truthAt(CENTER).plIntensity).toBeLessThan(1.1);
  });
});

describe('mixing limitation (Fig 4A-B: same reaction time, varied total flow)', () => {
  // Like the paper, keep t_R by changing the reactor length with the flow.
  const plAtFlow = (scale: number) => {
    const segments = defaultSegments.map((s) => (s.reaction ? { ...s, lengthMm: s.lengthMm * scale } : s));
    const scaled = createReactorModel({ space: createConditionSpace({ segments }) });
    const c = scaled.space.fromCube(CENTER);
    const x = scaled.inputs(c);
    expect(x.reactionTimeS).toBeCloseTo(33.5, 6);
    return { flow: x.precursorUlMin, pl: scaled.truth(c).plIntensity, abs: scaled.truth(c).abs300 };
  };
  it('lowers output below 600 uL/min and plateaus above', () => {
    const runs = [0.25, 0.4, 0.55, 0.7, 0.8, 1, 1.3].map(plAtFlow);
    expect(runs[0]!.flow).toBeLessThan(250);
    const below = runs.filter((r) => r.flow < 600);
    const above = runs.filter((r) => r.flow >= 600);
    expect(below.length).toBeGreaterThanOrEqual(3);
    expect(increasing(below.map((r) => r.pl))).toBe(true);
    expect(increasing(below.map((r) => r.abs))).toBe(true);
    const top = above.map((r) => r.pl);
    expect(Math.min(...top) / Math.max(...top)).toBeGreaterThan(0.995);
    expect(runs[0]!.pl).toBeLessThan(0.5 * top[0]!);
  });

  it('accepts conditions outside the default space (half the flow: t_R 67 s, 388 uL/min)', () => {
    const c = space.fromCube(CENTER);
    const half = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, k === 'temperatureC' ? v : v / 2])) as typeof c;
    expect(space.validate(half).length).toBeGreaterThan(0);
    expect(model.truth(half).plIntensity).toBeLessThan(0.7 * model.truth(c).plIntensity);
  });
});
