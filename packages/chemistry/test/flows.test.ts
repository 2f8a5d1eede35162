import { describe, expect, it } from 'vitest';
import { createConditionSpace, planFlows, type Condition } from '../src/index';

// Tubing whose cross-section is exactly 1 mm^2, so a segment's volume in uL equals its length in mm.
const unitAreaId = 2 / Math.sqrt(Math.PI);
const space = createConditionSpace({
  minTotalFlowUlMin: 500,
  segments: [
    { name: 'cuI-line', innerDiameterMm: unitAreaId, lengthMm: 100, carries: 'cuIStream', reaction: false },
    { name: 'reactor', innerDiameterMm: unitAreaId, lengthMm: 800, carries: 'segmented', reaction: true },
    { name: 'outlet', innerDiameterMm: unitAreaId, lengthMm: 200, carries: 'segmented', reaction: false },
  ],
});

// CuI stream 400 uL/min: 25 % CuI, 15 % OA, 10 % OAm, 50 % ODE; Cs stream 30 % Cs-oleate, 20 % OA.
const condition: Condition = {
  temperatureC: 140,
  cuIUlMin: 100,
  oaCuIUlMin: 60,
  oAmUlMin: 40,
  odeCuIUlMin: 200,
  csOleateUlMin: 120,
  oaCsUlMin: 80,
};

describe('planFlows, hand-computed example', () => {
  const result = planFlows(condition, space);
  if (!result.ok) throw new Error(JSON.stringify(result.violations));
  const { plan } = result;

  it('sets the Cs-stream ODE for a 1:1 injection ratio and PFO to the total precursor flow', () => {
    expect(plan.ratesUlMin).toEqual({ cuI: 100, oaCuI: 60, oAm: 40, odeCuI: 200, csOleate: 120, oaCs: 80, odeCs: 200, pfo: 800 });
    expect(plan.streams).toEqual({ cuIUlMin: 400, csUlMin: 400, precursorUlMin: 800, pfoUlMin: 800, segmentedUlMin: 1600 });
  });

  it('computes residence time, reaction time and t_E from the tubing', () => {
    // CuI line 100 uL at 400 uL/min = 15 s; reactor 800 uL at 1600 uL/min = 30 s; outlet 200 uL = 7.5 s.
    expect(plan.reactionTimeS).toBeCloseTo(30, 9);
    expect(plan.residenceTimeS).toBeCloseTo(52.5, 9);
    expect(plan.equilibrationS).toBeCloseTo(63, 9);
    expect(plan.durationS).toBeCloseTo(83, 9);
  });

  it('computes the volume each syringe delivers over t_E plus acquisition', () => {
    expect(plan.volumesUl.cuI).toBeCloseTo((100 * 83) / 60, 9);
    expect(plan.volumesUl.pfo).toBeCloseTo((800 * 83) / 60, 9);
  });

  it('quantizes rates to the pump resolution and keeps both rules exact in steps', () => {
    const r = planFlows({ ...condition, cuIUlMin: 100.004, csOleateUlMin: 119.996 }, space);
    expect(r.ok).toBe(true);
    const steps = (x: number) => Math.round(x / 0.01);
    const rates = r.plan!.ratesUlMin;
    expect(steps(rates.cuI)).toBe(10_000);
    expect(steps(rates.csOleate)).toBe(12_000);
    expect(steps(rates.pfo)).toBe(2 * (steps(rates.cuI) + steps(rates.oaCuI) + steps(rates.oAm) + steps(rates.odeCuI)));
  });
});

describe('planFlows refusals', () => {
  it('refuses a Cs stream larger than the CuI stream, explaining the 1:1 rule', () => {
    const r = planFlows({ ...condition, csOleateUlMin: 300, oaCsUlMin: 200 }, space);
    expect(r.ok).toBe(false);
    const codes = r.ok ? [] : r.violations.map((v) => v.code);
    expect(codes).toContain('CS_STREAM_OVERFLOW');
    expect(r.ok ? '' : r.violations.find((v) => v.code === 'CS_STREAM_OVERFLOW')!.message).toMatch(/1:1/);
  });

  it('refuses rates outside the pump limits', () => {
    const tight = createConditionSpace({ pumps: { ...space.config.pumps, pfo: { ...space.config.pumps.pfo, maxRateUlMin: 500 } } });
    const r = planFlows(tight.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), tight);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.violations.map((v) => `${v.code}:${v.field}`)).toContain('PUMP_MAX_RATE:pfo');
  });

  it('refuses to start when a syringe holds less than the experiment needs plus the margin', () => {
    const r = planFlows(condition, space, { contentsUl: { cuI: 1_100, pfo: 50_000 } });
    expect(r.ok).toBe(false);
    const v = r.ok ? undefined : r.violations.find((x) => x.code === 'INSUFFICIENT_REAGENT');
    expect(v?.field).toBe('cuI');
    expect(v?.message).toMatch(/refill/);
    expect(planFlows(condition, space, { contentsUl: { cuI: 1_200 } }).ok).toBe(true);
  });

  it('returns no plan for non-numeric input instead of throwing', () => {
    const r = planFlows({ ...condition, cuIUlMin: Number.NaN }, space);
    expect(r).toMatchObject({ ok: false, plan: null });
  });
});
