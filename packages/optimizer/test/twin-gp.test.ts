/** The twin analysis and the informed prior on the GP surrogate. */
import { describe, expect, it } from 'vitest';
import { Gp } from '../src/gp/gp';
import { fitGp } from '../src/gp/fit';
import { createPrng, uniformSample } from '../src/sampling';
import { createStudy, gpFit, logOutput, restoreStudy, type StudyState } from '../src/study';
import { calibration, evaluateTwin, responseSurface, shapleyAnalysis, uncertaintyVsSize } from '../src/twin';
import { cubeSpace } from './helpers/kernel-ensemble';

const f = (p: readonly number[]) => 2 * p[0]! + Math.sin(3 * p[1]!) + 0.5 * p[2]! * p[3]!;

describe('twin analysis on the GP', () => {
  it('R^2, parity, calibration, exact SHAP (efficiency, inert input), surfaces and uncertainty vs size', async () => {
    const rng = createPrng(11);
    const x = uniformSample(60, 5, rng);
    const data = { x, y: x.map((p) => f(p) * (1 + 0.01 * rng.normal())) };
    const ev = await evaluateTwin(data, { fit: gpFit, seed: 1 });
    expect(ev.testR2).toBeGreaterThan(0.9);
    expect(ev.parity.test).toHaveLength(12);
    expect(calibration(ev.parity.test).every((c) => c.fraction >= 0 && c.fraction <= 1)).toBe(true);

    const model = fitGp(data, { seed: 1 });
    const background = uniformSample(16, 5, rng);
    const shap = shapleyAnalysis(model, x.slice(0, 4), background);
    shap.values.forEach((phi, p) => expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (shap.fx[p]! - shap.base))).toBeLessThan(1e-9));
    expect(shap.ranking[0]!.feature).toBe(0);
    expect(shap.ranking.find((r) => r.feature === 4)!.meanAbs).toBeLessThan(0.05 * shap.ranking[0]!.meanAbs);

    const surface = responseSurface(model, 0, 1, { resolution: 5 });
    expect(surface.mean[0]![4]! - surface.mean[0]![0]!).toBeGreaterThan(1.5); // +2 along input 0
    const rows = await uncertaintyVsSize(data, { fit: gpFit, seed: 1, sizes: [10, 60], samples: 200 });
    expect(rows[1]!.meanStd).toBeLessThan(rows[0]!.meanStd);
  });

  it('a log-output GP twin serves as the informed prior of a study and survives restore', async () => {
    const x = uniformSample(30, 3, createPrng(2));
    const y = x.map((p) => Math.exp(2 * p[0]! - p[1]!));
    const twin = await logOutput(gpFit)({ x, y }, { seed: 3 });
    const study = createStudy({
      space: cubeSpace(3),
      objective: { feature: 'y', direction: 'maximize' },
      schedule: [{ policy: 'ei', count: 3, params: { candidates: 256 } }],
      seed: 4,
      prior: { observations: x.map((cube, i) => ({ cube, value: y[i]! })), model: twin },
    });
    const [a] = await study.ask();
    expect(a!.modelVersion).toBe(0);
    const saved = JSON.parse(JSON.stringify(study.state())) as StudyState & { priorModel: { format: string; inner: { format: string } } };
    expect(saved.priorModel.format).toBe('sdfl-log-output/1');
    expect(saved.priorModel.inner.format).toBe('sdfl-gp/2');
    study.tell(a!.id, 3);
    const restored = restoreStudy(saved, { space: cubeSpace(3) });
    restored.tell(a!.id, 3);
    const [b] = await study.ask();
    expect(b!.modelVersion).toBe(1);
    expect((await restored.ask())[0]).toEqual(b);
    expect(await study.model()).toBeInstanceOf(Gp);
  });
});
