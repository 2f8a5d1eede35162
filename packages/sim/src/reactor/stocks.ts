import { type Condition, type ConditionSpace, cuIStreamUlMin, transitTimes } from '@sdfl/chemistry';

/**
 * What the syringes hold (docs/science.md §2; paper §2.2). Concentrations in mM,
 * ligand contents as volume fractions. Every default is computed from the paper's recipe.
 */
export interface StockRecipe {
  /** CuI stock: 0.45 mmol CuI in 5 mL OA + 5 mL OAm + 50 mL ODE = 7.5 mM. */
  cuIMm: number;
  /** OA in the CuI stock, v/v: 5 mL of 60 mL = 0.0833. */
  cuIStockOaFraction: number;
  /** OAm in the CuI stock, v/v: 5 mL of 60 mL = 0.0833. */
  cuIStockOAmFraction: number;
  /** Cs-oleate stock: 240 mg Cs2CO3 (325.82 g/mol, 2 Cs each) in 3.75 mL OA + 45 mL ODE = 30.2 mM Cs. */
  csMm: number;
  /** OA in the Cs-oleate stock, v/v: 3.75 mL of 48.75 mL = 0.0769 (Cs:OA ~ 1:8, above the 1:5 solubility rule). */
  csStockOaFraction: number;
  /** Ligand in the OA-ODE and OAm-ODE stocks, v/v: 1:4 ligand:ODE = 0.2. */
  ligandFraction: number;
  /** Neat oleic acid, mM: 0.895 g/mL / 282.46 g/mol = 3169 mM. */
  oaNeatMm: number;
  /** Neat oleylamine, mM: 0.813 g/mL / 267.49 g/mol = 3039 mM. */
  oAmNeatMm: number;
}

export const defaultStockRecipe: Readonly<StockRecipe> = Object.freeze({
  cuIMm: 7.5,
  cuIStockOaFraction: 5 / 60,
  cuIStockOAmFraction: 5 / 60,
  csMm: ((240 / 325.82) * 2 * 1_000) / 48.75,
  csStockOaFraction: 3.75 / 48.75,
  ligandFraction: 0.2,
  oaNeatMm: (0.895 / 282.46) * 1e6,
  oAmNeatMm: (0.813 / 267.49) * 1e6,
});

/**
 * The reactor's view of a condition: concentrations in the reactive (precursor) phase after the two
 * streams meet 1:1 (PFO carries nothing and is excluded), plus the process quantities.
 */
export interface ReactorInputs {
  /** CuI, mM. 0.375-1.875 mM over the default space. */
  cuIMm: number;
  /** Cs (as Cs-oleate), mM. 1.5-7.5 mM over the default space. */
  csMm: number;
  /** Oleic acid brought by the CuI stream (CuI stock + OA-ODE), mM. */
  oaCuIMm: number;
  /** Oleic acid brought by the Cs stream (Cs-oleate stock + OA-ODE), mM. */
  oaCsMm: number;
  /** Oleylamine (CuI stock + OAm-ODE), mM. */
  oAmMm: number;
  /** Reaction (plate) temperature, C. */
  temperatureC: number;
  /** Time in the heated reactor tubing, s. */
  reactionTimeS: number;
  /** tau: CuI 5-way junction to the flow cells, s. */
  residenceTimeS: number;
  /** Both precursor streams together, uL/min (the paper's "total flowrate"; < 600 is mixing-limited). */
  precursorUlMin: number;
}

/**
 * Concentrations and process quantities of a condition. Accepts any condition with a positive CuI
 * stream flow, inside the space or not (the space only supplies the tubing geometry); throws a
 * RangeError otherwise. The Cs stream is taken to flow 1:1 with the CuI stream (planFlows' rule).
 */
export function reactorInputs(condition: Condition, space: ConditionSpace, stocks: StockRecipe = defaultStockRecipe): ReactorInputs {
  const stream = cuIStreamUlMin(condition);
  if (!(stream > 0) || !Number.isFinite(stream) || !Number.isFinite(condition.temperatureC)) {
    throw new RangeError(`reactor: condition needs a finite temperature and a positive CuI stream flow, got ${JSON.stringify(condition)}`);
  }
  const precursor = 2 * stream;
  const perPrecursor = (ulMin: number, mM: number) => (ulMin * mM) / precursor;
  const oaLigandMm = stocks.ligandFraction * stocks.oaNeatMm;
  const times = transitTimes(space.config.segments, { cuIStreamUlMin: stream, segmentedUlMin: 4 * stream });
  return {
    cuIMm: perPrecursor(condition.cuIUlMin, stocks.cuIMm),
    csMm: perPrecursor(condition.csOleateUlMin, stocks.csMm),
    oaCuIMm: perPrecursor(condition.cuIUlMin, stocks.cuIStockOaFraction * stocks.oaNeatMm) + perPrecursor(condition.oaCuIUlMin, oaLigandMm),
    oaCsMm: perPrecursor(condition.csOleateUlMin, stocks.csStockOaFraction * stocks.oaNeatMm) + perPrecursor(condition.oaCsUlMin, oaLigandMm),
    oAmMm:
      perPrecursor(condition.cuIUlMin, stocks.cuIStockOAmFraction * stocks.oAmNeatMm) +
      perPrecursor(condition.oAmUlMin, stocks.ligandFraction * stocks.oAmNeatMm),
    temperatureC: condition.temperatureC,
    reactionTimeS: times.reactionTimeS,
    residenceTimeS: times.residenceTimeS,
    precursorUlMin: precursor,
  };
}
