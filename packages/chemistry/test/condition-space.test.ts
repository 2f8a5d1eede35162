import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChemistryError, createConditionSpace, defaultChemistryConfig, parseChemistryConfig, planFlows, PUMP_IDS } from '../src/index';

const space = createConditionSpace();
const cube = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 });

describe('ConditionSpace encoding', () => {
  it('maps the cube corners to the configured bounds', () => {
    const low = space.axes(space.fromCube([0, 0, 0, 0, 0, 0, 0]));
    const high = space.axes(space.fromCube([1, 1, 1, 1, 1, 1, 1]));
    space.dimensions.forEach((d, i) => {
      expect(low[i]).toBeCloseTo(d.min, 9);
      expect(high[i]).toBeCloseTo(d.max, 9);
    });
  });

  it('round-trips cube -> condition -> cube', () => {
    fc.assert(
      fc.property(cube, (u) => {
        const back = space.toCube(space.fromCube(u));
        back.forEach((x, i) => expect(x).toBeCloseTo(u[i]!, 9));
      }),
      { numRuns: 2_000 },
    );
  });

  it('makes every cube point a valid condition with a flow plan inside pump limits', () => {
    fc.assert(
      fc.property(cube, (u) => {
        const c = space.fromCube(u);
        expect(space.validate(c)).toEqual([]);
        const r = planFlows(c, space);
        if (!r.ok) throw new Error(r.violations.map((v) => v.message).join('; '));
        for (const id of PUMP_IDS) {
          const { minRateUlMin, maxRateUlMin } = space.config.pumps[id];
          expect(r.plan.ratesUlMin[id]).toBeGreaterThanOrEqual(minRateUlMin);
          expect(r.plan.ratesUlMin[id]).toBeLessThanOrEqual(maxRateUlMin);
        }
        expect(r.plan.streams.precursorUlMin).toBeGreaterThanOrEqual(space.config.minTotalFlowUlMin);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps the 1:1 and PFO rules exact (in pump resolution steps) at every cube point', () => {
    const step = (x: number) => Math.round(x / space.config.resolution.rateUlMin);
    fc.assert(
      fc.property(cube, (u) => {
        const r = planFlows(space.fromCube(u), space);
        const rate = r.plan!.ratesUlMin;
        const cuI = step(rate.cuI) + step(rate.oaCuI) + step(rate.oAm) + step(rate.odeCuI);
        const cs = step(rate.csOleate) + step(rate.oaCs) + step(rate.odeCs);
        expect(cs).toBe(cuI);
        expect(step(rate.pfo)).toBe(cuI + cs);
      }),
      { numRuns: 2_000 },
    );
  });

  it('quantized points stay valid, even on the bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 0.5, 1e-9, 1 - 1e-9), { minLength: 7, maxLength: 7 }), (u) => {
        expect(space.validate(space.quantize(space.fromCube(u)))).toEqual([]);
        const q = space.quantizeCube(u);
        space.quantizeCube(q).forEach((x, i) => expect(x).toBeCloseTo(q[i]!, 12));
      }),
    );
  });

  it('residence time falls monotonically as the total flow rises', () => {
    fc.assert(
      fc.property(cube, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (u, a, b) => {
        fc.pre(Math.abs(a - b) > 1e-3); // closer points may quantize to the same pump rates
        // Cube axis 1 is reaction time: higher coordinate = slower flow.
        const plan = (t: number) => planFlows(space.fromCube([u[0]!, t, ...u.slice(2)]), space).plan!;
        const [slow, fast] = a > b ? [plan(a), plan(b)] : [plan(b), plan(a)];
        expect(fast.streams.precursorUlMin).toBeGreaterThan(slow.streams.precursorUlMin);
        expect(fast.residenceTimeS).toBeLessThan(slow.residenceTimeS);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the paper operating window with the default geometry', () => {
    const fastest = planFlows(space.fromCube([0.5, 0, 0.5, 0.5, 0.5, 0.5, 0.5]), space).plan!;
    const slowest = planFlows(space.fromCube([0.5, 1, 0.5, 0.5, 0.5, 0.5, 0.5]), space).plan!;
    expect(fastest.reactionTimeS).toBeCloseTo(25, 2);
    expect(slowest.reactionTimeS).toBeCloseTo(42, 2);
    expect(slowest.streams.precursorUlMin).toBeGreaterThan(600);
    // About 1 mL of precursors per condition (docs/science.md §4).
    const precursorUl = (p: typeof slowest) => (p.streams.precursorUlMin * p.durationS) / 60;
    expect(precursorUl(slowest)).toBeGreaterThan(800);
    expect(precursorUl(fastest)).toBeLessThan(1_500);
  });

  it('rejects cube points of the wrong size or outside [0,1]', () => {
    expect(() => space.fromCube([0.5, 0.5])).toThrow(ChemistryError);
    expect(() => space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.5])).toThrow(/\[0, 1\]/);
    expect(() => space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, Number.NaN])).toThrow(ChemistryError);
  });
});

