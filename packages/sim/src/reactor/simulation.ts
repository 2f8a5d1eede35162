import { type Condition, cuIStreamUlMin } from '@sdfl/chemistry';
import type { OpticalSample, OpticalSampleSource } from '../optics';
import { hashNormal, hashUniform } from '../random';
import type { FailureReason, ReactorModel } from './model';
import { drawSampleScale, retainedQuality, scaleFeatures } from './noise';
import type { SpectralComponents } from './response';
import { ResidenceTimeDistribution, type RtdOptions } from './rtd';
import { featuresOf, GAUSSIAN_AREA_PER_FWHM, mixtureSample, type ReactorFeatures, type SampleScale, UNIT_SCALE } from './spectra';

/** Options of {@link ReactorSimulation}. */
export interface ReactorSimulationOptions {
  /** Seed of per-sample fluctuations and random failures. Default the model's seed. */
  seed?: number;
  /** Apply per-sample fluctuations (the model's noise levels). Default true. */
  noise?: boolean;
  /** Clock time over which one fluctuation holds, ms: samples in the same interval agree. Default 1000. */
  noiseIntervalMs?: number;
  /** Residence-time distribution. Default dead time 0.8 tau + 7 tanks (98 % at 1.18 tau). */
  rtd?: Partial<RtdOptions>;
  /** Clock time the stocks were made, ms since the epoch (drift age). Default the first setCondition. */
  stocksPreparedMs?: number;
}

/** One interval of constant inlet condition. */
interface Segment {
  startMs: number;
  condition: Condition | null;
  /** tau at this condition's flow, ms; Infinity while the flow is stopped. */
  tauMs: number;
  /** Line volumes (in units of the whole line) that had entered when this segment started. */
  phiStart: number;
  /** What this segment's fluid carries (null: nothing that absorbs or emits). */
  components: SpectralComponents | null;
  failure: FailureReason | null;
}

/** What is in the flow cells at some time: fractions of fluid by the inlet segment it came from. */
export interface Outlet {
  parts: { weight: number; condition: Condition; components: SpectralComponents; failure: FailureReason | null }[];
  /** Fraction still from before the first condition (empty line: solvent, no product). */
  emptyFraction: number;
}

/**
 * The flowing reactor: `setCondition` changes what enters the line, `sampleAt` gives what the flow
 * cells see, the inlet history convolved with the residence-time distribution. Progress along the
 * line is counted in line volumes, so a flow change moves everything already in the line at the
 * new speed and a stopped flow (null) freezes the flow cells' content. The line starts empty.
 *
 * @example
 * const sim = new ReactorSimulation(createReactorModel({ seed: 1 }));
 * sim.setCondition(condition, clock.now());
 * const sample = sim.sampleAt(clock.now() + 1.2 * tauMs); // ~99 % steady state
 */
export class ReactorSimulation implements OpticalSampleSource {
  readonly rtd: ResidenceTimeDistribution;
  private readonly seed: number;
  private readonly noise: boolean;
  private readonly noiseIntervalMs: number;
  private stocksPreparedMs: number | undefined;
  private readonly segments: Segment[] = [];

  constructor(
    readonly model: ReactorModel,
    options: ReactorSimulationOptions = {},
  ) {
    this.seed = options.seed ?? model.seed;
    this.noise = options.noise ?? true;
    this.noiseIntervalMs = options.noiseIntervalMs ?? 1_000;
    if (!(this.noiseIntervalMs > 0)) throw new RangeError(`simulation: noiseIntervalMs must be > 0, got ${this.noiseIntervalMs}`);
    this.rtd = new ResidenceTimeDistribution(options.rtd);
    this.stocksPreparedMs = options.stocksPreparedMs;
  }

  /**
   * From `atMs` on, `condition` enters the line (null: every pump stopped). Times must not go
   * backwards. A condition in the failure region (or drawn to fail at random) sends fluid that
   * carries no emission ('clogged' also turns turbid).
   */
  setCondition(condition: Condition | null, atMs: number): void {
    const last = this.segments.at(-1);
    if (!Number.isFinite(atMs) || (last !== undefined && atMs < last.startMs)) {
      throw new RangeError(`simulation: setCondition at ${atMs} ms goes back before ${last?.startMs} ms`);
    }
    this.stocksPreparedMs ??= atMs;
    const phiStart = last === undefined ? 0 : this.phiIn(last, atMs);
    if (condition === null || !(cuIStreamUlMin(condition) > 0)) {
      this.segments.push({ startMs: atMs, condition: null, tauMs: Infinity, phiStart, components: null, failure: null });
      return;
    }
    const tauMs = this.model.inputs(condition).residenceTimeS * 1_000;
    let components = this.model.components(condition);
    let failure = this.model.failureAt(condition)?.reason ?? null;
    const rate = this.model.failures?.randomRate ?? 0;
    if (failure === null && hashUniform(this.seed, 'failure', this.segments.length) < rate) failure = 'unstable-flow';
    if (failure !== null) {
      const turbid = failure === 'clogged' ? 2 : components.scatterAbs300;
      components = { ...components, scatterAbs300: turbid, plHeight: 0, side380Height: 0, side600Height: 0 };
    }
    this.segments.push({ startMs: atMs, condition, tauMs, phiStart, components, failure });
  }

