/** The learning GP's choice of output scale: leave-one-out scores decide, snapshots keep the sign. */
import { describe, expect, it } from 'vitest';
import { fitGp, Gp } from '../src/gp/index';
import { createPrng, uniformSample } from '../src/sampling/prng';
import { gpFit, loadSurrogate, LogOutputSurrogate, snapshotPurpose } from '../src/study';
import { fitWithOutputWarp, leaveOneOutScores, type GpFitter } from '../src/study/output-warp';

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
    expect(leaveOneOutScores(warped.inner as Gp, (z) => warped.fromLog(z)).squaredError).toBeLessThan(leaveOneOutScores(await fit({ x, y }, false, undefined)).squaredError);
    // The model is of y: at the data it predicts y, and it is better away from the data too.
    const test = uniformSample(300, 3, createPrng(12));
    const truth = test.map(peaks);
    const sse = (p: ArrayLike<number>) => truth.reduce((a, v, i) => a + (p[i]! - v) ** 2, 0);
    expect(sse(m.predict(test).mean)).toBeLessThan(sse((await fit({ x, y }, false, undefined)).predict(test).mean));

    const b = await fitWithOutputWarp({ x, y: x.map(bowl) }, fit);
    expect(b).toBeInstanceOf(Gp);
  });

  it('takes the log scale when its density is clearly better although its squared error is worse', async () => {
    const xs = uniformSample(40, 3, createPrng(16));
    const y = xs.map(peaks);
    const m = await fitWithOutputWarp({ x: xs, y }, fit);
    expect(m).toBeInstanceOf(LogOutputSurrogate);
    const warped = m as LogOutputSurrogate;
    const plain = await fit({ x: xs, y }, false, undefined);
    const [logScores, plainScores] = [leaveOneOutScores(warped.inner as Gp, (z) => warped.fromLog(z)), leaveOneOutScores(plain)];
    expect(logScores.squaredError).toBeGreaterThan(plainScores.squaredError);
    expect(logScores.logDensity - plainScores.logDensity).toBeGreaterThan(0.3 * xs.length);
    // ...and the density was right: away from the data the log scale is far better.
    const test = uniformSample(500, 3, createPrng(99));
    const truth = test.map(peaks);
    const sse = (p: ArrayLike<number>) => truth.reduce((a, v, i) => a + (p[i]! - v) ** 2, 0);
    expect(sse(m.predict(test).mean)).toBeLessThan(0.5 * sse(plain.predict(test).mean));
  });

  it('scores each left-out point as the same GP conditioned on the others predicts it', async () => {
    const xs = x.slice(0, 12);
    const y = xs.map(peaks);
    const offset = Math.max(...y) + 0.1;
    const fromLog = (z: number) => -(Math.exp(z) - offset);
    const logY = y.map((v) => Math.log(offset - v));
    for (const [gp, targets, back] of [
      [await fit({ x: xs, y }, false, undefined), y, undefined],
      [await fit({ x: xs, y: logY }, true, undefined), logY, fromLog],
    ] as const) {
      let squaredError = 0;
      let logDensity = 0;
      for (let i = 0; i < xs.length; i++) {
        const others = { x: xs.filter((_, j) => j !== i), y: targets.filter((_, j) => j !== i) };
        const p = gp.withData(others).predict([xs[i]!]);
        const [m, s, z] = [p.mean[0]!, p.std[0]!, targets[i]!];
        // Back on y's scale the prediction is the mean of the two back-transformed sigma points.
        const predicted = back ? (back(m + s) + back(m - s)) / 2 : m;
        squaredError += (predicted - y[i]!) ** 2;
        const v = s * s + gp.hyper.noiseVariance * gp.yScaler.std ** 2;
        logDensity += -0.5 * Math.log(2 * Math.PI * v) - (z - m) ** 2 / (2 * v) - (back ? z : 0);
      }
      const scores = leaveOneOutScores(gp, back);
      expect(scores.squaredError).toBeCloseTo(squaredError, 6);
      expect(scores.logDensity).toBeCloseTo(logDensity, 6);
    }
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
