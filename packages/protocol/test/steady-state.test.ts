import { describe, expect, it } from 'vitest';
import { decode, encode, resultBodySchema, steadyStateSchema, topics, type BodyInput } from '../src/index';
import { envelope, sample } from './fixtures';

const evidence = {
  flowStartedAt: '2025-01-31T12:01:36.000Z',
  steadyAt: '2025-01-31T12:04:00.000Z',
  waitedS: 144,
  plannedEquilibrationS: 144,
  windowS: 30,
  plateTemperature: { samples: 31, minC: 129.5, maxC: 130.25, driftC: -0.25, setpointC: 130 },
};

describe('result.steadyState (measured steady-state evidence)', () => {
  const done = sample('result done').body as Extract<BodyInput<'result'>, { status: 'done' }>;
  const failed = sample('result failed').body as Extract<BodyInput<'result'>, { status: 'failed' | 'aborted' }>;

  it('rides on done and failed results and survives the wire unchanged', () => {
    const bodies: BodyInput<'result'>[] = [
      { ...done, steadyState: evidence },
      { ...failed, steadyState: evidence },
    ];
    for (const body of bodies) {
      const r = decode(topics('rig-1').result, encode('result', body, envelope));
      expect(r.ok).toBe(true);
      if (r.ok) expect((r.message.body as { steadyState?: unknown }).steadyState).toEqual(evidence);
    }
  });

  it('is optional, and so is the plate reading inside it', () => {
    expect(resultBodySchema.safeParse(done).success).toBe(true);
    const { plateTemperature: _, ...withoutPlate } = evidence;
    expect(steadyStateSchema.safeParse(withoutPlate).success).toBe(true);
  });

  it('rejects evidence that is not a measurement: negative durations, bad instants, fractional sample counts', () => {
    const issues = (patch: object) => {
      const r = resultBodySchema.safeParse({ ...done, steadyState: { ...evidence, ...patch } });
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({ waitedS: -1 })).toEqual(['steadyState.waitedS']);
    expect(issues({ steadyAt: 'yesterday' })).toEqual(['steadyState.steadyAt']);
    expect(issues({ plateTemperature: { ...evidence.plateTemperature, samples: 2.5 } })).toEqual(['steadyState.plateTemperature.samples']);
    expect(issues({ windowS: undefined })).toEqual(['steadyState.windowS']);
  });
});
