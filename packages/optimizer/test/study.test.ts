import { describe, expect, it } from 'vitest';
import { createStudy, restoreStudy, type StudyOptions, StudyError, type Suggestion } from '../src/study';
import { cubeSpace, KernelEnsemble, kernelFactory, kernelLoad } from './helpers/kernel-ensemble';

/** Smooth 3-D objective with its maximum 1 at (0.7, 0.3, 0.6). */
const f = (u: readonly number[]) => 1 - 2 * ((u[0]! - 0.7) ** 2 + (u[1]! - 0.3) ** 2 + (u[2]! - 0.6) ** 2);

const base = (over: Partial<StudyOptions<number[]>> = {}): StudyOptions<number[]> => ({
  space: cubeSpace(3),
  objective: { feature: 'y', direction: 'maximize' },
  schedule: [
    { policy: 'lhs', count: 5 },
    { policy: 'ei', count: 6, params: { candidates: 512 } },
  ],
  seed: 42,
  fit: kernelFactory(),
  load: kernelLoad,
  ...over,
});

async function run(study: ReturnType<typeof createStudy<number[]>>, n: number, fn = f): Promise<Suggestion<number[]>[]> {
  const out: Suggestion<number[]>[] = [];
  for (let i = 0; i < n; i++) {
    const [s] = await study.ask();
    if (!s) break;
    study.tell(s.id, fn(s.cube));
    out.push(s);
  }
  return out;
}

