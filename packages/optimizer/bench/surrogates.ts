/** The ENN as a study SurrogateFactory for the benches, and the twin's structure search. */
import { Enn } from '../src/enn/enn';
import { fitEnn } from '../src/enn/fit';
import { r2 } from '../src/enn/metrics';
import { selectStructure } from '../src/enn/structure';
import type { EnnStructure } from '../src/enn/types';
import { createPrng, deriveSeed, permutation } from '../src/sampling/prng';
import { autoFit, logOutput, type SurrogateFactory, type TrainingData } from '../src/study';
import type { StructureSearch } from './workflow';

/** fitEnn with a fixed structure; warm-starts from `init` when it is an ENN. */
export function ennFactory(structure?: Partial<EnnStructure>): SurrogateFactory {
  return (data, o) => fitEnn(data, { seed: o.seed, ...(structure ? { structure } : {}), ...(o.init instanceof Enn ? { init: o.init } : {}) });
}

/** Pooled k-fold cross-validated R^2 of one candidate (original units). */
export async function crossValidatedR2(fit: SurrogateFactory, data: TrainingData, seed: number, folds = 5): Promise<number> {
  const n = data.y.length;
  const perm = permutation(n, createPrng(deriveSeed(seed, 'cv')));
  const pred = new Float64Array(n);
  for (let k = 0; k < folds; k++) {
    const test = perm.filter((_, i) => i % folds === k);
    const train = perm.filter((_, i) => i % folds !== k);
    const m = await fit({ x: train.map((i) => data.x[i]!), y: train.map((i) => data.y[i]!) }, { seed: deriveSeed(seed, 'fold', k) });
    const p = m.predict(test.map((i) => data.x[i]!)).mean;
    test.forEach((i, j) => (pred[i] = p[j]!));
  }
  return r2(data.y, pred);
}

/**
 * The paper's structure search (the ENN's `selectStructure`, here 5-fold at 60 points for a less
 * noisy choice), then the output scale (y or log y) by 5-fold CV with the chosen structure.
 */
export function ennStructureSearch(): StructureSearch {
  return async (data, seed) => {
    const sel = await selectStructure(data.x, data.y, { seed, folds: 5 });
    const b = sel.best;
    const label = `d${b.depth}w${b.width}x${b.members} ${b.activation} wd${b.weightDecay}`;
    const lin = ennFactory(b);
    const log = logOutput(lin);
    const rLog = await crossValidatedR2(log, data, seed);
    const rLin = await crossValidatedR2(lin, data, seed);
    return rLog > rLin ? { fit: log, label: `log ${label}`, searchR2: rLog } : { fit: lin, label, searchR2: rLin };
  };
}


/** The GP twin: the `auto` GP on y or on log y, whichever has the better 5-fold CV R^2. */
export function gpTwinSearch(): StructureSearch {
  return async (data, seed) => {
    const log = logOutput(autoFit);
    const rLog = await crossValidatedR2(log, data, seed);
    const rLin = await crossValidatedR2(autoFit, data, seed);
    return rLog > rLin ? { fit: log, label: 'log gp', searchR2: rLog } : { fit: autoFit, label: 'gp', searchR2: rLin };
  };
}
