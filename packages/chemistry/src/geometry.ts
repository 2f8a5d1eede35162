import type { TubingSegment } from './config';

/** Internal volume of a tubing segment, uL (1 mm^3 = 1 uL). */
export function segmentVolumeUl(segment: TubingSegment): number {
  const r = segment.innerDiameterMm / 2;
  return Math.PI * r * r * segment.lengthMm;
}

/** Volume of the heated reactor tubing (segments marked `reaction`), uL. */
export function reactionVolumeUl(segments: readonly TubingSegment[]): number {
  return segments.filter((s) => s.reaction).reduce((v, s) => v + segmentVolumeUl(s), 0);
}

/** Flows through the two kinds of tubing, uL/min. */
export interface PathFlows {
  /** CuI stream alone (before the segmentation junction). */
  cuIStreamUlMin: number;
  /** Segmented flow: both precursor streams plus PFO. */
  segmentedUlMin: number;
}

/** Transit times along the flow path, s. */
export interface TransitTimes {
  /** tau: CuI 5-way junction to the characterization module (paper's definition). */
  residenceTimeS: number;
  /** Time spent in the heated reactor tubing. */
  reactionTimeS: number;
}

/** Plug-flow transit times for the given flows; infinite when a flow is zero. */
export function transitTimes(segments: readonly TubingSegment[], flows: PathFlows): TransitTimes {
  let residenceTimeS = 0;
  let reactionTimeS = 0;
  for (const segment of segments) {
    const flow = segment.carries === 'cuIStream' ? flows.cuIStreamUlMin : flows.segmentedUlMin;
    const seconds = (segmentVolumeUl(segment) / flow) * 60;
    residenceTimeS += seconds;
    if (segment.reaction) reactionTimeS += seconds;
  }
  return { residenceTimeS, reactionTimeS };
}
