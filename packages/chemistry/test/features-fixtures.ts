// Synthetic HDX-like spectra for the feature tests: a 2068-pixel grid from a cubic wavelength
// polynomial (~200-898 nm), a ~1000-count dark offset, read + shot noise from a seeded generator,
// and counts rounded and clipped like a uint16 detector (docs/devices.md §2).
import { pixelWavelengths, type Spectrum } from '../src/features/index';

/** Cubic calibration giving ~200-898 nm over 2068 pixels (~0.34 nm/pixel, as on an HDX). */
export const HDX_COEFFICIENTS = [200, 0.36, -1.5e-5, 2e-9] as const;
export const GRID: readonly number[] = pixelWavelengths(HDX_COEFFICIENTS, 2068);
export const FULL_SCALE = 65_535;

/** mulberry32: small, fast, seedable; good enough for test noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box-Muller) from a uniform generator. */
export function normal(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface Peak {
  centerNm: number;
  height: number;
  fwhmNm: number;
}

const SIGMA_PER_FWHM = 1 / (2 * Math.sqrt(2 * Math.LN2));

export function gaussian(x: number, { centerNm, height, fwhmNm }: Peak): number {
  const s = fwhmNm * SIGMA_PER_FWHM;
  return height * Math.exp(-((x - centerNm) ** 2) / (2 * s * s));
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** Exact integral of a Gaussian peak over [lo, hi], counts x nm. */
export function gaussianArea(peak: Peak, lo: number, hi: number): number {
  const s = peak.fwhmNm * SIGMA_PER_FWHM;
  const z = (x: number): number => erf((x - peak.centerNm) / (s * Math.SQRT2));
  return peak.height * s * Math.sqrt(Math.PI / 2) * (z(hi) - z(lo));
}

export interface NoiseModel {
  seed: number;
  /** Read noise, counts rms. Default 8. */
  readNoise?: number;
  /** Add Poisson-like shot noise sqrt(signal). Default true. */
  shot?: boolean;
  /** Dark offset, counts. Default 1000. */
  darkCounts?: number;
  wavelengthNm?: readonly number[];
}

/** Reads a detector: dark offset + signal(lambda) + noise, rounded and clipped to 0..65535. */
export function detector(signal: (nm: number) => number, noise: NoiseModel, stream = 0): Spectrum {
  const wl = noise.wavelengthNm ?? GRID;
  const gauss = normal(rng(noise.seed * 7919 + stream));
  const read = noise.readNoise ?? 8;
  const counts = wl.map((nm) => {
    const s = signal(nm);
    const sd = Math.sqrt(read * read + (noise.shot === false ? 0 : Math.max(s, 0)));
    const c = Math.round((noise.darkCounts ?? 1000) + s + sd * gauss());
    return Math.min(FULL_SCALE, Math.max(0, c));
  });
  return { wavelengthNm: wl, counts };
}

/** PL sample and dark for a sum of Gaussian peaks on an optional background (counts). */
export function plSpectra(peaks: readonly Peak[], noise: NoiseModel, background: (nm: number) => number = () => 0): { sample: Spectrum; dark: Spectrum } {
  const emission = (nm: number): number => background(nm) + peaks.reduce((s, p) => s + gaussian(nm, p), 0);
  return { sample: detector(emission, noise, 1), dark: detector(() => 0, noise, 2) };
}

/** Absorption sample, dark and reference for absorbance A(lambda) and lamp signal R - D (counts). */
export function absorptionSpectra(
  a: (nm: number) => number,
  lamp: (nm: number) => number,
  noise: NoiseModel,
): { sample: Spectrum; dark: Spectrum; reference: Spectrum } {
  return {
    sample: detector((nm) => lamp(nm) * 10 ** -a(nm), noise, 3),
    dark: detector(() => 0, noise, 4),
    reference: detector(lamp, noise, 5),
  };
}

/** A smooth deuterium-halogen-like lamp: ~30000 counts above dark at 300 nm. */
export const lamp = (nm: number): number => 20_000 + 15_000 * Math.exp(-((nm - 320) ** 2) / (2 * 120 ** 2));

/** A band-edge absorbance: 0.8 at 300 nm, falling towards the visible. */
export const bandEdge = (nm: number): number => 0.05 + 0.75 / (1 + Math.exp((nm - 330) / 12)) / (1 / (1 + Math.exp(-30 / 12)));

/** The typical product: STE emission at 450 nm, no side peaks. */
export const STE: Peak = { centerNm: 450, height: 20_000, fwhmNm: 40 };