describe('validate', () => {
  const ok = space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);

  it('lists every violated rule with a message a chemist understands', () => {
    const bad = { ...ok, temperatureC: 200, oAmUlMin: 300, csOleateUlMin: 2_000 };
    const violations = space.validate(bad);
    const codes = violations.map((v) => v.code);
    expect(codes).toEqual(expect.arrayContaining(['TEMPERATURE_RANGE', 'FRACTION_RANGE', 'CS_STREAM_OVERFLOW']));
    expect(violations.find((v) => v.code === 'TEMPERATURE_RANGE')!.message).toMatch(/200\.0 C is outside the validated 100-170 C/);
    expect(violations.find((v) => v.field === 'oAmUlMin')!.message).toMatch(/OAm-ODE is .* % of the CuI stream/);
  });

  it('flags reaction times outside the window and mixing-limited flow', () => {
    const scale = (k: number) => Object.fromEntries(Object.entries(ok).map(([key, v]) => [key, key === 'temperatureC' ? v : v * k]));
    const slow = space.validate(scale(0.5) as typeof ok).map((v) => v.code);
    expect(slow).toEqual(expect.arrayContaining(['REACTION_TIME_RANGE', 'MIXING_LIMITED']));
    expect(space.validate(scale(2) as typeof ok).map((v) => v.code)).toEqual(['REACTION_TIME_RANGE']);
  });

  it('reports negative and non-numeric flows without throwing', () => {
    expect(space.validate({ ...ok, cuIUlMin: -1 }).map((v) => v.code)).toEqual(['NEGATIVE_FLOW']);
    expect(space.validate({ ...ok, oaCsUlMin: Number.POSITIVE_INFINITY })[0]!.code).toBe('NOT_A_NUMBER');
    expect(space.validate({ ...ok, cuIUlMin: 0, oaCuIUlMin: 0, oAmUlMin: 0, odeCuIUlMin: 0 }).map((v) => v.code)).toContain('NO_FLOW');
  });
});

describe('config', () => {
  it('has documented defaults', () => {
    expect(defaultChemistryConfig.reactionTimeS).toEqual({ min: 25, max: 42 });
    expect(defaultChemistryConfig.equilibrationFactor).toBe(1.2);
    expect(defaultChemistryConfig.minTotalFlowUlMin).toBe(600);
  });

  it('lists every problem of a bad config', () => {
    let error: unknown;
    try {
      parseChemistryConfig({ temperatureC: { min: 150, max: 120 }, cuIStream: { cuI: { min: 0.1, max: 0.9 }, oaCuI: { min: 0.05, max: 0.2 }, oAm: { min: 0.02, max: 0.2 } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChemistryError);
    expect((error as ChemistryError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toMatch(/temperatureC: min must be below max/);
  });

  it('refuses fraction bounds that leave no solvent remainder', () => {
    expect(() =>
      parseChemistryConfig({ csStream: { csOleate: { min: 0.1, max: 0.7 }, oaCs: { min: 0.05, max: 0.3 } } }),
    ).toThrow(/csStream: upper fractions/);
  });
});
