import { PUMP_IDS, type PumpId } from '@sdfl/protocol';
import { z } from 'zod';
import { ChemistryError } from './errors';

/**
 * The eight syringe pumps, in the order the platform plumbs them (docs/science.md §1). The ids are
 * the protocol's (`@sdfl/protocol` owns every name on the wire); re-exported for chemistry's users.
 */
export { PUMP_IDS, type PumpId };

/** Human names used in messages a chemist reads. */
export const PUMP_LABELS: Readonly<Record<PumpId, string>> = {
  cuI: 'CuI stock',
  oaCuI: 'OA-ODE (CuI stream)',
  oAm: 'OAm-ODE',
  odeCuI: 'ODE (CuI stream)',
  csOleate: 'Cs-oleate stock',
  oaCs: 'OA-ODE (Cs stream)',
  odeCs: 'ODE (Cs stream)',
  pfo: 'PFO carrier',
};

const range = (min: number, max: number) =>
  z
    .object({ min: z.number().finite(), max: z.number().finite() })
    .refine((r) => r.min < r.max, { message: 'min must be below max' })
    .default({ min, max });

/**
 * A piece of tubing between the CuI 5-way junction and the characterization module.
 * `carries` says which flow passes through it: the CuI stream alone (before the segmentation
 * junction) or the segmented flow (both precursor streams + PFO). `reaction` marks the heated
 * reactor tubing whose transit time is the reaction time.
 */
const segmentSchema = z.object({
  name: z.string().min(1),
  innerDiameterMm: z.number().positive(),
  lengthMm: z.number().positive(),
  carries: z.enum(['cuIStream', 'segmented']),
  reaction: z.boolean().default(false),
});
export type TubingSegment = z.infer<typeof segmentSchema>;

const INCH_MM = 25.4;

/**
 * Default flow path (*ours*, consistent with the paper): 0.02" ID line from the 5-way junction
 * through the mixer to the segmentation junction, 1.9 m of 0.03" ID PFA reactor on the plate,
 * a cooling run, and the 0.04" ID FEP spectroscopy line. With the 1:1 and PFO rules this gives
 * 25-42 s reaction times at 619-1040 uL/min total precursor flow (paper: > 600 uL/min).
 */
export const defaultSegments: TubingSegment[] = [
  { name: 'cuI-stream-to-segmentation', innerDiameterMm: 0.02 * INCH_MM, lengthMm: 500, carries: 'cuIStream', reaction: false },
  { name: 'reactor', innerDiameterMm: 0.03 * INCH_MM, lengthMm: 1900, carries: 'segmented', reaction: true },
  { name: 'cooling', innerDiameterMm: 0.03 * INCH_MM, lengthMm: 300, carries: 'segmented', reaction: false },
  { name: 'flowcells', innerDiameterMm: 0.04 * INCH_MM, lengthMm: 150, carries: 'segmented', reaction: false },
];

const pumpSchema = z.object({
  /** Usable syringe volume, uL. */
  syringeVolumeUl: z.number().positive(),
  /** Syringe inner diameter, mm (sent to the pump with `set diameter`). */
  innerDiameterMm: z.number().positive(),
  /** Slowest rate the pump delivers smoothly with this syringe, uL/min. */
  minRateUlMin: z.number().nonnegative(),
  /** Fastest validated rate, uL/min. */
  maxRateUlMin: z.number().positive(),
});
export type PumpLimits = z.infer<typeof pumpSchema>;

// 50 mL gas-tight syringes for the stocks, 100 mL for PFO (paper); diameters and rate limits *ours* [I].
const stockPump: PumpLimits = { syringeVolumeUl: 50_000, innerDiameterMm: 28.6, minRateUlMin: 5, maxRateUlMin: 5_000 };
const pfoPump: PumpLimits = { syringeVolumeUl: 100_000, innerDiameterMm: 34.9, minRateUlMin: 5, maxRateUlMin: 10_000 };

const pumpsSchema = z
  .object(Object.fromEntries(PUMP_IDS.map((id) => [id, pumpSchema])) as Record<PumpId, typeof pumpSchema>)
  .default(Object.fromEntries(PUMP_IDS.map((id) => [id, id === 'pfo' ? pfoPump : stockPump])) as Record<PumpId, PumpLimits>);