  /** The failure of the condition entering the line at `atMs`, or null. */
  failureAt(atMs: number): FailureReason | null {
    return this.segmentAt(atMs)?.failure ?? null;
  }

  /** Mixture in the flow cells at `atMs` (noise-free). */
  outletAt(atMs: number): Outlet {
    const i = this.indexAt(atMs);
    const parts: Outlet['parts'] = [];
    if (i < 0) return { parts, emptyFraction: 1 };
    const phiNow = this.phiIn(this.segments[i]!, atMs);
    const F = (phi: number) => this.rtd.stepResponse(phiNow - phi);
    for (let k = i; k >= 0; k--) {
      const seg = this.segments[k]!;
      const upper = k === i ? phiNow : this.segments[k + 1]!.phiStart;
      if (F(upper) >= 1) return { parts, emptyFraction: 0 }; // older fluid has left the line
      const weight = F(seg.phiStart) - F(upper);
      if (weight > 0 && seg.condition !== null && seg.components !== null) {
        parts.push({ weight, condition: seg.condition, components: seg.components, failure: seg.failure });
      }
    }
    return { parts, emptyFraction: 1 - F(this.segments[0]!.phiStart) };
  }

  /** What the flow cells see at `atMs` (with this sample's fluctuations unless noise is off). */
  sampleAt(atMs: number): OpticalSample {
    return mixtureSample(this.outletAt(atMs).parts, this.scaleAt(atMs, this.noise));
  }

  /**
   * Features of the flow cells' content at `atMs`. Noise-free unless `noise` is true (then the same
   * fluctuation as `sampleAt`). Heights and areas add over the mixture; the FWHM is the area-equivalent
   * width. plPeakNm and fwhmNm are 0 while nothing emits.
   */
  featuresAt(atMs: number, options: { noise?: boolean } = {}): ReactorFeatures {
    const sum: ReactorFeatures = { abs300: 0, plIntensity: 0, plArea: 0, plPeakNm: 0, fwhmNm: 0, sidePeak380: 0, sidePeak600: 0 };
    for (const { weight, components } of this.outletAt(atMs).parts) {
      const f = featuresOf(components);
      sum.abs300 += weight * f.abs300;
      sum.plIntensity += weight * f.plIntensity;
      sum.plArea += weight * f.plArea;
      sum.sidePeak380 += weight * f.sidePeak380;
      sum.sidePeak600 += weight * f.sidePeak600;
      sum.plPeakNm = f.plPeakNm;
    }
    sum.fwhmNm = sum.plIntensity > 0 ? sum.plArea / (sum.plIntensity * GAUSSIAN_AREA_PER_FWHM) : 0;
    return scaleFeatures(sum, this.scaleAt(atMs, options.noise ?? false));
  }

  /**
   * How far the condition entering at `atMs` has come through to the flow cells (0..1): the step
   * response after the line volumes passed since it started. 0 with no condition.
   */
  settledFraction(atMs: number): number {
    const seg = this.segmentAt(atMs);
    return seg === undefined || seg.condition === null ? 0 : this.rtd.stepResponse(this.phiIn(seg, atMs) - seg.phiStart);
  }

  private scaleAt(atMs: number, noise: boolean): SampleScale {
    const ageH = (atMs - (this.stocksPreparedMs ?? atMs)) / 3_600_000;
    const retained = retainedQuality(this.model.driftPerHour, ageH);
    if (!noise) return retained === 1 ? UNIT_SCALE : { absorbance: retained, plArea: retained, fwhm: 1, sides: retained };
    const bucket = Math.floor(atMs / this.noiseIntervalMs);
    let channel = 0;
    return drawSampleScale(this.model.noise, () => hashNormal(this.seed, 'sample', bucket, channel++), retained);
  }

  private phiIn(seg: Segment, atMs: number): number {
    return seg.tauMs === Infinity ? seg.phiStart : seg.phiStart + Math.max(0, atMs - seg.startMs) / seg.tauMs;
  }

  /** Index of the last segment started at or before `atMs` (-1 if none). */
  private indexAt(atMs: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.startMs <= atMs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private segmentAt(atMs: number): Segment | undefined {
    return this.segments[this.indexAt(atMs)];
  }
}
