/**
 * The output scale of a GP fitted to learn a space: the GP of y itself, of log(y - min + shift) or
 * of log(max + shift - y), judged by how each predicts its own training points when each is left
 * out (exact leave-one-out at each model's hyper-parameters, in the objective's units).
 * Why: a response made of narrow peaks over a flat floor (Hartmann-6, the PL of a few good
 * conditions) is a smooth maximum of quadratics on a log scale, which a stationary kernel and a
 * polynomial trend carry far better than the peaks themselves; a polynomial response (Rosenbrock,
 * Styblinski-Tang) is not, and leave-one-out keeps it on its own scale. Two scores, because each
 * misses a case: the squared error is dominated by the few points near a peak and keeps some
 * peaked surfaces plain (Hartmann seed 2: R^2 -0.31 plain, 0.38 on the log scale); the predictive
 * density also weighs the floor but, alone, prefers a log scale on Rosenbrock by a few tenths of a
 * nat. Only learning fits (MV, designs, the twin) choose: three fits per decision, where EI's must
 * stay under 0.1 s.
 * bench/twin.ts, 10 seeds, LHS 9 + MV 51, median R^2 (plain -> squared error only -> both scores):
 * Hartmann-6 0.336 -> 0.585 (worst seed -0.314) -> 0.690 (worst 0.496; scikit-learn's GP on the
 * same points 0.143), the simulator 0.953 -> 0.975 -> 0.975, Rosenbrock 0.877 -> 0.865 -> 0.863,
 * Styblinski-Tang 1.000 throughout.
 */
import { Gp, sigmaPoints } from '../gp/gp';
import { LogOutputSurrogate, membersToPrediction } from './transform';
import type { SnapshotSurrogate } from './types';

/**
 * Shift of the log scales as a fraction of the observed range of results: it sets where the log
 * flattens out. bench/tmp runs (LHS 9 + MV 51, 5 seeds, R^2 of a log(max + shift - y) GP on
 * Hartmann-6): 0.01 -> 0.64, 0.03 -> 0.69, 0.1 -> 0.60, 0.3 -> 0.62; offering 0.1 as well as 0.03
 * to the choice did not help (0.64).
 */
export const LEARN_WARP_SHIFT = 0.03;

/**
 * A log scale is chosen only when its leave-one-out error is at most this fraction of the plain
 * GP's: on a few dozen points the error is itself noisy, and a log scale taken by chance early in
 * an MV stage steers the design. bench/twin.ts, 10 seeds, R^2 of Rosenbrock / Hartmann-6: 1 ->
 * 0.841/0.565, 0.85 -> 0.865/0.585, 0.7 -> 0.866/0.471.
 */
export const LEARN_WARP_MARGIN = 0.85;

/**
 * ...or when its leave-one-out log density exceeds the plain GP's by this many nats per point.
 * Peaked surfaces clear it by 0.7-1.3 nat per point, polynomial ones fall short (Rosenbrock's log
 * scales gain at most 0.16). bench/twin.ts, 10 seeds, median R^2 of Hartmann-6 / Rosenbrock with
 * the squared-error rule beside it: 0.3 -> 0.690/0.863, 0.5 -> 0.604/0.863; the density alone
 * (no squared-error rule): 0 -> Rosenbrock 0.766, 0.33 -> 0.849.
 */
export const LEARN_WARP_DENSITY_MARGIN = 0.3;

/**
 * Fits a GP to `data`; `decreasing`: its values fall as the objective rises (a prior curvature
 * flips); `init`: a warm start, a GP fitted on the same scale.
 */
export type GpFitter = (data: { x: readonly (readonly number[])[]; y: readonly number[] }, decreasing: boolean, init: Gp | undefined) => Promise<Gp>;

/**
 * A GP, or a GP on a log scale when a log scale predicts its left-out points clearly better (by
 * {@link LEARN_WARP_MARGIN} in squared error or {@link LEARN_WARP_DENSITY_MARGIN} in density);
 * between the two log scales the lower squared error wins. `previous` (the last choice) warm-starts
 * the fit on its own scale only: hyper-parameters of one scale are a poor start on another, and a
 * warm fit runs no random restart.
 */
export async function fitWithOutputWarp(
  data: { x: readonly (readonly number[])[]; y: readonly number[] },
  fit: GpFitter,
  previous?: SnapshotSurrogate,
): Promise<Gp | LogOutputSurrogate> {
  const previousSign = previous instanceof LogOutputSurrogate ? previous.sign : 0;
  const previousGp = previous instanceof LogOutputSurrogate ? previous.inner : previous;
  const initOf = (sign: number) => (sign === previousSign && previousGp instanceof Gp ? previousGp : undefined);
  const plain = await fit(data, false, initOf(0));
  const lo = Math.min(...data.y);
  const hi = Math.max(...data.y);
  const shift = LEARN_WARP_SHIFT * (hi - lo);
  if (!(shift > 0) || !Number.isFinite(shift)) return plain;
  const plainScores = leaveOneOutScores(plain);
  const densityMargin = LEARN_WARP_DENSITY_MARGIN * data.y.length;
  let best: Gp | LogOutputSurrogate = plain;
  let bestError = plainScores.squaredError;
  for (const [sign, offset] of [[1, shift - lo], [-1, hi + shift]] as const) {
    // sign 1: log(y - lo + shift), rising with y; sign -1: log(hi + shift - y), falling.
    const gp = await fit({ x: data.x, y: data.y.map((v) => Math.log(sign === 1 ? v - lo + shift : offset - v)) }, sign === -1, initOf(sign));
    const warped = new LogOutputSurrogate(gp, offset, sign);
    const scores = leaveOneOutScores(gp, (z) => warped.fromLog(z));
    const better =
      best === plain
        ? scores.squaredError < plainScores.squaredError * LEARN_WARP_MARGIN || scores.logDensity > plainScores.logDensity + densityMargin
        : scores.squaredError < bestError;
    if (better) [best, bestError] = [warped, scores.squaredError];
  }
  return best;
}

/**
 * How well `gp` predicts each of its training points when that point is left out (exact, at its
 * hyper-parameters), in the objective's units. `fromLog` maps the values of a log-scale GP back:
 * the left-out prediction is then the mean of its back-transformed sigma points, as the wrapper
 * predicts, and the density of y is that of z = log|y + c| times |dz/dy| = exp(-z).
 */
export function leaveOneOutScores(gp: Gp, fromLog?: (z: number) => number): { squaredError: number; logDensity: number } {
  const loo = gp.leaveOneOut();
  const n = loo.observed.length;
  const predicted = fromLog ? membersToPrediction(sigmaPoints(loo).map((m) => m.map(fromLog)), n).mean : loo.mean;
  const noise = gp.hyper.noiseVariance * gp.yScaler.std ** 2;
  let squaredError = 0;
  let logDensity = 0;
  for (let i = 0; i < n; i++) {
    const z = loo.observed[i]!;
    squaredError += (predicted[i]! - (fromLog ? fromLog(z) : z)) ** 2;
    const v = loo.std[i]! ** 2 + noise;
    logDensity += -0.5 * Math.log(2 * Math.PI * v) - (0.5 * (z - loo.mean[i]!) ** 2) / v - (fromLog ? z : 0);
  }
  return { squaredError, logDensity };
}
