import type { ResponseParams } from './params';
import type { ReactorInputs } from './stocks';

/**
 * Everything the spectra of one steady-state product are made of (spectra.ts turns it into
 * absorbance and emission at any wavelength). Absorbances in AU of the absorption cell; emission
 * heights in relative PL units (the reference condition, the default cube centre, gives ~1).
 */
export interface SpectralComponents {
  /** Cs3Cu2I5 excitonic band, absorbance at 300 nm (yield proxy). */
  ncAbs300: number;
  /** Scattering by aggregates and droplets at 300 nm; falls as lambda^-4. */
  scatterAbs300: number;
  /** Unreacted Cu(I)-ligand complexes at 300 nm (their band lies below 280 nm). */
  precursorAbs300: number;
  /** The ~600 nm-emitting side population's band at ~330 nm, peak absorbance. */
  side600Abs: number;
  /** Self-trapped-exciton emission: height, position (nm, independent of inputs) and FWHM (nm). */
  plHeight: number;
  plPeakNm: number;
  fwhmNm: number;
  /** Heights of the ~380 nm and ~600 nm side emissions. */
  side380Height: number;
  side600Height: number;
}

/** Peak wavelength of the STE emission, nm (docs/science.md §5: ~450 nm, independent of inputs). */
export const STE_PEAK_NM = 450;

/** Asymmetric Gaussian: 1 at `x0`, 1/e at x0 - wLow and x0 + wHigh; smooth (C1) at the peak. */
export function skewBell(x: number, x0: number, wLow: number, wHigh: number): number {
  const z = (x - x0) / (x < x0 ? wLow : wHigh);
  return Math.exp(-z * z);
}

/** Log-normal-shaped optimum: 1 at `x0`, falls with |ln(x/x0)| over `logWidth`. */
export function logBell(x: number, x0: number, logWidth: number): number {
  const z = Math.log(Math.max(x, 1e-9) / x0) / logWidth;
  return Math.exp(-0.5 * z * z);
}

/** Free ligand: what the stock's metal does not hold, floored at a trace so logs stay finite, mM. */
const free = (totalMm: number, metalMm: number, boundPerMetal: number) => Math.max(totalMm - boundPerMetal * metalMm, 0.1);

/**
 * The noise-free response of the reactor to one condition. Phenomenological, one factor per cause:
 * PL_I = scale x [CuI]^a x aggregation x conversion(T, t_R) x bell(T) x bell(t_R) x bell(OA_CuI)
 * x bell(OA_Cs) x OAm(gain x quench) x Cs ripple x mixing x (1 - side population), and
 * Abs300 = NC band (yield) + scattering + unreacted precursor + side population.
 */
export function responseComponents(x: ReactorInputs, p: ResponseParams): SpectralComponents {
  const cu = Math.max(x.cuIMm, 0);
  const oaCu = free(x.oaCuIMm, cu, p.oaBoundPerCu);
  const oaCs = free(x.oaCsMm, x.csMm, p.oaBoundPerCs);
  const oAm = free(x.oAmMm, cu, p.oAmBoundPerCu);

  // Cu-oleate-rich media favour Cs3Cu2I5 (paper ref. 61); near the CuI stock's limit, clusters
  // aggregate instead (our assumption, which keeps the optimum inside the space).
  const crowding = (cu / p.cuIAggregationMm) ** p.cuIAggregationOrder;
  const aggregation = 1 / (1 + crowding);
  // First-order growth: at >= 130 C conversion is complete by 25 s, so yield barely depends on
  // t_R there (Fig 4C); at 100 C it is about half.
  const rate = p.growthRate150PerS * p.growthQ10 ** ((x.temperatureC - 150) / 10);
  const conversion = 1 - Math.exp(-rate * Math.max(x.reactionTimeS, 0));
  // Mass-transfer limitation below ~600 uL/min total precursor flow (Fig 4A-B).
  const mixing = 1 - Math.exp(-((x.precursorUlMin / p.mixingFlowUlMin) ** 3));
  // Below ~120 C part of the copper forms a second, ~600 nm-emitting population (Fig 5F).
  const sideFraction = p.side600MaxFraction / (1 + Math.exp((x.temperatureC - p.side600OnsetC) / p.side600WidthC));
  const csLog = Math.log(Math.max(x.csMm, 1e-6) / 1.5) / Math.log(5); // 0..1 over 1.5-7.5 mM
  const csRipple = (phase: number) => 1 + p.csRipple * Math.sin(2.5 * Math.PI * csLog + phase);

  // Yield: OA of both streams and OAm bring more ions into the lattice (Fig S7C-E); decomposition
  // above the PL optimum costs some yield too.
  const oaGain = 0.6 + 0.4 * ((oaCu + oaCs) / (oaCu + oaCs + p.oaYieldMm));
  const oAmGain = 0.7 + 0.3 * (oAm / (oAm + 2 * p.oAmYieldMm));
  const hot = Math.max(0, x.temperatureC - p.optimumTemperatureC) / (2.5 * p.temperatureWidthHighC);
  const yieldFraction = conversion * oaGain * oAmGain * Math.exp(-hot * hot) * mixing * csRipple(p.csPhaseRad + 2);
  const formed = cu * yieldFraction;

  // Quality (PLQY proxy), Fig 5: temperature and reaction time optima, OA optima per stream,
  // OAm's gain-then-quench, weak Cs ripple.
  const plBase =
    p.plScale *
    cu ** p.cuIExponent *
    aggregation *
    conversion *
    mixing *
    skewBell(x.temperatureC, p.optimumTemperatureC, p.temperatureWidthLowC, p.temperatureWidthHighC) *
    skewBell(x.reactionTimeS, p.optimumReactionTimeS, p.reactionTimeWidthLowS, p.reactionTimeWidthHighS) *
    logBell(oaCu, p.optimumOaCuIMm, p.oaCuILogWidth) *
    logBell(oaCs, p.optimumOaCsMm, p.oaCsLogWidth) *
    (1 - Math.exp(-oAm / p.oAmYieldMm)) *
    Math.exp(-oAm / p.oAmQuenchMm) *
    csRipple(p.csPhaseRad);

  // Larger, more uniform crystals at higher temperature (Fig S8) narrow the band a little; excess
  // OAm broadens it. Stays within 80-90 nm.
  const fwhmNm = Math.min(90, Math.max(80, 85 - 3 * Math.tanh((x.temperatureC - 135) / 20) + 2 * Math.tanh((oAm - 35) / 30)));
  return {
    ncAbs300: p.absPerCuIMm * formed * (1 - sideFraction),
    scatterAbs300: 0.01 * mixing + 0.25 * p.absPerCuIMm * formed * (crowding / (1 + crowding)),
    precursorAbs300: 0.02 * cu * (1 - conversion),
    side600Abs: 0.5 * p.absPerCuIMm * formed * sideFraction,
    plHeight: plBase * (1 - sideFraction),
    plPeakNm: STE_PEAK_NM,
    fwhmNm,
    // Excess OA that keeps Cs-oleate soluble emits near 380 nm (Fig 5A); it needs no crystals.
    side380Height: p.side380Height * (x.csMm / 4.5) * Math.sqrt(oaCs / 60) * mixing,
    side600Height: 0.6 * plBase * sideFraction,
  };
}
