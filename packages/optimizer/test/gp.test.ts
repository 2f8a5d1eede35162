/** The GP surrogate: likelihood gradients, fit quality, uncertainty, determinism and snapshots. */
import { describe, expect, it } from 'vitest';
import { fitGp, Gp, GP_FORMAT, GP_FORMAT_V1, GP_FORMAT_V3, GpError, type GpJson, matern52 } from '../src/gp/index';
import { TREND_FEATURE_VARIANCES, writeTrendFeatures } from '../src/gp/trend';
import { r2 } from '../src/enn/metrics';
import { gpPriors, negLogPosterior } from '../src/gp/fit';
import { cholesky, choleskyInverse, solveLower, solveUpper } from '../src/gp/linalg';
import { minimizeLbfgs } from '../src/gp/lbfgs';
import { createPrng, uniformSample } from '../src/sampling/prng';

/** Smooth 7-D target with curvature and an interaction (as bench/latency.ts). */
const smooth = (x: readonly number[]) =>
  x.reduce((a, v, i) => a + Math.sin(2 * v + 0.3 * i) * (1 + 0.2 * i), 0) +
  3 * Math.exp(-x.reduce((a, v, i) => a + (v - 0.6) ** 2 * (i < 2 ? 6 : 1), 0)) +
  2 * (x[0]! - 0.5) * (x[1]! - 0.5);

/** Each component of the analytic gradient `g` at `theta` equals the central finite difference of `nl`. */
function expectGradientMatches(nl: (theta: Float64Array) => { f: number }, theta: Float64Array, g: Float64Array, digits: number): void {
  theta.forEach((_, k) => {
    const up = Float64Array.from(theta);
    const down = Float64Array.from(theta);
    up[k]! += 1e-6;
    down[k]! -= 1e-6;
    expect(g[k]!).toBeCloseTo((nl(up).f - nl(down).f) / 2e-6, digits);
  });
}

