import { type Condition, type ConditionSpace, createConditionSpace } from '@sdfl/chemistry';
import { gaussian, type RandomSource } from '../random';
import { type CubeSearchOptions, type GroundTruth, maximizeOnCube, type Objective, objectiveValue, type Optimum } from '../truth';
import { defaultNoiseLevels, drawSampleScale, type NoiseLevels, retainedQuality, scaleFeatures } from './noise';
import { defaultResponseParams, drawResponseParams, type ResponseParams } from './params';
import { responseComponents, type SpectralComponents } from './response';
import { featuresOf, type ReactorFeatures } from './spectra';
import { defaultStockRecipe, reactorInputs, type ReactorInputs, type StockRecipe } from './stocks';

/** Why an experiment produced nothing usable. */
export type FailureReason = 'clogged' | 'no-emission' | 'unstable-flow';

/** Failure behaviour when enabled (`failures: true` takes every default). */
export interface FailureOptions {
  /**
   * Clogging region: OAm-rich, cold CuI streams precipitate (*ours*): fails where
   * freeOAm / 45 mM + (125 C - T) / 25 C >= 2, e.g. below ~116 C at the top of the OAm range.
   * Default true.
   */
  clogging?: boolean;
  /** PL_I (noise-free) below which the product counts as 'no-emission'. Default 0.02 (~2 % of the reference condition). */
  noEmissionBelow?: number;
  /** Chance that any experiment fails anyway ('unstable-flow': droplet break-up, a bubble). Default 0.01. */
  randomRate?: number;
}

/** Options of {@link createReactorModel}. Every field is optional. */
export interface ReactorModelOptions {
  /** Seed of the variant draw and of the simulation's noise. Default 0. */
  seed?: number;
  /**
   * Response variant: 0 (default) = the documented response (`defaultResponseParams`);
   * k >= 1 = optimum locations and sensitivities drawn from (seed, k); an object overrides
   * individual parameters of the default.
   */
  variant?: number | Partial<ResponseParams>;
  /** Tubing geometry (reaction time, tau) and default search space. Default `createConditionSpace()`. */
  space?: ConditionSpace;
  /** Stock solutions. Default the paper's recipe (`defaultStockRecipe`). */
  stocks?: Partial<StockRecipe>;
  /** Relative measurement noise. Default the paper's 1.3 / 1.1 / 1.0 % (`defaultNoiseLevels`). */
  noise?: Partial<NoiseLevels>;
  /** Fractional loss of yield and PL per hour of stock age (linear). Default 0 (no drift). */
  driftPerHour?: number;
  /** Failure region and random failures. Default false (never fails). */
  failures?: boolean | FailureOptions;
}

/** One noisy measurement: features, or a failure. */
export type Measurement = { failed: false; features: ReactorFeatures } | { failed: true; reason: FailureReason; message: string };

/**
 * A seeded member of the Cs3Cu2I5 response family: noise-free truth, noisy measurements and the
 * spectral components the flow simulation mixes. Pure apart from the optimum cache.
 *
 * @example
 * const model = createReactorModel({ seed: 1 });
 * const u = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
 * model.truth(model.space.fromCube(u)).plIntensity; // ~1.0 (the reference condition)
 * model.optimum().cube; // the variant's global best in the default space
 */
export class ReactorModel implements GroundTruth {
  readonly seed: number;
  readonly variant: number | 'custom';
  readonly params: Readonly<ResponseParams>;
  readonly space: ConditionSpace;
  readonly stocks: Readonly<StockRecipe>;
  readonly noise: Readonly<NoiseLevels>;
  readonly driftPerHour: number;
  /** Resolved failure options, or null when failures are off. */
  readonly failures: Readonly<Required<FailureOptions>> | null;
  private readonly optima = new WeakMap<ConditionSpace, Map<string, Optimum>>();

