/** The study with the real ENN surrogate: restore must continue identically. */
import { describe, expect, it } from 'vitest';
import { createStudy, restoreStudy, type StudyState } from '../src/study';
import { cubeSpace } from './helpers/kernel-ensemble';

const f = (u: readonly number[]) => Math.sin(3 * u[0]!) + u[1]! * u[2]!;

describe('study with the ENN surrogate', () => {
  it('restore (from the JSON snapshot, or by refitting) gives the same next suggestion', async () => {
    const study = createStudy({
      space: cubeSpace(3),
      objective: { feature: 'y', direction: 'maximize' },
      schedule: [
        { policy: 'lhs', count: 6 },
        { policy: 'ei', count: 3, params: { candidates: 1024 } },
      ],
      seed: 8,
      surrogate: 'enn',
    });
    for (const s of await study.ask(6)) study.tell(s.id, f(s.cube));
    const [first] = await study.ask();
    expect(first!.modelVersion).toBe(1);
    study.tell(first!.id, f(first!.cube));
    const [pending] = await study.ask(); // fits model 2 and leaves one experiment pending
    const saved = JSON.parse(JSON.stringify(study.state())) as StudyState;
    expect((saved.model?.snapshot as { format?: string }).format).toBe('sdfl-enn/1');

    const [next] = await study.ask(); // refit with the pending point as a fantasy
    const fromSnapshot = restoreStudy(saved, { space: cubeSpace(3) });
    expect(fromSnapshot.pending().map((p) => p.id)).toEqual([pending!.id]);
    expect((await fromSnapshot.ask())[0]).toEqual(next);
    const refit = restoreStudy({ ...saved, model: saved.model && { ...saved.model, snapshot: null } }, { space: cubeSpace(3) });
    expect((await refit.ask())[0]).toEqual(next);
  }, 120_000);
});
