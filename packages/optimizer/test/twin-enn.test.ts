/** SHAP identities on the real ENN (TensorFlow.js), once: the twin analysis must hold for the production surrogate. */
import { describe, expect, it } from 'vitest';
import { fitEnn } from '../src/enn/fit';
import { createPrng, uniformSample } from '../src/sampling';
import { shapleyAnalysis } from '../src/twin';

describe('exact Shapley on the ENN', () => {
  it('efficiency holds to 1e-6 and the inert input gets ~no credit', async () => {
    const rng = createPrng(11);
    const x = uniformSample(40, 7, rng);
    const y = x.map((p) => 2 * p[0]! + Math.sin(3 * p[1]!) + 0.5 * p[2]! * p[3]!);
    const model = await fitEnn({ x, y }, { seed: 1, structure: { members: 4, width: 16, epochs: 150 } });
    const background = uniformSample(16, 7, rng);
    const points = x.slice(0, 4);
    const shap = shapleyAnalysis(model, points, background);
    shap.values.forEach((phi, p) => {
      expect(Math.abs(phi.reduce((a, b) => a + b, 0) - (shap.fx[p]! - shap.base))).toBeLessThan(1e-6);
    });
    // The same quantities from separate predict calls agree to float32 precision.
    const ebf = model.predict(background).mean.reduce((a, b) => a + b, 0) / background.length;
    expect(shap.base).toBeCloseTo(ebf, 4);
    expect(shap.ranking[0]!.feature).toBe(0);
    expect(shap.ranking.find((r) => r.feature === 6)!.meanAbs).toBeLessThan(0.2 * shap.ranking[0]!.meanAbs);
  }, 60_000);
});