describe('linear algebra and L-BFGS', () => {
  it('Cholesky, solves and inverse agree with the matrix', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1.5, 0.6, 1.5, 3]);
    const l = cholesky(a, 3)!;
    const inv = choleskyInverse(l, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    const x = solveUpper(l, 3, solveLower(l, 3, Float64Array.from([1, 2, 3])));
    for (let i = 0; i < 3; i++) expect(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!).toBeCloseTo(i + 1, 12);
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });

  it('L-BFGS finds the minimum of the Rosenbrock function', () => {
    const fg = (v: Float64Array) => {
      const [x, y] = [v[0]!, v[1]!];
      return { f: (1 - x) ** 2 + 100 * (y - x * x) ** 2, g: Float64Array.from([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]) };
    };
    const r = minimizeLbfgs(fg, Float64Array.from([-1.2, 1]), { maxIterations: 200 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it('a stall tolerance stops a creep along a flat valley, within that tolerance of the full run', () => {
    // f = 1e-4 (x - 3)^2 + (y - x)^2: a long, nearly flat valley along y = x.
    const fg = (v: Float64Array) => {
      const [x, y] = [v[0]!, v[1]!];
      return { f: 1e-4 * (x - 3) ** 2 + (y - x) ** 2, g: Float64Array.from([2e-4 * (x - 3) - 2 * (y - x), 2 * (y - x)]) };
    };
    const x0 = Float64Array.from([0, 1]);
    const full = minimizeLbfgs(fg, x0, { maxIterations: 200, gradientTolerance: 1e-12, valueTolerance: 0 });
    const stalled = minimizeLbfgs(fg, x0, { maxIterations: 200, gradientTolerance: 1e-12, valueTolerance: 0, stallTolerance: 1e-3 });
    expect(stalled.iterations).toBeLessThan(full.iterations);
    expect(stalled.f - full.f).toBeLessThan(1e-3 * 3);
    expect(stalled.f).toBeLessThan(fg(x0).f);
  });
});

describe('GP surrogate', () => {
  // Reference values computed independently with numpy (explicit K^-1 of the 3 x 3 kernel matrix).
  const X3 = [[0], [0.5], [1]];
  const Y3 = [1, -0.5, 0.25];
  const HYPER = { lengthscales: [0.4], signalVariance: 1.5, noiseVariance: 0.01 };

  it('matches hand-computed posterior mean and variance on a 3-point example', () => {
    const gp = new Gp(HYPER, { mean: 0, std: 1 }, X3, Y3, { nTrain: 3, seed: 0, logPosterior: null, nHyper: 3 });
    const p = gp.predict([[0.25], [0.8]]);
    expect(p.mean[0]).toBeCloseTo(0.21712918, 7);
    expect(p.mean[1]).toBeCloseTo(-0.13702522, 7);
    expect(p.std[0]! ** 2).toBeCloseTo(0.27016247, 7);
    expect(p.std[1]! ** 2).toBeCloseTo(0.24968022, 7);
  });

  it('matches the hand-computed log marginal likelihood on the 3-point example', () => {
    const theta = Float64Array.from([Math.log(0.4), Math.log(1.5), Math.log(0.01)]);
    // The objective is -(log ML + log prior); remove the three log-normal prior terms.
    const prior = (theta[0]! - Math.SQRT2) ** 2 / 6 + theta[1]! ** 2 / 2 + (theta[2]! + 4) ** 2 / 2;
    expect(negLogPosterior(X3, Float64Array.from(Y3), 1)(theta).f - prior).toBeCloseTo(3.972041123764874, 9);
  });

  it('has analytic likelihood gradients that match finite differences', () => {
    const x = uniformSample(15, 3, createPrng(1));
    const z = Float64Array.from(x, (u) => Math.sin(4 * u[0]!) + u[1]! - 0.5);
    const nl = negLogPosterior(x, z, 3);
    const theta = Float64Array.from([-0.7, 0.1, 0.9, 0.2, -3]);
    const { g } = nl(theta);
    expectGradientMatches(nl, theta, g, 5);
  });

  it('has analytic gradients with the trend that match finite differences', () => {
    const x = uniformSample(15, 3, createPrng(1));
    const z = Float64Array.from(x, (u) => Math.sin(4 * u[0]!) + (u[1]! - 0.5) ** 2 - 0.1);
    const nl = negLogPosterior(x, z, 3, 2);
    const theta = Float64Array.from([-0.7, 0.1, 0.9, 0.2, -3, -0.5, 1.0]);
    const { g } = nl(theta);
    expect(g).toHaveLength(7);
    expectGradientMatches(nl, theta, g, 5);
  });

  it('with negligible trend variances equals the constant-mean objective plus the two trend priors', () => {
    const x = uniformSample(12, 2, createPrng(3));
    const z = Float64Array.from(x, (u) => u[0]! - u[1]!);
    const base = Float64Array.from([-0.3, 0.2, 0.1, -2]);
    const p = gpPriors(2);
    const [sl, sq] = [p.trend[0]!.mu - 20, p.trend[1]!.mu - 20];
    const withTrend = negLogPosterior(x, z, 2, 2)(Float64Array.from([...base, sl, sq]));
    const without = negLogPosterior(x, z, 2)(base);
    const priors = (sl - p.trend[0]!.mu) ** 2 / (2 * p.trend[0]!.sd ** 2) + (sq - p.trend[1]!.mu) ** 2 / (2 * p.trend[1]!.sd ** 2);
    expect(withTrend.f).toBeCloseTo(without.f + priors, 6);
    // The prior pulls a negligible variance back up: the gradient is the prior's, (theta - mu) / sd^2.
    expect(withTrend.g[4]!).toBeCloseTo((sl - p.trend[0]!.mu) / p.trend[0]!.sd ** 2, 4);
  });

  it('the trend carries a bowl beyond the data; the constant-mean GP reverts to the mean', () => {
    // Data on the middle of the cube only; truth (u - 1/2)^2 summed over 3 inputs.
    const x = uniformSample(40, 3, createPrng(12)).map((u) => u.map((v) => 0.3 + 0.4 * v));
    const bowl = (u: readonly number[]) => u.reduce((a, v) => a + (v - 0.5) ** 2, 0);
    const y = x.map(bowl);
    const corner = [[0.02, 0.97, 0.03]];
    const withTrend = fitGp({ x, y }, { seed: 1 });
    const flat = fitGp({ x, y }, { seed: 1, trend: false });
    expect(withTrend.hyper.trend).toBeDefined();
    expect(flat.hyper.trend).toBeUndefined();
    const truth = bowl(corner[0]!);
    expect(Math.abs(withTrend.predict(corner).mean[0]! - truth)).toBeLessThan(0.25 * truth);
    expect(Math.abs(flat.predict(corner).mean[0]! - truth)).toBeGreaterThan(0.25 * truth);
  });

  it('fits a smooth 7-D function from 60 points with test R^2 > 0.9', () => {
    const x = uniformSample(60, 7, createPrng(2));
    const gp = fitGp({ x, y: x.map(smooth) }, { seed: 1 });
    const test = uniformSample(500, 7, createPrng(3));
    expect(r2(test.map(smooth), gp.predict(test).mean)).toBeGreaterThan(0.9);
  });

  it('learns a long length scale for an inert input', () => {
    const x = uniformSample(40, 3, createPrng(4));
    // Not quadratic in any input, so the trend cannot stand in for a short length scale.
    const gp = fitGp({ x, y: x.map((u) => Math.sin(5 * u[0]!) + Math.cos(7 * u[1]!)) }, { seed: 1 });
    const [l0, l1, l2] = gp.hyper.lengthscales;
    expect(l2!).toBeGreaterThan(3 * Math.max(l0!, l1!));
  });

  it('is certain at the data (noise-free data) and uncertain far from it', () => {
    const x = [[0.1], [0.3], [0.35], [0.5]];
    const y = x.map((u) => Math.sin(6 * u[0]!));
    const gp = fitGp({ x, y }, { seed: 1 });
    const p = gp.predict([...x, [0.95]]);
    x.forEach((_, i) => expect(Math.abs(p.mean[i]! - y[i]!)).toBeLessThan(0.05));
    expect(p.std[4]!).toBeGreaterThan(5 * Math.max(...p.std.subarray(0, 4)));
    // Two members whose mean and population std are the posterior's.
    const [a, b] = gp.predictMembers([[0.95]]);
    expect((a![0]! + b![0]!) / 2).toBeCloseTo(p.mean[4]!, 12);
    expect((a![0]! - b![0]!) / 2).toBeCloseTo(p.std[4]!, 12);
  });

  it('is deterministic for given data and seed and round-trips through JSON text', () => {
    const x = uniformSample(25, 4, createPrng(5));
    const y = x.map((u) => smooth([...u, 0.5, 0.5, 0.5]));
    const a = fitGp({ x, y }, { seed: 9 });
    const b = fitGp({ x, y }, { seed: 9 });
    expect(b.hyper).toEqual(a.hyper);
    const back = Gp.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as GpJson);
    const q = uniformSample(50, 4, createPrng(6));
    expect(back.predict(q)).toEqual(a.predict(q));
    expect(back.metadata).toEqual(a.metadata);
    expect(() => Gp.fromJSON({ ...a.toJSON(), format: 'nope' } as never)).toThrow(GpError);
    expect(() => Gp.fromJSON({ ...a.toJSON(), y: [1] })).toThrow(/inconsistent/);
  });

  it('a prior curvature is a bowl the data override: faces rise without data, the fit at the data stays', () => {
    // Data on a slope in the middle of the cube only.
    const x = uniformSample(30, 2, createPrng(14)).map((u) => u.map((v) => 0.35 + 0.3 * v));
    const y = x.map((u) => u[0]! - 0.5 * u[1]!);
    const flat = fitGp({ x, y }, { seed: 1 });
    const bowl = fitGp({ x, y }, { seed: 1, curvature: 1 });
    expect(bowl.hyper.trend?.curvature).toBe(1);
    expect(flat.hyper.trend?.curvature).toBeUndefined();
    const faces = [[0.02, 0.5], [0.98, 0.5], [0.5, 0.02], [0.5, 0.98]];
    const lift = bowl.predict(faces).mean.map((m, i) => m - flat.predict(faces).mean[i]!);
    lift.forEach((d) => expect(d).toBeGreaterThan(0));
    x.slice(0, 5).forEach((p, i) => expect(Math.abs(bowl.predict([p]).mean[0]! - y[i]!)).toBeLessThan(0.02));
    // The snapshot keeps the curvature: identical predictions after a JSON round trip.
    expect(Gp.fromJSON(JSON.parse(JSON.stringify(bowl.toJSON())) as GpJson).predict(faces)).toEqual(bowl.predict(faces));
    expect(() => fitGp({ x, y }, { trend: false, curvature: 1 })).toThrow(/needs the trend/);
  });

  it('loads a constant-mean sdfl-gp/1 snapshot as before and writes it back unchanged; refuses a /1 with a trend', () => {
    const x = uniformSample(10, 2, createPrng(13));
    const y = x.map((u) => u[0]! + u[1]! ** 2);
    const v1 = fitGp({ x, y }, { seed: 2, trend: false }).toJSON();
    expect(v1.format).toBe(GP_FORMAT_V1);
    const back = Gp.fromJSON(JSON.parse(JSON.stringify(v1)) as GpJson);
    expect(back.toJSON()).toEqual(v1);
    // The 3-point reference above, as a /1 snapshot written before the trend existed.
    const old = { format: 'sdfl-gp/1', dim: 1, hyper: HYPER, yScaler: { mean: 0, std: 1 }, x: X3, y: Y3, metadata: { nTrain: 3, seed: 0, logPosterior: null, nHyper: 3 } } as GpJson;
    expect(Gp.fromJSON(old).predict([[0.25]]).mean[0]).toBeCloseTo(0.21712918, 7);
    const withTrend = fitGp({ x, y }, { seed: 2 }).toJSON();
    expect(withTrend.format).toBe('sdfl-gp/2');
    expect(() => Gp.fromJSON({ ...withTrend, format: GP_FORMAT_V1 })).toThrow(/no trend/);
    expect(() => Gp.fromJSON({ ...withTrend, hyper: { ...withTrend.hyper, trend: { linear: -1, quadratic: 1 } } })).toThrow(/inconsistent/);
  });

  it('the quartic trend: features uncorrelated with the stated variances; gradients match finite differences', () => {
    // Midpoint rule on [0, 1]: exact enough for polynomials of degree 8.
    const m = 20000;
    const f = new Float64Array(4);
    const sums = Array.from({ length: 4 }, () => new Float64Array(4));
    const means = new Float64Array(4);
    for (let i = 0; i < m; i++) {
      writeTrendFeatures([(i + 0.5) / m], 1, 4, f);
      for (let a = 0; a < 4; a++) {
        means[a]! += f[a]! / m;
        for (let b = 0; b < 4; b++) sums[a]![b]! += (f[a]! * f[b]!) / m;
      }
    }
    for (let a = 0; a < 4; a++) {
      expect(means[a]).toBeCloseTo(0, 9);
      for (let b = 0; b < 4; b++) expect(sums[a]![b]! / (a === b ? TREND_FEATURE_VARIANCES[a]! : 1)).toBeCloseTo(a === b ? 1 : 0, 6);
    }
    const x = uniformSample(15, 3, createPrng(1));
    const z = Float64Array.from(x, (u) => Math.sin(4 * u[0]!) + (u[1]! - 0.5) ** 4 - u[2]! ** 3);
    const nl = negLogPosterior(x, z, 3, 4);
    const theta = Float64Array.from([-0.7, 0.1, 0.9, 0.2, -3, -0.5, 1.0, 3, 5]);
    const { g } = nl(theta);
    expect(g).toHaveLength(9);
    expectGradientMatches(nl, theta, g, 4);
  });

  it('a quartic trend learns a sum of one-input quartics a quadratic one cannot; sdfl-gp/3 round-trips and guards its terms', () => {
    const quartics = (u: readonly number[]) => u.reduce((a, v, k) => a + (4 * (v - 0.3 - 0.1 * k)) ** 4 - 3 * (v - 0.5), 0);
    const x = uniformSample(40, 4, createPrng(21));
    const y = x.map(quartics);
    const test = uniformSample(500, 4, createPrng(22));
    const truth = test.map(quartics);
    const quartic = fitGp({ x, y }, { seed: 1, trendDegree: 4 });
    const quadratic = fitGp({ x, y }, { seed: 1 });
    expect(r2(truth, quartic.predict(test).mean)).toBeGreaterThan(0.99);
    expect(r2(truth, quadratic.predict(test).mean)).toBeLessThan(r2(truth, quartic.predict(test).mean) - 0.02);
    expect(Object.keys(quartic.hyper.trend!).sort()).toEqual(['cubic', 'linear', 'quadratic', 'quartic']);
    const json = JSON.parse(JSON.stringify(quartic.toJSON())) as GpJson;
    expect(json.format).toBe(GP_FORMAT_V3);
    const back = Gp.fromJSON(json);
    expect(Array.from(back.predict(test.slice(0, 5)).mean)).toEqual(Array.from(quartic.predict(test.slice(0, 5)).mean));
    // A /2 reader would drop the higher terms, so each format holds only its own trend.
    expect(() => Gp.fromJSON({ ...json, format: GP_FORMAT })).toThrow(/cubic and quartic terms are sdfl-gp\/3/);
    expect(() => Gp.fromJSON({ ...quadratic.toJSON(), format: GP_FORMAT_V3 })).toThrow(/sdfl-gp\/3/);
    const { cubic: _cubic, ...noCubic } = json.hyper.trend!;
    expect(() => Gp.fromJSON({ ...json, hyper: { ...json.hyper, trend: noCubic } })).toThrow(/inconsistent/);
    expect(() => fitGp({ x, y }, { trendDegree: 5 })).toThrow(/trendDegree/);
  });

  it('withData keeps the hyper-parameters: a believer fantasy keeps the mean and shrinks the spread to the noise there', () => {
    const x = uniformSample(12, 2, createPrng(7));
    const y = x.map((u) => Math.sin(6 * u[0]!) - u[1]!);
    const gp = fitGp({ x, y }, { seed: 1 });
    const p = [0.9, 0.05];
    const before = gp.predict([p]);
    const after = gp.withData({ x: [...x, p], y: [...y, before.mean[0]!] }).predict([p]);
    expect(after.mean[0]).toBeCloseTo(before.mean[0]!, 6);
    expect(after.std[0]!).toBeLessThan(0.5 * before.std[0]!);
    // Posterior variance at a point observed once with noise variance s2 is below s2.
    expect(after.std[0]!).toBeLessThan(Math.sqrt(gp.hyper.noiseVariance) * gp.yScaler.std);
  });

  it('leave-one-out equals conditioning on the other points at the same hyper-parameters (trend and curvature included)', () => {
    const x = uniformSample(15, 3, createPrng(4));
    const y = x.map((u) => Math.sin(5 * u[0]!) + 2 * u[1]! * u[2]!);
    const gp = fitGp({ x, y }, { seed: 2, curvature: 1 });
    const loo = gp.leaveOneOut();
    expect(Array.from(loo.observed)).toEqual(y);
    for (let i = 0; i < y.length; i++) {
      const rest = gp.withData({ x: x.filter((_, j) => j !== i), y: y.filter((_, j) => j !== i) }).predict([x[i]!]);
      expect(loo.mean[i]).toBeCloseTo(rest.mean[0]!, 8);
      expect(loo.std[i]).toBeCloseTo(rest.std[0]!, 6);
    }
    // Left out, a point is predicted worse than with it.
    const fitted = gp.predict(x).mean;
    const err = (m: ArrayLike<number>) => y.reduce((a, v, i) => a + (m[i]! - v) ** 2, 0);
    expect(err(loo.mean)).toBeGreaterThan(err(fitted));
  });

  it('fits hyper-parameters on a seeded subset above hyperMaxPoints, the posterior on every point', () => {
    const x = uniformSample(80, 2, createPrng(8));
    const gp = fitGp({ x, y: x.map((u) => Math.cos(3 * u[0]!) * u[1]!) }, { seed: 1, hyperMaxPoints: 30 });
    expect(gp.metadata).toMatchObject({ nTrain: 80, nHyper: 30 });
    expect(gp.predict([x[79]!]).std[0]!).toBeLessThan(0.01);
  });

  it('maxPoints conditions on the most recent half and a seeded random half of the rest', () => {
    const x = uniformSample(50, 2, createPrng(9));
    const y = x.map((u) => Math.sin(4 * u[0]!) + u[1]!);
    const gp = fitGp({ x, y }, { seed: 1, maxPoints: 20 });
    expect(gp.nTrain).toBe(20);
    const kept = gp.toJSON().x.map((r) => r.join(','));
    for (const r of x.slice(40)) expect(kept).toContain(r.join(','));
    expect(new Set(kept).size).toBe(20);
    expect(fitGp({ x, y }, { seed: 1, maxPoints: 20 }).toJSON().x).toEqual(gp.toJSON().x);
  });

  it('checks its data and has the Matern-5/2 shape', () => {
    expect(() => fitGp({ x: [[0.1], [0.2]], y: [1] })).toThrow(GpError);
    expect(() => fitGp({ x: [[0.1], [NaN]], y: [1, 2] })).toThrow(/finite/);
    expect(matern52(0)).toBe(1);
    expect(matern52(1)).toBeCloseTo((1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 14);
  });
});
