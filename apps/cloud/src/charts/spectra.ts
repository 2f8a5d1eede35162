/**
 * A result's two spectra with their features marked, as `GET /experiments/{id}` returns them
 * (`results[].spectra` = `{ absorbance, pl }`, each `{ wavelengthNm, values }`, and
 * `results[].features`, both the protocol's shapes):
 * - absorption (AU): the spectrum, the excitation wavelength and Abs300 as a point on it;
 * - PL (dark-subtracted counts): the spectrum, the fitted baseline, the peak (position, baseline +
 *   PL_I), the FWHM as a horizontal segment at half maximum, and the 380 nm and 600 nm side-band
 *   windows shaded with their heights.
 *
 * @module
 */
import type { Features, Spectrum } from '@sdfl/protocol';
import { BASE_CONFIG, finiteOrNull, fmt, noDataChart, type ChartLayer, type ChartSize, type ChartSpec } from './common';
import { DEFAULT_FEATURE_WINDOWS, plBaseline, type FeatureWindows } from './feature-windows';

/** Input of {@link absorptionSpectrum} and {@link plSpectrum}. */
export interface SpectrumInput extends ChartSize {
  /** The stored spectrum (null = none: a failed result, or spectra not stored). */
  readonly spectrum: Pick<Spectrum, 'wavelengthNm' | 'values'> | null | undefined;
  /** The result's features (null = none). */
  readonly features: Partial<Features> | null | undefined;
  /** The windows the features were measured in. Default chemistry's defaults. */
  readonly windows?: FeatureWindows;
  readonly title?: string;
}

/**
 * Data layers. Absorption: `abs_spectrum` one line, `abs_excitation` one rule, `abs300` one point
 * when Abs300 is known. PL: `pl_spectrum` one line, `pl_windows` two rects, `pl_baseline` one line
 * when the baseline regions hold pixels, `pl_peak` one point when position and PL_I are known,
 * `pl_fwhm` one rule when the FWHM is known too.
 */
export const SPECTRA_LAYERS = {
  absSpectrum: 'abs_spectrum',
  absExcitation: 'abs_excitation',
  abs300: 'abs300',
  plSpectrum: 'pl_spectrum',
  plWindows: 'pl_windows',
  plBaseline: 'pl_baseline',
  plPeak: 'pl_peak',
  plFwhm: 'pl_fwhm',
} as const;

/** Pixels of a spectrum as rows, non-finite values dropped. */
function pixels(s: SpectrumInput['spectrum']): { nm: number; v: number }[] {
  if (!s) return [];
  return s.wavelengthNm.flatMap((nm, i) => {
    const v = s.values[i];
    return Number.isFinite(nm) && v !== undefined && Number.isFinite(v) ? [{ nm, v }] : [];
  });
}

/** A feature's layer only when the feature is known (an empty layer would warn of an infinite extent). */
const when = (present: boolean, layer: ChartLayer): ChartLayer[] => (present ? [layer] : []);

const flagsText = (f: SpectrumInput['features']) => (f?.flags && f.flags.length > 0 ? ` [${f.flags.join(', ')}]` : '');

const ABS_NAME = 'absorptionSpectrum';
const ABS_DESCRIPTION = 'Absorption spectrum with the absorbance at the excitation wavelength marked';

/** Absorption spectrum with Abs300. Default 360 x 200 px. */
export function absorptionSpectrum(input: SpectrumInput): ChartSpec {
  const width = input.width ?? 360;
  const height = input.height ?? 200;
  const w = input.windows ?? DEFAULT_FEATURE_WINDOWS;
  const title = input.title ?? 'Absorption';
  const rows = pixels(input.spectrum);
  if (rows.length === 0) return noDataChart({ name: ABS_NAME, description: ABS_DESCRIPTION, title, width, height, message: 'no spectrum' });
  const abs = finiteOrNull(input.features?.abs300);
  const x = { field: 'nm', type: 'quantitative' as const, title: 'wavelength (nm)', scale: { zero: false, nice: false } };
  const layers: ChartLayer[] = [
    {
      name: SPECTRA_LAYERS.absExcitation,
      data: { values: [{ nm: w.excitationNm }] },
      mark: { type: 'rule', color: '#8250df', strokeDash: [4, 3] },
      encoding: { x },
    },
    {
      name: SPECTRA_LAYERS.absSpectrum,
      data: { values: rows },
      mark: { type: 'line', color: '#1f2328', strokeWidth: 1.2 },
      encoding: { x, y: { field: 'v', type: 'quantitative', title: 'absorbance (AU)' } },
    },
    ...when(abs !== null, {
      data: { values: [{ nm: w.excitationNm, v: abs, label: `Abs${w.excitationNm} = ${fmt(abs, 3)}` }] },
      layer: [
        { name: SPECTRA_LAYERS.abs300, mark: { type: 'point', filled: true, size: 60, color: '#8250df' }, encoding: { x, y: { field: 'v', type: 'quantitative' }, tooltip: { field: 'label', type: 'nominal' } } },
        { name: `${SPECTRA_LAYERS.abs300}_label`, mark: { type: 'text', align: 'left', dx: 6, dy: -8, color: '#8250df', fontSize: 11 }, encoding: { x, y: { field: 'v', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } } },
      ],
    }),
  ];
  return {
    name: ABS_NAME,
    description: ABS_DESCRIPTION,
    title: { text: title, subtitle: `Abs${w.excitationNm} = ${fmt(abs, 3)} AU${flagsText(input.features)}` },
    width,
    height,
    config: BASE_CONFIG,
    layer: layers,
  };
}

