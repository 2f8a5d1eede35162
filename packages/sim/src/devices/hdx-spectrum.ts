import type { OpticalSample } from '../optics';
import { createRandom, gaussian, hashNormal, type RandomSource } from '../random';

/** HDX detector: 2068 pixels, uint16 counts (docs/devices.md §2 [V]). */
export const HDX_PIXELS = 2068;
export const HDX_SATURATION_COUNTS = 65_535;

/**
 * Default wavelength calibration: cubic lambda(i) = c0 + c1 i + c2 i^2 + c3 i^3, 200 nm at pixel 0
 * to 900 nm at pixel 2067 (docs/devices.md §2). Values are float32-exact, as a driver reads them back.
 */
export const DEFAULT_WAVELENGTH_COEFFS: readonly number[] = [200, 0.34951, -5e-6, -1e-10].map(Math.fround);

/**
 * Default nonlinearity polynomial f(raw) = sum a_k raw^k with corrected = raw / f(raw) (the Ocean
 * convention): about 1 % compression at full scale [I]. Eight coefficients, float32-exact.
 */
export const DEFAULT_NONLINEARITY_COEFFS: readonly number[] = [1, -1.5e-7, 0, 0, 0, 0, 0, 0].map(Math.fround);

/** Which light path the spectrometer sits on (docs/science.md §1). */
export type HdxRole = 'absorption' | 'pl';

export interface HdxSpectrumOptions {
  role: HdxRole;
  /** Seed of the fixed dark pattern and of the read/shot noise. Default 1. */
  seed?: number;
  /** Wavelength polynomial, nm. Default {@link DEFAULT_WAVELENGTH_COEFFS}. */
  wavelengthCoeffs?: readonly number[];
  /** Nonlinearity polynomial. Default {@link DEFAULT_NONLINEARITY_COEFFS}; `[1]` makes the detector linear. */
  nonlinearityCoeffs?: readonly number[];
  /**
   * Counts per second of integration at the brightest pixel: absorption, the lamp through a blank
   * cell (default 400 000, i.e. 40 000 counts at 100 ms); PL, an emission of 1 (the reference
   * condition's peak; default 200 000).
   */
  gainCountsPerS?: number;
  /** Electrical offset, counts. Default 1500. */
  darkOffsetCounts?: number;
  /** Standard deviation of the fixed per-pixel offset pattern, counts. Default 20. */
  fixedPatternCounts?: number;
  /** Thermal dark signal, counts per second. Default 200. */
  darkCurrentCountsPerS?: number;
  /** Read noise per scan, counts (1 sigma). Default 6. */
  readNoiseCounts?: number;
  /** Shot-noise variance per count of signal, counts. Default 0.5. */
  shotNoisePerCount?: number;
  /** PL only: 300 nm LED light scattered into the spectrometer, relative to an emission of 1. Default 0.02. */
  ledScatter?: number;
}

/** Settings and conditions of one acquisition. */
export interface HdxAcquisition {
  integrationUs: number;
  scans: number;
  /** Boxcar half width: each pixel averages pixels i-w..i+w. */
  boxcar: number;
  /** Lamp through an open shutter (absorption) or UV LED on (PL). */
  lightOn: boolean;
  /** What flows through the cell; null = blank (A = 0, no emission). */
  sample: OpticalSample | null;
  /** Extra gain (the saturation fault). Default 1. */
  gainFactor?: number;
}

const PLANCK_C2_NM_K = 1.4388e7;
const planck = (nm: number, k: number) => nm ** -5 / Math.expm1(PLANCK_C2_NM_K / (nm * k));
const gauss = (x: number, mu: number, sigma: number) => Math.exp(-0.5 * ((x - mu) / sigma) ** 2);
const poly = (c: readonly number[], x: number) => c.reduceRight((acc, ck) => acc * x + ck, 0);

/**
 * Deuterium-halogen lamp (DH-2000-BAL) as the detector sees it: D2 continuum falling from the UV,
 * the 656 nm Balmer line, a 2900 K halogen blackbody, times a silicon response; max 1.
 */
function lampShape(nm: readonly number[]): Float64Array {
  const peak = planck(PLANCK_C2_NM_K / (4.965 * 2900), 2900);
  const out = Float64Array.from(nm, (l) => {
    const d2 = Math.exp(-(l - 200) / 70) + 0.05 * gauss(l, 656.1, 1);
    const qe = 0.25 + 0.75 * gauss(l, 600, 300 / Math.SQRT2);
    return qe * (0.8 * d2 + planck(l, 2900) / peak);
  });
  const max = out.reduce((a, b) => Math.max(a, b), 0);
  return out.map((v) => v / max);
}

/**
 * Turns light into HDX counts (docs/devices.md §2 "Emulator"): counts = dark offset + noise + gain x
 * source(lambda) x sample(lambda) x integration time, averaged over scans, then boxcar, detector
 * nonlinearity and clipping at 65535.
 */
