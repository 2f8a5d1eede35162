import { describe, expect, it } from 'vitest';
import { createStudy, logOutput, logOutputLoader, LogOutputSurrogate, restoreStudy } from '../src/study';
import { cubeSpace, kernelFactory, kernelLoad } from './helpers/kernel-ensemble';

const data = { x: [[0.1, 0.2], [0.8, 0.3], [0.4, 0.9], [0.6, 0.6]], y: [0.5, 2, 8, 3] };

describe('log-output surrogate', () => {
  it('fits log(y + offset) and maps every member back', async () => {
    const inner = kernelFactory();
    const m = (await logOutput(inner, { offset: 0.1 })(data, { seed: 2 })) as LogOutputSurrogate;
    const raw = await inner({ x: data.x, y: data.y.map((v) => Math.log(v + 0.1)) }, { seed: 2 });
    const pts = [[0.1, 0.2], [0.5, 0.5]];
    const members = m.predictMembers(pts);
    raw.predictMembers(pts).forEach((r, k) => r.forEach((v, i) => expect(members[k]![i]).toBeCloseTo(Math.exp(v) - 0.1, 12)));
    const p = m.predict(pts);
    expect(p.mean[0]).toBeCloseTo(members.reduce((s, a) => s + a[0]!, 0) / members.length, 12);
    expect(p.std[1]).toBeGreaterThan(0);
  });

  it('defaults the offset to 1 % of max |y| and clamps negative readings', async () => {
    const m = (await logOutput(kernelFactory())({ x: data.x, y: [-1, 2, 8, 3] }, { seed: 1 })) as LogOutputSurrogate;
    expect(m.offset).toBeCloseTo(0.08, 12);
    expect(Number.isFinite(m.predict([[0.1, 0.2]]).mean[0])).toBe(true);
  });

  it('round-trips through JSON and restores a study identically', async () => {
    const fit = logOutput(kernelFactory());
    const load = logOutputLoader(kernelLoad);
    const m = await fit(data, { seed: 3 });
    const back = await load(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.predict([[0.3, 0.3]])).toEqual(m.predict([[0.3, 0.3]]));
    await expect(load({ format: 'x' })).rejects.toThrow(TypeError);

    const opts = { space: cubeSpace(2), objective: { feature: 'y', direction: 'maximize' as const }, seed: 5, fit, load, schedule: [{ policy: 'lhs' as const, count: 4 }, { policy: 'ei' as const, count: 3, params: { candidates: 256 } }] };
    const study = createStudy(opts);
    for (const s of await study.ask(4)) study.tell(s.id, 1 + s.cube[0]! * 5);
    await study.ask();
    const restored = restoreStudy(JSON.parse(JSON.stringify(study.state())) as ReturnType<typeof study.state>, { space: cubeSpace(2), fit, load });
    expect(await restored.ask()).toEqual(await study.ask());
  });
});
