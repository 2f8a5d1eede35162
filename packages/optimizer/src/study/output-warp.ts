/**
 * The output scale of a GP fitted to learn a space: the GP of y itself, of log(y - min + shift) or
 * of log(max + shift - y), whichever predicts its own training points best when each is left out
 * (squared error in the objective's units, exact leave-one-out at each model's hyper-parameters).
 * Why: a response made of narrow peaks over a flat floor (Hartmann-6, the PL of a few good
 * conditions) is a smooth maximum of quadratics on a log scale, which a stationary kernel and a
 * polynomial trend carry far better than the peaks themselves; a polynomial response (Rosenbrock,
 * Styblinski-Tang) is not, and leave-one-out keeps it on its own scale. Only learning fits (MV,
 * designs, the twin) choose: three fits per decision, where EI's must stay under 0.1 s.
 * bench/twin.ts, 10 seeds, LHS 9 + MV 51, median R^2 before -> after: Hartmann-6 0.336 -> 0.585
 * (scikit-learn's GP on the same points 0.143), the simulator 0.953 -> 0.975, Levy 0.345 -> 0.390,
 * Styblinski-Tang 1.000 -> 1.000, Rosenbrock 0.877 -> 0.865, Ackley 0.104 -> -0.004.
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
 * Fits a GP to `data`; `decreasing`: its values fall as the objective rises (a prior curvature
 * flips); `init`: a warm start, a GP fitted on the same scale.
 */
export type GpFitter = (data: { x: readonly (readonly number[])[]; y: readonly number[] }, decreasing: boolean, init: Gp | undefined) => Promise<Gp>;

/**
 * A GP, or a GP on a log scale, whichever of the three scales has the least leave-one-out error
 * (a log scale by the margin {@link LEARN_WARP_MARGIN}). `previous` (the last choice) warm-starts
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
  let best: Gp | LogOutputSurrogate = plain;
  let bestError = leaveOneOutError(plain);
  for (const [sign, offset] of [[1, shift - lo], [-1, hi + shift]] as const) {
    // sign 1: log(y - lo + shift), rising with y; sign -1: log(hi + shift - y), falling.
    const gp = await fit({ x: data.x, y: data.y.map((v) => Math.log(sign === 1 ? v - lo + shift : offset - v)) }, sign === -1, initOf(sign));
    const warped = new LogOutputSurrogate(gp, offset, sign);
    const e = leaveOneOutError(gp, (z) => warped.fromLog(z));
    if (e < bestError * (best === plain ? LEARN_WARP_MARGIN : 1)) [best, bestError] = [warped, e];
  }
  return best;
}

/**
 * Sum of squared leave-one-out errors of `gp`, in the objective's units: `fromLog` maps its values
 * back when it is the GP of a log scale, and the left-out prediction is then the mean of its
 * back-transformed sigma points, as the wrapper predicts.
 */
export function leaveOneOutError(gp: Gp, fromLog?: (z: number) => number): number {
  const loo = gp.leaveOneOut();
  const n = loo.observed.length;
  const predicted = fromLog ? membersToPrediction(sigmaPoints(loo).map((m) => m.map(fromLog)), n).mean : loo.mean;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (predicted[i]! - (fromLog ? fromLog(loo.observed[i]!) : loo.observed[i]!)) ** 2;
  return sum;
}
