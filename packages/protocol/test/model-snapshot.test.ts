import { describe, expect, it } from 'vitest';
import { commandBodySchema, FEATURE_NAMES, modelSnapshotBodySchema, type ModelSnapshotBodyInput } from '../src/index';

const snapshot: ModelSnapshotBodyInput = {
  model: { format: 'sdfl-enn/1', members: [[0.1, 0.2]], scaler: { mean: [0], std: [1] } },
  objective: { feature: 'plIntensity' },
  campaignId: 'camp-7',
};

describe('modelSnapshotBodySchema', () => {
  it('fills the documented defaults and keeps the model JSON untouched', () => {
    const parsed = modelSnapshotBodySchema.parse(snapshot);
    expect(parsed).toEqual({ ...snapshot, objective: { feature: 'plIntensity', direction: 'maximize' }, policy: 'ucb', kappa: 2 });
  });

  it('accepts every feature name as an objective and nothing else', () => {
    for (const feature of FEATURE_NAMES) expect(modelSnapshotBodySchema.safeParse({ ...snapshot, objective: { feature } }).success).toBe(true);
    const bad = modelSnapshotBodySchema.safeParse({ ...snapshot, objective: { feature: 'plqy' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['objective.feature']);
  });

  it('names each broken field: a model without format, an unknown policy, a non-positive kappa', () => {
    const r = modelSnapshotBodySchema.safeParse({ model: {}, objective: { feature: 'abs300', direction: 'up' }, policy: 'thompson', kappa: 0 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['kappa', 'model.format', 'objective.direction', 'policy']);
  });

  it('is what a modelSnapshot command carries: the command stays valid with any JSON snapshot', () => {
    const cmd = commandBodySchema.parse({ type: 'modelSnapshot', version: 'camp-7@3', snapshot });
    expect(cmd.type === 'modelSnapshot' && modelSnapshotBodySchema.parse(cmd.snapshot).campaignId).toBe('camp-7');
    // A snapshot this schema rejects still decodes as a command, so the edge can ack it with a reason.
    expect(commandBodySchema.safeParse({ type: 'modelSnapshot', version: 'v0', snapshot: { model: {} } }).success).toBe(true);
  });
});
