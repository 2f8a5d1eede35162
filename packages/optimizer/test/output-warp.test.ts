/** The learning GP's choice of output scale: leave-one-out error decides, snapshots keep the sign. */
import { describe, expect, it } from 'vitest';
import { fitGp, Gp } from '../src/gp/index';
import { createPrng, uniformSample } from '../src/sampling/prng';
import { gpFit, loadSurrogate, LogOutputSurrogate, snapshotPurpose } from '../src/study';
import { fitWithOutputWarp, leaveOneOutError, type GpFitter } from '../src/study/output-warp';

const x = uniformSample(40, 3, createPrng(11));
/** Narrow peaks on a flat floor, to minimise (Hartmann-like): values bounded above, a long tail below. */
const peaks = (u: readonly number[]) => -Math.exp(-12 * ((u[0]! - 0.3) ** 2 + (u[1]! - 0.6) ** 2 + (u[2]! - 0.4) ** 2)) - 0.6 * Math.exp(-20 * ((u[0]! - 0.8) ** 2 + (u[1]! - 0.2) ** 2));
/** A smooth polynomial bowl. */
const bowl = (u: readonly number[]) => (u[0]! - 0.4) ** 2 + 2 * (u[1]! - 0.6) ** 2 + u[0]! * u[2]!;
const fit: GpFitter = async (d, decreasing, init) => fitGp(d, { seed: 1, trendDegree: 4, curvature: decreasing ? -1 : 1, ...(init ? { init } : {}) });

describe('output warp of the learning GP', () => {
  it('fits peaks on log(max + shift - y) and a bowl on y, each with the least leave-one-out error', async () => {
    const y = x.map(peaks);
    const m = await fitWithOutputWarp({ x, y }, fit);
    expect(m).toBeInstanceOf(LogOutputSurrogate);
    const warped = m as LogOutputSurrogate;
    expect(warped.sign).toBe(-1);
    expect(warped.offset).toBeCloseTo(Math.max(...y) + 0.03 * (Math.max(...y) - Math.min(...y)), 12);
    expect(leaveOneOutError(warped.inner as Gp, (z) => warped.fromLog(z))).toBeLessThan(leaveOneOutError(await fit({ x, y }, false, undefined)));
    // The model is of y: at the data it predicts y, and it is better away from the data too.
    const test = uniformSample(300, 3, createPrng(12));
    const truth = test.map(peaks);
    const sse = (p: ArrayLike<number>) => truth.reduce((a, v, i) => a + (p[i]! - v) ** 2, 0);
    expect(sse(m.predict(test).mean)).toBeLessThan(sse((await fit({ x, y }, false, undefined)).predict(test).mean));

    const b = await fitWithOutputWarp({ x, y: x.map(bowl) }, fit);
    expect(b).toBeInstanceOf(Gp);
  });

  it('keeps constant data on its own scale', async () => {
    expect(await fitWithOutputWarp({ x: x.slice(0, 5), y: [2, 2, 2, 2, 2] }, fit)).toBeInstanceOf(Gp);
  });

  it("the study's learning fit warps, its optimizing fit does not; a warped snapshot round-trips with its sign", async () => {
    const y = x.map(peaks);
    const learnt = await gpFit({ x, y }, { seed: 3, purpose: 'learn', direction: 'minimize' });
    expect(learnt).toBeInstanceOf(LogOutputSurrogate);
    expect(await gpFit({ x, y }, { seed: 3, purpose: 'optimize', direction: 'minimize' })).toBeInstanceOf(Gp);
    const json = JSON.parse(JSON.stringify(learnt.toJSON())) as { format: string; sign: number; inner: { format: string } };
    expect(json).toMatchObject({ format: 'sdfl-log-output/2', sign: -1, inner: { format: 'sdfl-gp/3' } });
    expect(snapshotPurpose(json)).toBe('learn');
    const back = await loadSurrogate(json);
    const pts = uniformSample(5, 3, createPrng(13));
    expect(back.predict(pts)).toEqual(learnt.predict(pts));
    // A warm start from the warped model fits again (its GP is the starting point).
    const again = await gpFit({ x: [...x, [0.5, 0.5, 0.5]], y: [...y, peaks([0.5, 0.5, 0.5])] }, { seed: 3, purpose: 'learn', direction: 'minimize', init: learnt });
    expect(again.predict(pts).mean.every(Number.isFinite)).toBe(true);
    await expect(loadSurrogate({ ...json, sign: 2 })).rejects.toThrow(/sdfl-log-output/);
    await expect(loadSurrogate({ ...json, offset: 'x' })).rejects.toThrow(/sdfl-log-output/);
  });
});
