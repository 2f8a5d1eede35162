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
import type { Gp } from '../gp/gp';
import { LogOutputSurrogate } from './transform';

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
 * (a log scale by the margin {@link LEARN_WARP_MARGIN}). `previous` (the last choice) warm-starts the fit on its own scale only: hyper-parameters of one
 * scale are a poor start on another, and a warm fit runs no random restart.
 */
export async function fitWithOutputWarp(
  data: { x: readonly (readonly number[])[]; y: readonly number[] },
  fit: GpFitter,
  previous?: Gp | LogOutputSurrogate,
): Promise<Gp | LogOutputSurrogate> {
  const sign = previous instanceof LogOutputSurrogate ? previous.sign : 0;
  const initOf = (s: number) => (s !== sign ? undefined : previous instanceof LogOutputSurrogate ? (previous.inner as Gp) : previous);
  const plain = await fit(data, false, initOf(0));
  const lo = Math.min(...data.y);
  const hi = Math.max(...data.y);
  const shift = LEARN_WARP_SHIFT * (hi - lo);
  if (!(shift > 0) || !Number.isFinite(shift)) return plain;
  const above = new LogOutputSurrogate(await fit({ x: data.x, y: data.y.map((v) => Math.log(v - lo + shift)) }, false, initOf(1)), shift - lo, 1);
  const below = new LogOutputSurrogate(await fit({ x: data.x, y: data.y.map((v) => Math.log(hi + shift - v)) }, true, initOf(-1)), hi + shift, -1);
  let best: Gp | LogOutputSurrogate = plain;
  let bestError = leaveOneOutError(plain);
  for (const m of [above, below]) {
    const e = leaveOneOutError(m);
    if (e < bestError * (best === plain ? LEARN_WARP_MARGIN : 1)) [best, bestError] = [m, e];
  }
  return best;
}

/**
 * Sum of squared leave-one-out errors in the objective's units. On a log scale the left-out
 * prediction is the mean of the back-transformed sigma points, as the wrapper predicts.
 */
export function leaveOneOutError(model: Gp | LogOutputSurrogate): number {
  const warped = model instanceof LogOutputSurrogate ? model : null;
  // The wrapper's inner model is the GP fitWithOutputWarp built it on.
  const { mean, std, observed } = ((warped ? warped.inner : model) as Gp).leaveOneOut();
  let sum = 0;
  for (let i = 0; i < mean.length; i++) {
    const predicted = warped ? (warped.fromLog(mean[i]! + std[i]!) + warped.fromLog(mean[i]! - std[i]!)) / 2 : mean[i]!;
    sum += (predicted - (warped ? warped.fromLog(observed[i]!) : observed[i]!)) ** 2;
  }
  return sum;
}
