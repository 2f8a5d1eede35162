/**
 * What the parallel-coordinates and slice charts need of experiments: the cube point (every input
 * normalised to its bounds, as `GET /experiments` returns it) and the measured objective.
 *
 * @module
 */
import { finiteOrNull, type InputAxis } from './common';

/** An experiment's inputs and outcome (`Experiment.cube`, `.value`, `.status`, `.policy`). */
export interface InputExperiment {
  readonly id: string;
  readonly seq?: number;
  readonly status: string;
  readonly policy?: string;
  /** Cube coordinates in the inputs' order, [0, 1] each. */
  readonly cube: readonly number[];
  readonly value: number | null;
}

/** Common input of the charts over experiments' inputs. */
export interface ExperimentInputsInput {
  /** The space's inputs in cube order (`createConditionSpace(space).dimensions` fits). */
  readonly inputs: readonly InputAxis[];
  readonly experiments: readonly InputExperiment[];
  readonly objective?: string;
  /** `minimize` reverses the colour scale (the best is always bright). */
  readonly direction?: string;
}

/** Experiments whose cube point covers every input; `measured` when done with a finite value. */
export function usableExperiments(input: ExperimentInputsInput): { e: InputExperiment; measured: boolean }[] {
  return input.experiments
    .filter((e) => e.cube.length >= input.inputs.length && input.inputs.every((_, i) => finiteOrNull(e.cube[i]) !== null))
    .map((e) => ({ e, measured: e.status === 'done' && finiteOrNull(e.value) !== null }));
}
