import type { ReactorFeatures, SampleScale } from './spectra';

/**
 * Relative standard deviations of one steady-state measurement. Defaults are the paper's
 * steady-state figures over 120 min (Fig 3A; docs/science.md §4): Abs300 1.3 %, PL_I 1.1 %,
 * PL_A 1.0 %; side peaks 5 % (*ours*).
 */
export interface NoiseLevels {
  abs300: number;
  plIntensity: number;
  plArea: number;
  sidePeaks: number;
}

export const defaultNoiseLevels: Readonly<NoiseLevels> = Object.freeze({ abs300: 0.013, plIntensity: 0.011, plArea: 0.01, sidePeaks: 0.05 });

/**
 * Draws one sample's fluctuations. PL_I and PL_A come from the same band, so they are correlated:
 * the band's area varies by `plArea`, its width by sqrt(plIntensity^2 - plArea^2) (0.46 % by
 * default), and the height (= area / width) then varies by `plIntensity`. `retained` (0..1) is the
 * fraction of product quality left after stock drift; it scales absorbance, area and side peaks.
 */
export function drawSampleScale(levels: NoiseLevels, normal: () => number, retained = 1): SampleScale {
  const widthSd = Math.sqrt(Math.max(0, levels.plIntensity ** 2 - levels.plArea ** 2));
  const positive = (x: number) => Math.max(0, x);
  return {
    absorbance: retained * positive(1 + levels.abs300 * normal()),
    plArea: retained * positive(1 + levels.plArea * normal()),
    fwhm: Math.max(0.5, 1 + widthSd * normal()),
    sides: retained * positive(1 + levels.sidePeaks * normal()),
  };
}

/** Features of a product seen through a sample's fluctuations (see drawSampleScale). */
export function scaleFeatures(f: ReactorFeatures, s: SampleScale): ReactorFeatures {
  return {
    abs300: f.abs300 * s.absorbance,
    plIntensity: (f.plIntensity * s.plArea) / s.fwhm,
    plArea: f.plArea * s.plArea,
    plPeakNm: f.plPeakNm,
    fwhmNm: f.fwhmNm * s.fwhm,
    sidePeak380: f.sidePeak380 * s.sides,
    sidePeak600: f.sidePeak600 * s.sides,
  };
}

/** Fraction of product quality left after `ageH` hours at `driftPerHour` (linear, floored at 0). */
export function retainedQuality(driftPerHour: number, ageH: number): number {
  return Math.max(0, 1 - driftPerHour * Math.max(0, ageH));
}
