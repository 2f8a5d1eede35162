/**
 * A tie-break against the cube's faces. The maximiser of EI or UCB lands on a face whenever the
 * model's uncertainty or its extrapolated slope grows toward it, often where the acquisition is
 * nearly flat (an input the model finds irrelevant, a trend it extends past the data): such a
 * proposal puts an actuator at its limit for almost no expected gain. Each coordinate on a face
 * moves inward when the acquisition's gain stays within a tolerance of the maximiser's, or loses
 * less than a negligible amount in objective units; where the face is clearly and materially better
 * the proposal stays on it.
 */
import type { PointSet, Quantizer } from './duplicates';
import type { BatchScore } from './optimize';

/** A coordinate this close to 0 or 1 lies on a face. */
export const FACE_EPS = 1e-3;
/** How far inward a coordinate on a face is moved. */
export const FACE_INSET = 0.03;

/**
 * An acquisition loss below this share of the observed range of results is negligible (see
 * `negligible`). Why: late in a campaign EI is tiny everywhere, and a face can hold 100x the EI
 * of a point 0.03 inside while both promise less than a percent of the spread of results.
 * bench/peers.ts, 20 seeds, with the default tolerance 0.99: proposals on a bound on the
 * simulator 0.069 -> 0.026 with 0.003 (0.01: 0.000 but its regret rose 0.151 -> 0.177 at 10
 * seeds); pooled regret 0.107 -> 0.108; the face-bump control still reaches its faces.
 */
export const NEGLIGIBLE_GAIN = 0.003;

/** Options of {@link offTheFaces}. */
export interface OffTheFacesOptions {
  /** Largest relative loss of acquisition accepted for leaving the faces (e.g. 0.1 = 10 %). */
  tolerance: number;
  /** Loss of acquisition accepted whatever the tolerance says (objective units). Default 0. */
  negligible?: number;
  /**
   * The gain compared is max(0, score - baseline). Default 0: the score is a gain itself (EI); for
   * UCB the incumbent on its scale, so that what is weighed is its optimistic improvement.
   */
  baseline?: number;
  /** Search box (a trust region or the cube); moved coordinates stay inside it. */
  lo: readonly number[];
  hi: readonly number[];
  quantize: Quantizer;
  exclude: PointSet;
}

/**
 * The point `x` (the maximiser of `score`, of value `value`) with each coordinate on a face of the
 * cube moved {@link FACE_INSET} inward, one at a time, while the gain stays >= (1 - tolerance) x
 * the maximiser's gain or falls by at most `negligible`. Returns `x` itself when no move qualifies;
 * values are the score's.
 */
export function offTheFaces(x: readonly number[], value: number, score: BatchScore, o: OffTheFacesOptions): { x: number[]; value: number } {
  const gain = (s: number) => Math.max(0, s - (o.baseline ?? 0));
  let best = { x: [...x], value };
  const top = gain(value);
  const floor = (1 - o.tolerance) * top;
  for (let k = 0; k < x.length; k++) {
    const v = best.x[k]!;
    const target = v < FACE_EPS ? FACE_INSET : v > 1 - FACE_EPS ? 1 - FACE_INSET : null;
    if (target === null) continue;
    const moved = o.quantize(best.x.map((w, j) => (j === k ? Math.min(o.hi[k]!, Math.max(o.lo[k]!, target)) : w)));
    if (moved[k] === v || o.exclude.has(moved)) continue;
    const s = score([moved])[0]!;
    if (gain(s) >= floor || top - gain(s) <= (o.negligible ?? 0)) best = { x: moved, value: s };
  }
  return best;
}
