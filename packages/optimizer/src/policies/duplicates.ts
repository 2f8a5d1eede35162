/**
 * Duplicate guard: points are compared after rounding to actuator resolution, because two cube
 * points that the pumps and heater realise identically are the same experiment.
 */

/** Rounds a cube point to what the hardware would realise (e.g. `ConditionSpace.quantizeCube`). */
export type Quantizer = (u: readonly number[]) => number[];

/** Default quantizer: clamp to [0,1] and round to 1e-9 (no actuator model). */
export const identityQuantizer: Quantizer = (u) => u.map((x) => Math.round(Math.min(1, Math.max(0, x)) * 1e9) / 1e9);

/** Stable string key of a quantized point (1e-9 grid, so float noise of the quantizer cannot split equal points). */
export function pointKey(q: readonly number[]): string {
  return q.map((x) => Math.round(x * 1e9)).join(',');
}

/** A set of quantized points (observed and pending experiments) that must not be proposed again. */
export class PointSet {
  private readonly keys = new Set<string>();

  constructor(points: Iterable<readonly number[]> = []) {
    for (const p of points) this.add(p);
  }

  /** Adds an already-quantized point. */
  add(q: readonly number[]): void {
    this.keys.add(pointKey(q));
  }

  /** True when the quantized point is in the set. */
  has(q: readonly number[]): boolean {
    return this.keys.has(pointKey(q));
  }

  get size(): number {
    return this.keys.size;
  }
}
