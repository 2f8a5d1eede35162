/** The study on the GP (the default `auto` at these sizes): restore, snapshots and the recorded kind. */
import { describe, expect, it } from 'vitest';
import { Gp } from '../src/gp/gp';
import { createStudy, loadSurrogate, restoreStudy, snapshotPurpose, type StudyState } from '../src/study';
import { GP_PRIOR_CURVATURE } from '../src/study/default-surrogate';
import { cubeSpace } from './helpers/kernel-ensemble';

const f = (u: readonly number[]) => Math.sin(3 * u[0]!) + u[1]! * u[2]!;

const options = (surrogate?: 'gp' | 'auto') => ({
  space: cubeSpace(3),
  objective: { feature: 'y', direction: 'maximize' as const },
  schedule: [
    { policy: 'lhs' as const, count: 6 },
    { policy: 'ei' as const, count: 4, params: { candidates: 1024 } },
  ],
  seed: 8,
  ...(surrogate ? { surrogate } : {}),
});

describe('study with the GP surrogate', () => {
  it.each([
    ['warm-started fits (the default)', undefined],
    ['fits from scratch', false],
  ] as const)('records the kind; restore gives the same next suggestion, with %s', async (_, warmStart) => {
    const study = createStudy({ ...options(), ...(warmStart === undefined ? {} : { warmStart }) });
    expect(study.state().options.surrogate).toBe('auto');
    expect(study.state().options.warmStart).toBe(warmStart ?? true);
    for (const s of await study.ask(6)) study.tell(s.id, f(s.cube));
    const [first] = await study.ask();
    study.tell(first!.id, f(first!.cube));
    const [pending] = await study.ask(); // fits model 2 and leaves one experiment pending
    const saved = JSON.parse(JSON.stringify(study.state())) as StudyState;
    expect((saved.model?.snapshot as { format?: string }).format).toBe('sdfl-gp/2');
    expect(await study.model()).toBeInstanceOf(Gp);

    const [next] = await study.ask(); // the pending point conditions the GP as a fantasy
    expect(next!.modelVersion).toBe(2);
    const fromSnapshot = restoreStudy(saved, { space: cubeSpace(3) });
    expect(fromSnapshot.pending().map((p) => p.id)).toEqual([pending!.id]);
    expect((await fromSnapshot.ask())[0]).toEqual(next);
    // Without the snapshot the model is refitted: the same model only when fits do not depend on the previous one.
    const refit = restoreStudy({ ...saved, model: saved.model && { ...saved.model, snapshot: null } }, { space: cubeSpace(3) });
    if (warmStart === false) expect((await refit.ask())[0]).toEqual(next);
    else expect((await refit.ask())[0]!.modelVersion).toBe(2);
  });

  it('a study restored after any tell chooses what the live one chooses, through new fits', async () => {
    // A cloud restarted mid-campaign restores from the stored state and must fit and pick exactly as before.
    const wavy = (u: readonly number[]) => Math.sin(9 * u[0]!) * Math.cos(7 * u[1]!) + 0.3 * Math.sin(11 * u[2]!);
    const live = createStudy({ ...options('gp'), schedule: [{ policy: 'lhs' as const, count: 6 }, { policy: 'ei' as const, count: 8, params: { candidates: 512 } }] });
    for (const s of await live.ask(6)) live.tell(s.id, wavy(s.cube));
    const restoredPicks: number[][] = [];
    const livePicks: number[][] = [];
    for (let i = 0; i < 6; i++) {
      const saved = JSON.parse(JSON.stringify(live.state())) as StudyState;
      const [a] = await live.ask();
      const [b] = await restoreStudy(saved, { space: cubeSpace(3) }).ask();
      livePicks.push([...a!.cube]);
      restoredPicks.push([...b!.cube]);
      live.tell(a!.id, wavy(a!.cube));
    }
    expect(restoredPicks).toEqual(livePicks);
  });

  it('fits to learn in an MV stage (quartic trend) and to optimize in an EI stage (quadratic); restore keeps the purpose', async () => {
    const study = createStudy({ ...options(), schedule: [{ policy: 'lhs' as const, count: 6 }, { policy: 'mv' as const, count: 2 }, { policy: 'ei' as const, count: 2, params: { candidates: 256 } }] });
    for (const s of await study.ask(6)) study.tell(s.id, f(s.cube));
    const [mv] = await study.ask();
    const learnt = study.state();
    expect(learnt.model).toMatchObject({ version: 1, nTrain: 6, purpose: 'learn' });
    expect((learnt.model?.snapshot as { format?: string }).format).toBe('sdfl-gp/3');
    expect(snapshotPurpose(learnt.model?.snapshot)).toBe('learn');
    // A restored study continues the MV stage from the same quartic model.
    const [next] = await study.ask();
    const [again] = await restoreStudy(JSON.parse(JSON.stringify(learnt)) as StudyState, { space: cubeSpace(3) }).ask();
    expect(again).toEqual(next);
    study.tell(mv!.id, f(mv!.cube));
    study.tell(next!.id, f(next!.cube));
    const [ei] = await study.ask();
    expect(ei!.policy).toBe('ei');
    const optimizing = study.state().model!;
    expect(optimizing).toMatchObject({ nTrain: 8 });
    expect(optimizing.purpose).toBeUndefined();
    expect((optimizing.snapshot as { format?: string }).format).toBe('sdfl-gp/2');
  });

  it('a pending fantasy moves the next EI pick away from the pending point', async () => {
    const study = createStudy(options('gp'));
    for (const s of await study.ask(6)) study.tell(s.id, f(s.cube));
    const [a, b] = await study.ask(2);
    expect(a!.cube).not.toEqual(b!.cube);
    const d = Math.hypot(...a!.cube.map((v, i) => v - b!.cube[i]!));
    expect(d).toBeGreaterThan(0.02);
  });

  it("the study's GP gets the direction's prior curvature (a dome when maximising, a bowl when minimising)", async () => {
    const curvature = async (direction: 'maximize' | 'minimize') => {
      const study = createStudy({ ...options('gp'), objective: { feature: 'y', direction } });
      for (const s of await study.ask(6)) study.tell(s.id, f(s.cube));
      return ((await study.model()) as Gp).hyper.trend?.curvature;
    };
    expect(await curvature('maximize')).toBe(-GP_PRIOR_CURVATURE);
    expect(await curvature('minimize')).toBe(GP_PRIOR_CURVATURE);
  });

  it('states written before the surrogate option restore as ENN studies; loadSurrogate dispatches on format', async () => {
    const study = createStudy(options('gp'));
    for (const s of await study.ask(6)) study.tell(s.id, f(s.cube));
    const model = (await study.model()) as Gp;
    const loaded = await loadSurrogate(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded).toBeInstanceOf(Gp);
    expect(loaded.predict([[0.2, 0.4, 0.6]])).toEqual(model.predict([[0.2, 0.4, 0.6]]));
    await expect(loadSurrogate({ format: 'nope' })).rejects.toThrow(/unknown surrogate/);
    const old = study.state();
    delete old.options.surrogate;
    const restored = restoreStudy({ ...old, model: null }, { space: cubeSpace(3) });
    expect(restored.state().options.surrogate).toBeUndefined();
    expect(() => createStudy({ ...options(), surrogate: 'svm' as 'gp' })).toThrow(/surrogate 'svm'/);
  });
});
