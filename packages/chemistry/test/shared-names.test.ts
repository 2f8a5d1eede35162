import {
  CONDITION_KEYS as WIRE_CONDITION_KEYS,
  conditionSchema,
  FEATURE_FLAGS,
  FEATURE_NAMES,
  featuresSchema,
  PUMP_IDS as WIRE_PUMP_IDS,
  type ConditionKey,
  type FeatureFlag as WireFeatureFlag,
  type FeatureName,
  type PumpId as WirePumpId,
} from '@sdfl/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  computeFeatures,
  CONDITION_KEYS,
  createConditionSpace,
  defaultChemistryConfig,
  planFlows,
  PUMP_IDS,
  PUMP_LABELS,
  type Condition,
  type FeatureFlag,
  type Features,
  type PumpId,
} from '../src/index';
import { absorptionSpectra, bandEdge, lamp, plSpectra, STE } from './features-fixtures';

const sorted = (keys: Iterable<string>) => [...keys].sort();

// The protocol owns every shared name; chemistry uses them. These tests fail when the two drift:
// what chemistry *produces* (conditions, flow plans, features) must carry exactly the wire's names.
describe('names shared with @sdfl/protocol', () => {
  it('pump ids are the protocol list, and every per-pump table of chemistry is keyed by it', () => {
    expect(PUMP_IDS).toBe(WIRE_PUMP_IDS);
    expectTypeOf<PumpId>().toEqualTypeOf<WirePumpId>();
    expect(sorted(Object.keys(PUMP_LABELS))).toEqual(sorted(WIRE_PUMP_IDS));
    expect(sorted(Object.keys(defaultChemistryConfig.pumps))).toEqual(sorted(WIRE_PUMP_IDS));
    const space = createConditionSpace();
    const plan = planFlows(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), space);
    expect(plan.ok).toBe(true);
    if (plan.ok) {
      expect(sorted(Object.keys(plan.plan.ratesUlMin))).toEqual(sorted(WIRE_PUMP_IDS));
      expect(sorted(Object.keys(plan.plan.volumesUl))).toEqual(sorted(WIRE_PUMP_IDS));
    }
  });

  it("condition keys are the protocol's, in its order, and the condition space encodes exactly them", () => {
    expect(CONDITION_KEYS).toBe(WIRE_CONDITION_KEYS);
    expectTypeOf<keyof Condition>().toEqualTypeOf<ConditionKey>();
    const space = createConditionSpace();
    for (const u of [[0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1], [0.3, 0.7, 0.1, 0.9, 0.5, 0.2, 0.6]]) {
      const c = space.fromCube(u);
      expect(sorted(Object.keys(c))).toEqual(sorted(WIRE_CONDITION_KEYS));
      expect(conditionSchema.parse(c)).toEqual(c); // nothing stripped, nothing missing
    }
    expect(sorted(Object.keys(conditionSchema.shape))).toEqual(sorted(WIRE_CONDITION_KEYS));
  });

  it("computed features carry exactly the protocol's feature names and flags", () => {
    expectTypeOf<Exclude<keyof Features, 'flags'>>().toEqualTypeOf<FeatureName>();
    expectTypeOf<FeatureFlag>().toEqualTypeOf<WireFeatureFlag>();
    const f = computeFeatures({ absorption: absorptionSpectra(bandEdge, lamp, { seed: 1 }), pl: plSpectra([STE], { seed: 1 }) });
    expect(sorted(Object.keys(f).filter((k) => k !== 'flags'))).toEqual(sorted(FEATURE_NAMES));
    expect(sorted(Object.keys(featuresSchema.shape).filter((k) => k !== 'flags'))).toEqual(sorted(FEATURE_NAMES));
    expect(featuresSchema.parse(f)).toEqual(f);
    const saturated = computeFeatures({
      absorption: absorptionSpectra(bandEdge, lamp, { seed: 1 }),
      pl: plSpectra([{ ...STE, height: 1e6 }], { seed: 1 }),
    });
    expect(saturated.flags.length).toBeGreaterThan(0);
    for (const flag of saturated.flags) expect(FEATURE_FLAGS).toContain(flag);
  });
});