export class HdxSpectrumModel {
  readonly role: HdxRole;
  /** Wavelength of each pixel, nm, from the (float32) coefficients. */
  readonly wavelengthsNm: readonly number[];
  readonly wavelengthCoeffs: readonly number[];
  readonly nonlinearityCoeffs: readonly number[];
  private readonly source: Float64Array;
  private readonly darkPattern: Float64Array;
  private readonly rng: RandomSource;
  private readonly o: Required<Omit<HdxSpectrumOptions, 'role' | 'wavelengthCoeffs' | 'nonlinearityCoeffs' | 'seed'>>;

  constructor(options: HdxSpectrumOptions) {
    const seed = options.seed ?? 1;
    this.role = options.role;
    this.wavelengthCoeffs = (options.wavelengthCoeffs ?? DEFAULT_WAVELENGTH_COEFFS).map(Math.fround);
    this.nonlinearityCoeffs = (options.nonlinearityCoeffs ?? DEFAULT_NONLINEARITY_COEFFS).map(Math.fround);
    this.wavelengthsNm = Array.from({ length: HDX_PIXELS }, (_, i) => poly(this.wavelengthCoeffs, i));
    this.o = {
      gainCountsPerS: options.gainCountsPerS ?? (options.role === 'absorption' ? 400_000 : 200_000),
      darkOffsetCounts: options.darkOffsetCounts ?? 1500,
      fixedPatternCounts: options.fixedPatternCounts ?? 20,
      darkCurrentCountsPerS: options.darkCurrentCountsPerS ?? 200,
      readNoiseCounts: options.readNoiseCounts ?? 6,
      shotNoisePerCount: options.shotNoisePerCount ?? 0.5,
      ledScatter: options.ledScatter ?? 0.02,
    };
    // The PL path has no broadband source: emission is the light; the LED adds its scatter at 300 nm.
    this.source =
      this.role === 'absorption'
        ? lampShape(this.wavelengthsNm)
        : Float64Array.from(this.wavelengthsNm, (l) => this.o.ledScatter * gauss(l, 300, 6));
    // A fixed pattern keyed by (seed, pixel): the same every acquisition, so dark subtraction removes it.
    this.darkPattern = Float64Array.from({ length: HDX_PIXELS }, (_, i) => this.o.fixedPatternCounts * hashNormal(seed, 'hdx-dark', i));
    this.rng = createRandom(seed);
  }

  /** One spectrum (averaged over `scans`), as the detector would report it. */
  acquire(a: HdxAcquisition): Uint16Array {
    const t = a.integrationUs / 1e6;
    const scans = Math.max(1, a.scans);
    const light = this.light(a);
    const gain = this.o.gainCountsPerS * (a.gainFactor ?? 1) * t;
    const averaged = new Float64Array(HDX_PIXELS);
    for (let i = 0; i < HDX_PIXELS; i++) {
      const signal = gain * light[i]! + this.o.darkCurrentCountsPerS * t;
      const mean = this.o.darkOffsetCounts + this.darkPattern[i]! + signal;
      const sigma = Math.sqrt(this.o.readNoiseCounts ** 2 + this.o.shotNoisePerCount * Math.max(0, signal));
      // A pixel saturated in each scan averages to full scale; noise averages down by sqrt(scans).
      averaged[i] = this.nonlinear(mean + (sigma / Math.sqrt(scans)) * gaussian(this.rng));
    }
    const out = new Uint16Array(HDX_PIXELS);
    const w = Math.max(0, Math.floor(a.boxcar));
    for (let i = 0; i < HDX_PIXELS; i++) {
      let sum = 0;
      let n = 0;
      for (let j = Math.max(0, i - w); j <= Math.min(HDX_PIXELS - 1, i + w); j++, n++) sum += averaged[j]!;
      out[i] = Math.round(Math.min(HDX_SATURATION_COUNTS, Math.max(0, sum / n)));
    }
    return out;
  }

  /** Relative light reaching each pixel (before gain and integration time). */
  private light(a: HdxAcquisition): Float64Array {
    if (!a.lightOn) return new Float64Array(HDX_PIXELS);
    if (this.role === 'absorption') {
      const absorbance = a.sample?.absorbance(this.wavelengthsNm);
      return this.source.map((s, i) => s * 10 ** -(absorbance?.[i] ?? 0));
    }
    const emission = a.sample?.emission(this.wavelengthsNm);
    return this.source.map((s, i) => s + Math.max(0, emission?.[i] ?? 0));
  }

  /** Raw counts r of a linear signal c: r = c x f(r), solved by fixed-point iteration; the ADC clips at full scale. */
  private nonlinear(c: number): number {
    // Far past full scale the polynomial means nothing; the ADC reads full scale anyway.
    if (c >= 2 * HDX_SATURATION_COUNTS) return HDX_SATURATION_COUNTS;
    let r = c;
    for (let k = 0; k < 4; k++) r = c * poly(this.nonlinearityCoeffs, r);
    return Math.min(HDX_SATURATION_COUNTS, r);
  }
}
