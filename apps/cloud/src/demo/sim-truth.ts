/**
 * How good the demo's best condition really is: the simulator's noise-free PL_I there, as a
 * fraction of the simulator's global optimum. Simulated ground truth, labelled as such wherever it
 * is printed; the simulator loads only here, and only in the demo.
 *
 * @module
 */
import type { Condition } from '@sdfl/chemistry';

/** `truth(condition).plIntensity / optimum.value` for the platforms' default reactor (variant 0). */
export async function trueFraction(condition: Condition): Promise<number> {
  const { createReactorModel } = await import('@sdfl/sim');
  const model = createReactorModel();
  return model.truth(condition).plIntensity / model.optimum().value;
}