/**
 * Everything the condition space and the flow planner need. Every field has a documented default;
 * defaults marked *ours* are not from the paper (docs/science.md) and belong in a platform's config.
 */
export const chemistryConfigSchema = z
  .object({
    /** Reaction temperature bounds, C. *Ours*: 100-170 C, wider than the paper's 120-150 C campaigns so the optimum near 150 C is interior. */
    temperatureC: range(100, 170),
    /** Reaction time bounds, s (paper: 25-42 s). Sets the total flow through the reactor volume. */
    reactionTimeS: range(25, 42),
    /** Volume fraction of each chosen input in the CuI stream; ODE (CuI stream) is the remainder. *Ours*. */
    cuIStream: z
      .object({ cuI: range(0.1, 0.5), oaCuI: range(0.05, 0.25), oAm: range(0.02, 0.2) })
      .default({ cuI: { min: 0.1, max: 0.5 }, oaCuI: { min: 0.05, max: 0.25 }, oAm: { min: 0.02, max: 0.2 } }),
    /** Volume fraction of each chosen input in the Cs stream; ODE (Cs stream) is the remainder. *Ours*. */
    csStream: z
      .object({ csOleate: range(0.1, 0.5), oaCs: range(0.05, 0.3) })
      .default({ csOleate: { min: 0.1, max: 0.5 }, oaCs: { min: 0.05, max: 0.3 } }),
    /** Smallest solvent (ODE) remainder in the CuI stream the fraction bounds must leave, so every cube point is pumpable. */
    minSolventFraction: z.number().min(0).max(0.5).default(0.05),
    /** Total precursor flow below which synthesis is mixing-limited, uL/min (paper: 600). */
    minTotalFlowUlMin: z.number().nonnegative().default(600),
    /** Flow path from the CuI 5-way junction to the characterization module. */
    segments: z.array(segmentSchema).min(1).default(defaultSegments),
    pumps: pumpsSchema,
    /** t_E = factor x tau before acquiring (paper: 1.2). */
    equilibrationFactor: z.number().min(1).default(1.2),
    /** Time spent acquiring spectra after t_E, s. *Ours*. */
    acquisitionS: z.number().nonnegative().default(20),
    /** Reagent kept in every syringe as a safety margin, uL. *Ours*. */
    syringeMarginUl: z.number().nonnegative().default(1_000),
    /** Actuator resolution: heater setpoint step (C) and pump rate step (uL/min). */
    resolution: z
      .object({ temperatureC: z.number().positive().default(0.1), rateUlMin: z.number().positive().default(0.01) })
      .default({ temperatureC: 0.1, rateUlMin: 0.01 }),
  })
  .superRefine((c, ctx) => {
    const cuIMax = c.cuIStream.cuI.max + c.cuIStream.oaCuI.max + c.cuIStream.oAm.max;
    if (cuIMax > 1 - c.minSolventFraction + 1e-12) {
      ctx.addIssue({
        code: 'custom',
        path: ['cuIStream'],
        message: `upper fractions of the CuI stream add to ${cuIMax}; they must leave at least ${c.minSolventFraction} for ODE`,
      });
    }
    const csMax = c.csStream.csOleate.max + c.csStream.oaCs.max;
    if (csMax > 1 - c.minSolventFraction + 1e-12) {
      ctx.addIssue({ code: 'custom', path: ['csStream'], message: `upper fractions of the Cs stream add to ${csMax}; they must leave at least ${c.minSolventFraction} for ODE` });
    }
    if (!c.segments.some((s) => s.reaction)) {
      ctx.addIssue({ code: 'custom', path: ['segments'], message: 'at least one segment must be the reactor (reaction: true)' });
    }
  });

export type ChemistryConfig = z.infer<typeof chemistryConfigSchema>;
export type ChemistryConfigInput = z.input<typeof chemistryConfigSchema>;

/** Validates a config (every problem listed) and fills defaults. Throws ChemistryError('INVALID_CONFIG'). */
export function parseChemistryConfig(input: ChemistryConfigInput = {}): ChemistryConfig {
  const parsed = chemistryConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ChemistryError('INVALID_CONFIG', `invalid chemistry config:\n  ${problems.join('\n  ')}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The default platform configuration (all defaults applied). */
export const defaultChemistryConfig: ChemistryConfig = parseChemistryConfig();
