import { describe, expect, it } from 'vitest';
import { createStudy, restoreStudy } from '../src/index';

const space = { dim: 2, fromCube: (u: readonly number[]) => [...u], quantizeCube: (u: readonly number[]) => u.map((x) => Math.round(x * 100) / 100) };
const make = () => createStudy({ space, objective: { feature: 'y', direction: 'maximize' }, schedule: [{ policy: 'lhs', count: 4 }], seed: 3 });

describe('abandon and edit (a person rejected or changed a suggestion)', () => {
  it('abandon returns the slot but never proposes the point again, also after a restore', async () => {
    const study = make();
    const [first] = await study.ask(1);
    expect(study.abandon(first!.id)).toBe(true);
    expect(study.abandon(first!.id)).toBe(false);
    expect(study.progress().issued).toBe(0);
    const restored = restoreStudy(study.state(), { space });
    const next = await restored.ask(4);
    expect(next).toHaveLength(4);
    for (const s of next) expect(s.cube).not.toEqual(first!.cube);
  });

  it('cancel, by contrast, gives the same point back', async () => {
    const study = make();
    const [first] = await study.ask(1);
    study.cancel(first!.id);
    const [again] = await study.ask(1);
    expect(again!.cube).toEqual(first!.cube);
  });

  it('edit moves a pending suggestion; its result is recorded at the new point', async () => {
    const study = make();
    const [s] = await study.ask(1);
    expect(study.edit(s!.id, [0.123, 0.456])).toBe(true);
    expect(() => study.edit(s!.id, [2, 0])).toThrow(/\[0, 1\]/);
    const obs = study.tell(s!.id, 5);
    expect(obs.cube).toEqual([0.12, 0.46]);
    expect(study.edit('nope', [0, 0])).toBe(false);
  });
});