const PL_NAME = 'plSpectrum';
const PL_DESCRIPTION = 'Photoluminescence spectrum with the peak, its FWHM at half maximum, the baseline and the 380 nm and 600 nm side-band windows';

/** PL spectrum with its features. Default 360 x 220 px. */
export function plSpectrum(input: SpectrumInput): ChartSpec {
  const width = input.width ?? 360;
  const height = input.height ?? 220;
  const w = input.windows ?? DEFAULT_FEATURE_WINDOWS;
  const f = input.features;
  const title = input.title ?? 'Photoluminescence';
  const rows = pixels(input.spectrum);
  if (rows.length === 0) return noDataChart({ name: PL_NAME, description: PL_DESCRIPTION, title, width, height, message: 'no spectrum' });
  const baselineAt = plBaseline(
    rows.map((r) => r.nm),
    rows.map((r) => r.v),
    w.plBaselineNm,
  );
  const nmLo = rows[0]!.nm;
  const nmHi = rows.at(-1)!.nm;
  const peakNm = finiteOrNull(f?.plPeakNm);
  const intensity = finiteOrNull(f?.plIntensity);
  const fwhm = finiteOrNull(f?.fwhmNm);
  const base = (nm: number) => baselineAt?.(nm) ?? 0;
  const peak = peakNm !== null && intensity !== null ? { nm: peakNm, v: base(peakNm) + intensity, label: `${peakNm.toFixed(1)} nm, PL_I ${intensity.toFixed(0)}` } : null;
  const half = peak && fwhm !== null ? { nm: peak.nm - fwhm / 2, nm2: peak.nm + fwhm / 2, v: base(peak.nm) + intensity! / 2, label: `FWHM ${fwhm.toFixed(1)} nm` } : null;
  const windows = [
    { lo: w.window380Nm[0], hi: w.window380Nm[1], label: `380: ${fmt(f?.sidePeak380, 0)}` },
    { lo: w.window600Nm[0], hi: w.window600Nm[1], label: `600: ${fmt(f?.sidePeak600, 0)}` },
  ];
  const x = { field: 'nm', type: 'quantitative' as const, title: 'wavelength (nm)', scale: { domain: [nmLo, nmHi], nice: false, zero: false } };
  const y = { field: 'v', type: 'quantitative' as const, title: 'PL (counts)' };
  const layers: ChartLayer[] = [
    {
      name: SPECTRA_LAYERS.plWindows,
      data: { values: windows },
      mark: { type: 'rect', color: '#fb8f44', opacity: 0.15, clip: true },
      encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, tooltip: { field: 'label', type: 'nominal', title: 'side band (counts)' } },
    },
    {
      name: `${SPECTRA_LAYERS.plWindows}_labels`,
      data: { values: windows },
      mark: { type: 'text', baseline: 'top', dy: 4, color: '#bc4c00', fontSize: 10, clip: true },
      encoding: { x: { field: 'lo', type: 'quantitative', scale: x.scale }, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
    },
    ...when(baselineAt !== null, {
      name: SPECTRA_LAYERS.plBaseline,
      data: { values: [{ nm: nmLo, v: base(nmLo) }, { nm: nmHi, v: base(nmHi) }] },
      mark: { type: 'line', color: '#8c959f', strokeDash: [4, 3], strokeWidth: 1 },
      encoding: { x, y },
    }),
    {
      name: SPECTRA_LAYERS.plSpectrum,
      data: { values: rows },
      mark: { type: 'line', color: '#0969da', strokeWidth: 1.2 },
      encoding: { x, y },
    },
    ...when(half !== null, {
      name: SPECTRA_LAYERS.plFwhm,
      data: { values: [half] },
      mark: { type: 'rule', color: '#cf222e', strokeWidth: 2 },
      encoding: { x, x2: { field: 'nm2' }, y, tooltip: { field: 'label', type: 'nominal' } },
    }),
    ...when(peak !== null, {
      data: { values: [peak] },
      layer: [
        { name: SPECTRA_LAYERS.plPeak, mark: { type: 'point', filled: true, size: 60, color: '#cf222e' }, encoding: { x, y, tooltip: { field: 'label', type: 'nominal' } } },
        { name: `${SPECTRA_LAYERS.plPeak}_label`, mark: { type: 'text', align: 'left', dx: 8, color: '#cf222e', fontSize: 11 }, encoding: { x, y, text: { field: 'label', type: 'nominal' } } },
      ],
    }),
  ];
  const subtitle = peak ? `peak ${peak.label}${fwhm !== null ? `, FWHM ${fwhm.toFixed(1)} nm` : ''}${flagsText(f)}` : `no peak${flagsText(f)}`;
  return { name: PL_NAME, description: PL_DESCRIPTION, title: { text: title, subtitle }, width, height, config: BASE_CONFIG, layer: layers };
}
