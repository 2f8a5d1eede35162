/**
 * 2-D response surface of a surrogate over two inputs with the others held fixed (paper Fig. 7B:
 * PL_I over the two most influential inputs).
 */
import type { Surrogate } from '../surrogate';

/** A gridded surface; `mean[iy][ix]` is at (xs[ix], ys[iy]). */
export interface ResponseSurface {
  /** Input on the horizontal axis and its grid (cube units). */
  xFeature: number;
  xs: number[];
  /** Input on the vertical axis and its grid (cube units). */
  yFeature: number;
  ys: number[];
  mean: number[][];
  std: number[][];
  /** Cube point supplying the held inputs. */
  fixed: number[];
}

/**
 * Evaluates the surrogate on a resolution x resolution grid of inputs (xFeature, yFeature), the
 * other inputs held at `fixed` (default: cube centre 0.5), in one batched predict call.
 *
 * @param resolution grid points per axis. Default 25.
 */
export function responseSurface(model: Surrogate, xFeature: number, yFeature: number, options: { fixed?: readonly number[]; resolution?: number } = {}): ResponseSurface {
  const d = model.dim;
  if (xFeature === yFeature || xFeature < 0 || yFeature < 0 || xFeature >= d || yFeature >= d) {
    throw new RangeError(`surface needs two different inputs in 0..${d - 1}, got ${xFeature} and ${yFeature}`);
  }
  const r = Math.max(2, options.resolution ?? 25);
  const fixed = options.fixed ? [...options.fixed] : new Array<number>(d).fill(0.5);
  const grid = Array.from({ length: r }, (_, i) => i / (r - 1));
  const rows: number[][] = [];
  for (const yv of grid) {
    for (const xv of grid) {
      const p = [...fixed];
      p[xFeature] = xv;
      p[yFeature] = yv;
      rows.push(p);
    }
  }
  const pred = model.predict(rows);
  const mean = grid.map((_, iy) => Array.from(pred.mean.subarray(iy * r, (iy + 1) * r)));
  const std = grid.map((_, iy) => Array.from(pred.std.subarray(iy * r, (iy + 1) * r)));
  return { xFeature, xs: grid, yFeature, ys: [...grid], mean, std, fixed };
}
