import { randomUUID } from 'node:crypto';
import { createConditionSpace } from '@sdfl/chemistry';
import { type BodyInput, encodeMessage } from '@sdfl/protocol';
import { describe, expect, it } from 'vitest';
import { describeResult } from '../../src/sim/demo';

const space = createConditionSpace();
const condition = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
const features = { abs300: 0.5, plPeakNm: 445, plIntensity: 1_000, plArea: 5_000, fwhmNm: 50, sidePeak380: 0, sidePeak600: 0, flags: [] };
const done: BodyInput<'result'> = {
  experimentId: 'lhs-1',
  attempt: 1,
  condition,
  status: 'done',
  flowPlan: { ratesUlMin: {}, residenceTimeS: 59.2, reactionTimeS: 40, equilibrationS: 71 },
  features,
  spectra: { absorbance: { wavelengthNm: [300], values: [0.5] }, pl: { wavelengthNm: [445], values: [1_000] } },
  timings: {
    startedAt: '2026-01-01T00:00:00.000Z',
    steadyAt: '2026-01-01T00:02:00.000Z',
    acquiredAt: '2026-01-01T00:02:01.000Z',
    finishedAt: '2026-01-01T00:02:02.000Z',
    durations: { heatingS: 48.6, equilibrationS: 71, acquisitionS: 1, totalS: 122 },
  },
  warnings: [],
};
const message = (body: BodyInput<'result'>) => encodeMessage('result', body, { id: randomUUID(), ts: new Date().toISOString(), seq: 0, session: 1 }).message;

describe('describeResult (the --sim --demo printer)', () => {
  it('prints the measured steady-state values, labelled as measured', () => {
    const steadyState = {
      flowStartedAt: '2026-01-01T00:00:48.600Z',
      steadyAt: '2026-01-01T00:02:00.000Z',
      waitedS: 71.4,
      plannedEquilibrationS: 71,
      windowS: 30,
      plateTemperature: { samples: 31, minC: 129.75, maxC: 130.25, driftC: -0.25, setpointC: 130 },
    };
    const text = describeResult(message({ ...done, steadyState }));
    expect(text).toContain('steady state (measured): acquired 71.4 s after the flow started (planned t_E = 1.2 x tau = 71.0 s');
    expect(text).toContain('plate 129.75-130.25 C, drift -0.25 C over the last 30 s (31 readings)');
  });

  it('says so when the edge sent no measurement, instead of passing the plan off as one', () => {
    const text = describeResult(message(done));
    expect(text).toContain('steady state: not measured by this edge (planned t_E = 1.2 x tau = 71.0 s)');
    expect(text).not.toContain('measured):');
  });
});