describe('schedule and bookkeeping', () => {
  it('issues LHS then EI, counts asks, and reports done', async () => {
    const study = createStudy(base());
    const lhs = await study.ask(5);
    expect(lhs.map((s) => s.policy)).toEqual(['lhs', 'lhs', 'lhs', 'lhs', 'lhs']);
    expect(lhs.every((s) => s.predicted === null && s.acquisitionValue === null && s.modelVersion === null)).toBe(true);
    // Stratified on every axis: the 5 LHS points are one per fifth.
    for (let j = 0; j < 3; j++) expect(lhs.map((s) => Math.floor(s.cube[j]! * 5)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(study.progress()).toMatchObject({ stage: 1, issued: 5, total: 11, pending: 5 });
    for (const s of lhs) study.tell(s.id, { y: f(s.cube), other: 7 });
    const ei = await run(study, 10);
    expect(ei).toHaveLength(6);
    expect(ei.every((s) => s.policy === 'ei' && s.predicted !== null && s.modelVersion! >= 1)).toBe(true);
    expect(study.exhausted).toBe(true);
    expect(study.done).toBe(true);
    expect(await study.ask(2)).toEqual([]);
    expect(study.best()!.value).toBeGreaterThanOrEqual(Math.max(...lhs.map((s) => f(s.cube))));
  });

  it('tell is idempotent for the same result, strict otherwise; cancel returns the slot', async () => {
    const study = createStudy(base());
    const [a, b] = await study.ask(2);
    study.tell(a!.id, 0.5);
    expect(study.tell(a!.id, 0.5).value).toBe(0.5);
    expect(() => study.tell(a!.id, 0.6)).toThrow(StudyError);
    expect(() => study.tell('nope', 1)).toThrow(/no pending/);
    expect(() => study.tell(b!.id, { other: 1 })).toThrow(/'y'/);
    expect(() => study.tell(b!.id, NaN)).toThrow(StudyError);
    expect(study.cancel(b!.id)).toBe(true);
    expect(study.progress().issued).toBe(1);
    const [again] = await study.ask();
    expect(again!.cube).toEqual(b!.cube); // the cancelled design point is reissued
  });

  it('a model stage with too little data fills space instead of failing', async () => {
    const study = createStudy(base({ schedule: [{ policy: 'ucb', count: 4 }] }));
    const s = await study.ask(2);
    expect(s.map((x) => x.predicted)).toEqual([null, null]);
    expect(s[0]!.cube).not.toEqual(s[1]!.cube);
  });

  it('rejects invalid schedules listing every problem', () => {
    expect(() => createStudy(base({ schedule: [{ policy: 'foo' as 'ei', count: 0 }] }))).toThrow(/policy 'foo'[\s\S]*count/);
  });
});

describe('robustness', () => {
  it('a failing fit rejects the ask and gives the batch its slots back', async () => {
    let broken = false;
    const inner = kernelFactory();
    const study = createStudy(base({ fit: async (d, o) => (broken ? Promise.reject(new Error('fit failed')) : inner(d, o)) }));
    await run(study, 5);
    broken = true;
    await expect(study.ask(2)).rejects.toThrow('fit failed');
    expect(study.progress()).toMatchObject({ issued: 5, pending: 0 });
    broken = false;
    expect(await study.ask(2)).toHaveLength(2);
  });

  it('concurrent asks are serialized and never collide', async () => {
    const study = createStudy(base());
    await run(study, 5);
    const [a, b] = await Promise.all([study.ask(), study.ask()]);
    expect(a[0]!.cube).not.toEqual(b[0]!.cube);
    expect(study.pending()).toHaveLength(2);
  });
});

describe('pending experiments and duplicates', () => {
  it('ask(3) returns distinct points, each decided with the previous ones fantasised', async () => {
    const study = createStudy(base());
    await run(study, 5);
    const batch = await study.ask(3);
    const keys = new Set(batch.map((s) => s.cube.join(',')));
    expect(keys.size).toBe(3);
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(Math.hypot(...batch[i]!.cube.map((v, k) => v - batch[j]!.cube[k]!))).toBeGreaterThan(0.01);
  });

  it('never re-proposes a pending point (believer refit, liar and cheap overlay)', async () => {
    for (const pending of [{}, { strategy: 'liar-min' as const }, { refit: false }]) {
      const study = createStudy(base({ pending, schedule: [{ policy: 'lhs', count: 5 }, { policy: 'eplt', count: 6, params: { candidates: 256 } }] }));
      await run(study, 5);
      const [first] = await study.ask();
      const [second] = await study.ask();
      expect(second!.cube).not.toEqual(first!.cube);
    }
  });

  it('an MV stage extends the design stratum by stratum (no pile-up on the faces); stratify: false lifts it', async () => {
    const strataOf = (pts: readonly Suggestion<number[]>[], k: number) => pts.map((s) => Math.min(15, Math.floor(s.cube[k]! * 16)));
    const schedule = (stratify?: boolean) => [{ policy: 'lhs' as const, count: 4 }, { policy: 'mv' as const, count: 12, params: { candidates: 256, ...(stratify === undefined ? {} : { stratify }) } }];
    const study = createStudy(base({ schedule: schedule() }));
    const all = await run(study, 16);
    const mv = all.slice(4);
    expect(mv.every((s) => s.policy === 'mv' && s.acquisitionValue !== null)).toBe(true);
    for (let k = 0; k < 3; k++) {
      const lhsStrata = new Set(strataOf(all.slice(0, 4), k));
      const mvStrata = strataOf(mv, k);
      expect(new Set(mvStrata).size).toBe(12); // one MV point per stratum ...
      expect(mvStrata.some((s) => lhsStrata.has(s))).toBe(false); // ... none shared with the LHS
    }
    // Unstratified MV on the same problem reuses strata (it chases the kernel ensemble's corners).
    const plain = (await run(createStudy(base({ schedule: schedule(false) })), 16)).slice(4);
    expect([0, 1, 2].some((k) => new Set(strataOf(plain, k)).size < 12)).toBe(true);
  });

  it('on a coarse grid the duplicate guard proposes each cell once, then runs out', async () => {
    const study = createStudy(base({ space: cubeSpace(2, 0.5), schedule: [{ policy: 'random', count: 9 }, { policy: 'mv', count: 5 }] }));
    const all = await study.ask(9);
    expect(new Set(all.map((s) => s.cube.join(','))).size).toBe(9);
    for (const s of all) study.tell(s.id, s.cube[0]!);
    expect(await study.ask()).toEqual([]); // all 9 grid points observed
    const replicates = createStudy(base({ space: cubeSpace(2, 0.5), allowReplicates: true, schedule: [{ policy: 'random', count: 30 }] }));
    expect(new Set((await replicates.ask(30)).map((s) => s.cube.join(','))).size).toBeLessThanOrEqual(9);
  });
});

describe('state and restore', () => {
  it('state is plain JSON and restore continues with the identical next suggestion', async () => {
    const original = createStudy(base());
    await run(original, 7);
    const [pendingOne] = await original.ask(); // keep one pending across the save
    const saved = JSON.parse(JSON.stringify(original.state())) as ReturnType<typeof original.state>;
    expect(saved).toEqual(original.state());
    const restored = restoreStudy(saved, { space: cubeSpace(3), fit: kernelFactory(), load: kernelLoad });
    expect(restored.state()).toEqual(saved);
    expect(restored.pending().map((p) => p.id)).toEqual([pendingOne!.id]);
    const [a] = await original.ask();
    const [b] = await restored.ask();
    expect(b).toEqual(a);
    original.tell(a!.id, 0.1);
    restored.tell(b!.id, 0.1);
    expect(await restored.ask()).toEqual(await original.ask());
  });

  it('restore without a loader refits the same model version deterministically', async () => {
    const original = createStudy(base());
    await run(original, 6);
    const saved = original.state();
    const [a] = await original.ask();
    const restored = restoreStudy(saved, { space: cubeSpace(3), fit: kernelFactory() });
    const [b] = await restored.ask();
    expect(b).toEqual(a);
  });

  it('rejects a foreign state', () => {
    const s = createStudy(base()).state();
    expect(() => restoreStudy({ ...s, format: 'x' } as unknown as typeof s, { space: cubeSpace(3) })).toThrow(StudyError);
    expect(() => restoreStudy(s, { space: cubeSpace(4) })).not.toThrow(); // no points yet
  });
});

describe('failures', () => {
  it('a failed tell is recorded and lowers the acquisition near the failure', async () => {
    const opts = base({ schedule: [{ policy: 'lhs', count: 5 }, { policy: 'ucb', count: 6, params: { candidates: 512 } }] });
    const study = createStudy(opts);
    await run(study, 5);
    const [s] = await study.ask();
    const before = (await study.score([s!.cube]))!;
    study.tell(s!.id, { failed: true, reason: 'clogged' });
    expect(study.observations().at(-1)).toMatchObject({ id: s!.id, value: null, failed: { reason: 'clogged' } });
    const near = s!.cube.map((v) => Math.min(1, v + 0.02));
    const after = (await study.score([s!.cube, near]))!;
    expect(after.pFail[0]).toBeGreaterThan(0.5);
    expect(after.acquisition[0]).toBeLessThan(before.acquisition[0]! - 0.1);
    // Failures are not training data: the model is the same with the failure model switched off.
    const blind = restoreStudy({ ...study.state(), options: { ...study.state().options, feasibility: false } }, { space: cubeSpace(3), fit: kernelFactory(), load: kernelLoad });
    const raw = (await blind.score([s!.cube]))!;
    expect(raw.mean[0]).toBeCloseTo(after.mean[0]!, 12);
    expect(raw.acquisition[0]).toBeGreaterThan(after.acquisition[0]!);
    const [next] = await study.ask();
    expect(Math.hypot(...next!.cube.map((v, k) => v - s!.cube[k]!))).toBeGreaterThan(0.05);
  });
});

describe('informed prior', () => {
  it('transferred observations let a model stage start at once and count for the incumbent', async () => {
    const donor = createStudy(base({ schedule: [{ policy: 'lhs', count: 8 }] }));
    await run(donor, 8);
    const study = createStudy(base({ prior: { observations: donor.observations() }, schedule: [{ policy: 'ei', count: 3, params: { candidates: 512 } }] }));
    const [s] = await study.ask();
    expect(s!.predicted).not.toBeNull();
    expect(study.best('all')!.value).toBe(donor.best()!.value);
    expect(study.best()).toBeUndefined(); // nothing local yet
    expect(study.trainingData().y).toHaveLength(8);
  });

  it('a prior model is used (version 0) until refitAfter (and minFitData) local results, then refitted', async () => {
    const twinData = { x: Array.from({ length: 30 }, (_, i) => [(i * 0.37) % 1, (i * 0.61) % 1, (i * 0.13) % 1]), y: [] as number[] };
    twinData.y = twinData.x.map(f);
    const twin = new KernelEnsemble(twinData, 9);
    const fitsBefore = KernelEnsemble.fits;
    const study = createStudy(base({ prior: { model: twin, refitAfter: 3 }, schedule: [{ policy: 'ei', count: 5, params: { candidates: 512 } }] }));
    const first = await run(study, 3);
    expect(first.map((s) => s.modelVersion)).toEqual([0, 0, 0]);
    expect(KernelEnsemble.fits).toBe(fitsBefore); // no fit while the twin decides
    expect(first[0]!.predicted!.mean).toBeCloseTo(twin.predict([first[0]!.cube]).mean[0]!, 12);
    const [third] = await study.ask();
    expect(third!.modelVersion).toBe(1);
    // The prior snapshot travels in the state and is reloaded on restore.
    const restored = restoreStudy(JSON.parse(JSON.stringify(study.state())) as ReturnType<typeof study.state>, { space: cubeSpace(3), fit: kernelFactory(), load: kernelLoad });
    expect((await restored.ask())[0]).toEqual((await study.ask())[0]);
  });
});

describe('minimisation', () => {
  it('EI minimises when asked to', async () => {
    const g = (u: readonly number[]) => -f(u);
    const study = createStudy(base({ objective: { feature: 'y', direction: 'minimize' } }));
    await run(study, 11, g);
    expect(study.best()!.value).toBeLessThan(-0.9);
  });
});