  constructor(options: ReactorModelOptions = {}) {
    const { seed = 0, variant = 0, driftPerHour = 0, failures = false } = options;
    if (!Number.isInteger(seed)) throw new RangeError(`reactor model: seed must be an integer, got ${seed}`);
    if (typeof variant === 'number' && !(Number.isInteger(variant) && variant >= 0)) {
      throw new RangeError(`reactor model: variant must be an integer >= 0 or a parameter object, got ${variant}`);
    }
    if (!(driftPerHour >= 0)) throw new RangeError(`reactor model: driftPerHour must be >= 0, got ${driftPerHour}`);
    this.seed = seed;
    this.variant = typeof variant === 'number' ? variant : 'custom';
    this.params = Object.freeze(typeof variant === 'number' ? drawResponseParams(seed, variant) : { ...defaultResponseParams, ...variant });
    this.space = options.space ?? createConditionSpace();
    this.stocks = Object.freeze({ ...defaultStockRecipe, ...options.stocks });
    this.noise = Object.freeze({ ...defaultNoiseLevels, ...options.noise });
    this.driftPerHour = driftPerHour;
    const f = failures === true ? {} : failures;
    this.failures = f === false ? null : Object.freeze({ clogging: true, noEmissionBelow: 0.02, randomRate: 0.01, ...f });
  }

  /** Concentrations and process quantities of a condition (any condition with flow, in the space or not). */
  inputs(condition: Condition): ReactorInputs {
    return reactorInputs(condition, this.space, this.stocks);
  }

  /** The steady-state product of a condition as spectral components (for spectra and mixing). */
  components(condition: Condition): SpectralComponents {
    return responseComponents(this.inputs(condition), this.params);
  }

  /** Noise-free steady-state features. Bound, so `const f = model.truth` works as a callback. */
  readonly truth = (condition: Condition): ReactorFeatures => featuresOf(this.components(condition));

  /**
   * The deterministic part of failure: the reason this condition fails, or null (always null
   * while failures are off). Random 'unstable-flow' failures are drawn by `measure` and the simulation.
   */
  failureAt(condition: Condition): { reason: FailureReason; message: string } | null {
    if (this.failures === null) return null;
    const x = this.inputs(condition);
    const freeOAm = Math.max(0, x.oAmMm - this.params.oAmBoundPerCu * x.cuIMm);
    if (this.failures.clogging && freeOAm / 45 + (125 - x.temperatureC) / 25 >= 2) {
      return {
        reason: 'clogged',
        message: `OAm-rich CuI stream (${freeOAm.toFixed(0)} mM free OAm) at ${x.temperatureC.toFixed(0)} C precipitated and clogged the line`,
      };
    }
    const pl = this.truth(condition).plIntensity;
    if (pl < this.failures.noEmissionBelow) {
      return { reason: 'no-emission', message: `no detectable emission (PL_I ${pl.toExponential(2)} < ${this.failures.noEmissionBelow})` };
    }
    return null;
  }

  /**
   * One steady-state measurement with the configured noise, drift and failures.
   * @param rng uniform source for noise and random failures (e.g. `createRandom(seed)`)
   * @param options.ageH age of the stock solutions, h (for drift). Default 0.
   */
  measure(condition: Condition, rng: RandomSource, options: { ageH?: number } = {}): Measurement {
    const failure = this.failureAt(condition);
    if (failure !== null) return { failed: true, ...failure };
    if (this.failures !== null && rng.next() < this.failures.randomRate) {
      return { failed: true, reason: 'unstable-flow', message: 'droplet flow became unstable (random failure)' };
    }
    const scale = drawSampleScale(this.noise, () => gaussian(rng), retainedQuality(this.driftPerHour, options.ageH ?? 0));
    return { failed: false, features: scaleFeatures(this.truth(condition), scale) };
  }

  /**
   * Global best of the objective over a condition space (default: this model's), found by a dense
   * Halton scan plus pattern search (see maximizeOnCube) and cached per space and feature.
   */
  optimum(space: ConditionSpace = this.space, objective: Objective = 'plIntensity', search?: CubeSearchOptions): Optimum {
    const key = typeof objective === 'string' && search === undefined ? objective : null;
    const cached = key === null ? undefined : this.optima.get(space)?.get(key);
    if (cached !== undefined) return cached;
    const found = maximizeOnCube((u) => objectiveValue(objective, this.truth(space.fromCube(u))), space.dim, search);
    const condition = space.fromCube(found.cube);
    const result: Optimum = { cube: found.cube, condition, value: found.value, features: this.truth(condition) };
    if (key !== null) {
      const bySpace = this.optima.get(space) ?? new Map<string, Optimum>();
      bySpace.set(key, result);
      this.optima.set(space, bySpace);
    }
    return result;
  }
}

/** Creates a reactor model; see {@link ReactorModelOptions} for defaults. */
export function createReactorModel(options: ReactorModelOptions = {}): ReactorModel {
  return new ReactorModel(options);
}
