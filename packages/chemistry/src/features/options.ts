import { z } from 'zod';
import { ChemistryError } from '../errors';

/** A closed wavelength interval `[low, high]`, nm, with low < high. */
const windowNm = z
  .tuple([z.number().finite(), z.number().finite()])
  .refine(([lo, hi]) => lo < hi, { message: 'window must be [low, high] with low < high (nm)' });

// A fresh default per parse, so no two parsed option objects share an array.
const windowDefault = (lo: number, hi: number) => windowNm.default((): [number, number] => [lo, hi]);

/** Full-scale count of the HDX's uint16 detector (docs/devices.md §2). */
export const HDX_SATURATION_COUNTS = 65_535;

const absorbanceSchema = z.object({
  /** Pixels where sample, dark or reference reach this many counts are saturated. Default 65535. */
  saturationCounts: z.number().finite().positive().default(HDX_SATURATION_COUNTS),
  /**
   * Smallest usable reference signal R - D, counts. Default 500: with ~10-30 counts of read + shot
   * noise this keeps the transmission error of a blank below a few percent (*ours*).
   */
  minReferenceCounts: z.number().finite().nonnegative().default(500),
  /**
   * What to do where S - D <= 0 (the sample transmits nothing measurable). `'mask'` (default) gives
   * null, because such a pixel says only "opaque" and a made-up number would bias averages;
   * `'clip'` gives `maxAbsorbance` and also caps every other value at `maxAbsorbance`.
   */
  nonPositive: z.enum(['mask', 'clip']).default('mask'),
  /** Cap used by `nonPositive: 'clip'`, absorbance units. Default 4. */
  maxAbsorbance: z.number().finite().positive().default(4),
});

/**
 * Options of `absorbance()`. Every field has a default (see `absorbanceSchema` comments):
 * saturationCounts 65535, minReferenceCounts 500, nonPositive 'mask', maxAbsorbance 4.
 */
export type AbsorbanceOptions = z.infer<typeof absorbanceSchema>;
export type AbsorbanceOptionsInput = z.input<typeof absorbanceSchema>;

const abs300Schema = absorbanceSchema.extend({
  /** Wavelength at which Abs is reported, nm. Default 300 (the UV LED's excitation, docs/science.md §5). */
  excitationNm: z.number().finite().positive().default(300),
  /** Half width of the averaging window around `excitationNm`, nm. Default 2. */
  halfWidthNm: z.number().finite().nonnegative().default(2),
  /** Fewest unmasked pixels in that window for a value; fewer gives null. Default 3. */
  minValidPixels: z.number().int().min(1).default(3),
});

const plSchema = z.object({
  /** Saturation level of the PL spectrometer, counts. Default 65535. */
  saturationCounts: z.number().finite().positive().default(HDX_SATURATION_COUNTS),
  /** Where the main (STE, ~450 nm) peak is searched, nm. Default [420, 500]. */
  searchWindowNm: windowDefault(420, 500),
  /** Integration window of PL_A, nm. Default [400, 520]. */
  areaWindowNm: windowDefault(400, 520),
  /**
   * Baseline: `'linear'` (default) least-squares line through all pixels of `regionsNm`;
   * `'median'` a constant, the median of those pixels (robust to spikes, blind to slopes).
   * Default regions [345, 360] and [700, 740] nm: clear of the 300 nm LED's tail, of the 380 nm
   * side peak's flank and of the 450/600 nm emission (*ours*).
   */
  baseline: z
    .object({
      method: z.enum(['linear', 'median']).default('linear'),
      regionsNm: z.array(windowNm).min(1).default((): [number, number][] => [[345, 360], [700, 740]]),
    })
    .prefault({}),
  /**
   * Smoothing applied before locating maxima and half-maximum crossings (not before the area or
   * the peak-top fit): quadratic Savitzky-Golay (default), moving average or none; `points` is the
   * odd window length in pixels. Default 11 (~3.7 nm on an HDX grid), well below real peak widths.
   */
  smoothing: z
    .object({
      method: z.enum(['savitzky-golay', 'moving-average', 'none']).default('savitzky-golay'),
      points: z.number().int().min(1).default(11),
    })
    .prefault({})
    .refine((s) => s.points % 2 === 1, { message: 'smoothing.points must be odd' }),
  /**
   * The peak top is a least-squares parabola through the pixels whose smoothed height is at least
   * this fraction of the maximum. Default 0.8: for a Gaussian that biases the height by ~0.2 % while
   * averaging many pixels (a 3-pixel parabola is noise-dominated on a 30 nm wide peak).
   */
  peakFitFraction: z.number().gt(0).lt(1).default(0.8),
  /** Peak height / baseline noise below which the result is `no-emission`. Default 5. */
  noEmissionSnr: z.number().finite().nonnegative().default(5),
  /** Peak height / baseline noise below which `low-signal` is flagged. Default 20. */
  lowSignalSnr: z.number().finite().nonnegative().default(20),
});

const sidePeakSchema = z.object({
  /** Window of the ~380 nm side peak (excess OA), nm. Default [360, 400]. */
  window380Nm: windowDefault(360, 400),
  /** Window of the ~600 nm side population (T < 120 C), nm. Default [560, 640]. */
  window600Nm: windowDefault(560, 640),
  /**
   * Measure heights above a chord between the window's ends (default true) instead of above the
   * global baseline, so that the flank of a broad 450 nm peak does not read as a side peak.
   */
  localBaseline: z.boolean().default(true),
});

/**
 * Every threshold of `computeFeatures`, with defaults (see each field's comment). Embed it in a
 * platform config as `features: featureOptionsSchema.prefault({})`.
 */
export const featureOptionsSchema = z
  .object({
    absorbance: abs300Schema.prefault({}),
    pl: plSchema.prefault({}),
    sidePeaks: sidePeakSchema.prefault({}),
  })
  .superRefine((o, ctx) => {
    if (o.pl.lowSignalSnr < o.pl.noEmissionSnr) {
      ctx.addIssue({ code: 'custom', path: ['pl', 'lowSignalSnr'], message: 'lowSignalSnr must be >= noEmissionSnr' });
    }
  });

/** Resolved feature options (all defaults applied). */
export type FeatureOptions = z.infer<typeof featureOptionsSchema>;
/** What callers pass: any subset of `FeatureOptions`, nested groups included. */
export type FeatureOptionsInput = z.input<typeof featureOptionsSchema>;

/** Validates options and fills defaults. Throws ChemistryError('INVALID_CONFIG') listing every problem. */
export function parseFeatureOptions(input: FeatureOptionsInput = {}): FeatureOptions {
  const parsed = featureOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ChemistryError('INVALID_CONFIG', `invalid feature options:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Parses `absorbance()` options alone. Throws ChemistryError('INVALID_CONFIG'). */
export function parseAbsorbanceOptions(input: AbsorbanceOptionsInput = {}): AbsorbanceOptions {
  const parsed = absorbanceSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ChemistryError('INVALID_CONFIG', `invalid absorbance options:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
  }
  return parsed.data;
}

// Frozen so that no caller can change the defaults another caller sees.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The defaults of every feature threshold (deeply frozen). */
export const defaultFeatureOptions: FeatureOptions = deepFreeze(parseFeatureOptions());
