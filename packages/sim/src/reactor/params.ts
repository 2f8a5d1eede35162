import { hashUniform } from '../random';

/**
 * Parameters of the Cs3Cu2I5 response family (see response.ts for the formulas). Units are in the
 * names; concentrations are in the reactive phase (reactorInputs). The default values are *ours*,
 * tuned so that the trends of docs/science.md §6 hold and the PL_I optimum lies inside the default
 * condition space; `drawResponseParams` varies the location-and-sensitivity ones.
 */
export interface ResponseParams {
  /** PL_I ~ [CuI]^exponent before aggregation: the strongest input (paper Fig 7A, SHAP rank 1). */
  cuIExponent: number;
  /** [CuI] of the solubility/aggregation penalty 1 / (1 + ([CuI]/this)^order), mM. */
  cuIAggregationMm: number;
  cuIAggregationOrder: number;
  /** Temperature of highest PL_I, C (paper Fig 5F: rises to 150 C, lower above). */
  optimumTemperatureC: number;
  /** Half-widths (1/e) of the PL_I temperature response below / above the optimum, C. */
  temperatureWidthLowC: number;
  temperatureWidthHighC: number;
  /** First-order growth rate at 150 C, 1/s, and its rise per 10 C (conversion = 1 - exp(-k t_R)). */
  growthRate150PerS: number;
  growthQ10: number;
  /** Reaction time of highest PL_I, s (paper Fig 4D: PL_I drops slightly above ~28 s). */
  optimumReactionTimeS: number;
  /** Half-widths (1/e) of the reaction-time response below / above the optimum, s. */
  reactionTimeWidthLowS: number;
  reactionTimeWidthHighS: number;
  /**
   * Ligand held by the metal of its own stock, per metal ion (mM/mM): only the remainder is free to
   * passivate or to harm. Defaults leave ~20 % of the CuI stock's OA and OAm free.
   */
  oaBoundPerCu: number;
  oAmBoundPerCu: number;
  oaBoundPerCs: number;
  /** Free OA of each stream with the highest PL_I, mM, and the log-width of that optimum (paper Fig 5C-D). */
  optimumOaCuIMm: number;
  oaCuILogWidth: number;
  optimumOaCsMm: number;
  oaCsLogWidth: number;
  /** Free OA (both streams) at which it gives half its yield gain, mM (paper Fig S7C-D). */
  oaYieldMm: number;
  /** Free OAm scale of its yield gain, mM (paper Fig S7E). */
  oAmYieldMm: number;
  /** Free OAm scale of its PL loss exp(-OAm/this), mM (paper Fig 5E). */
  oAmQuenchMm: number;
  /** Relative amplitude and phase of the weak, non-monotonic Cs-oleate response (paper Fig 5A). */
  csRipple: number;
  csPhaseRad: number;
  /** Precursor flow scale of mixing limitation 1 - exp(-(flow/this)^3), uL/min (plateau above 600, Fig 4A-B). */
  mixingFlowUlMin: number;
  /** Centre and width of the onset of the ~600 nm side population (below 120 C, Fig 5F), C; max Cu fraction it takes. */
  side600OnsetC: number;
  side600WidthC: number;
  side600MaxFraction: number;
  /** Height of the ~380 nm side peak at 4.5 mM Cs and 60 mM free Cs-stream OA (Fig 5A), PL units. */
  side380Height: number;
  /** PL_I of [CuI] = 1 mM with every other factor at 1 (sets the reference condition to ~1). */
  plScale: number;
  /** Absorbance at 300 nm of fully converted 1 mM CuI in the absorption flow cell, AU. */
  absPerCuIMm: number;
}

/** The documented response (variant 0). */
export const defaultResponseParams: Readonly<ResponseParams> = Object.freeze({
  cuIExponent: 1.7,
  cuIAggregationMm: 2.0,
  cuIAggregationOrder: 8,
  optimumTemperatureC: 150,
  temperatureWidthLowC: 45,
  temperatureWidthHighC: 18,
  growthRate150PerS: 0.5,
  growthQ10: 1.8,
  optimumReactionTimeS: 28,
  reactionTimeWidthLowS: 20,
  reactionTimeWidthHighS: 34,
  oaBoundPerCu: 28,
  oAmBoundPerCu: 27,
  oaBoundPerCs: 4,
  optimumOaCuIMm: 45,
  oaCuILogWidth: 0.6,
  optimumOaCsMm: 60,
  oaCsLogWidth: 0.9,
  oaYieldMm: 60,
  oAmYieldMm: 13.5,
  oAmQuenchMm: 70,
  csRipple: 0.02,
  csPhaseRad: 4.3,
  mixingFlowUlMin: 300,
  side600OnsetC: 112,
  side600WidthC: 4,
  side600MaxFraction: 0.4,
  side380Height: 0.05,
  plScale: 2,
  absPerCuIMm: 0.6,
});

/**
 * Response parameters of variant `variant` >= 1 for `seed`: optimum locations and sensitivities
 * drawn uniformly (log-uniformly for concentrations) around the default, keeping CuI and
 * temperature the strongest inputs. Variant 0 is `defaultResponseParams`.
 */
export function drawResponseParams(seed: number, variant: number): ResponseParams {
  if (variant === 0) return { ...defaultResponseParams };
  const u = (name: string, lo: number, hi: number) => lo + (hi - lo) * hashUniform(seed, 'variant', variant, name);
  const logU = (name: string, lo: number, hi: number) => Math.exp(u(name, Math.log(lo), Math.log(hi)));
  return {
    ...defaultResponseParams,
    cuIExponent: u('cuIExponent', 1.3, 1.9),
    cuIAggregationMm: u('cuIAggregationMm', 1.3, 2.3),
    optimumTemperatureC: u('optimumTemperatureC', 128, 160),
    temperatureWidthLowC: u('temperatureWidthLowC', 35, 55),
    temperatureWidthHighC: u('temperatureWidthHighC', 13, 24),
    optimumReactionTimeS: u('optimumReactionTimeS', 26, 36),
    reactionTimeWidthHighS: u('reactionTimeWidthHighS', 30, 55),
    optimumOaCuIMm: logU('optimumOaCuIMm', 32, 75),
    oaCuILogWidth: u('oaCuILogWidth', 0.55, 0.85),
    optimumOaCsMm: logU('optimumOaCsMm', 40, 100),
    oaCsLogWidth: u('oaCsLogWidth', 0.7, 1.1),
    oAmYieldMm: u('oAmYieldMm', 8, 20),
    oAmQuenchMm: u('oAmQuenchMm', 50, 100),
    csRipple: u('csRipple', 0.01, 0.03),
    csPhaseRad: u('csPhaseRad', 0, 2 * Math.PI),
  };
}
