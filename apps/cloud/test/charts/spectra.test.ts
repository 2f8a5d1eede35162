/**
 * The spectrum charts over what a result stores (the edge's `absorbance()` and `plSignal()` of raw
 * counts, features from `computeFeatures`): every feature mark is drawn where the feature says,
 * the feature windows are chemistry's defaults, and a result without spectra renders honestly.
 */
import { describe, expect, it } from 'vitest';
import { absorbance, computeFeatures, defaultFeatureOptions, plSignal, type MaskedSpectrum } from '@sdfl/chemistry';
import { absorptionSpectrum, countMarks, DEFAULT_FEATURE_WINDOWS, NO_DATA_LAYER, plBaseline, plSpectrum, SPECTRA_LAYERS, type ChartSpec } from '../../src/charts';
import { renderSvg } from '../../src/charts/svg';
import { externalUrls } from './svg-checks';

const grid = Array.from({ length: 2068 }, (_, i) => 250 + (i * 550) / 2067);
const gauss = (nm: number, mu: number, sigma: number) => Math.exp(-0.5 * ((nm - mu) / sigma) ** 2);
const flat = (v: number) => ({ wavelengthNm: grid, counts: grid.map(() => v) });

/** Raw counts of one acquisition: Abs peaking near 300 nm, PL at 450 nm (FWHM ~28 nm) on a sloped baseline, a 380 nm side peak. */
function acquisition() {
  const absorption = {
    dark: flat(1000),
    reference: flat(30_000),
    sample: { wavelengthNm: grid, counts: grid.map((nm) => 1000 + 29_000 * 10 ** -(0.8 * gauss(nm, 300, 40) + 0.05)) },
  };
  const pl = {
    dark: flat(500),
    sample: { wavelengthNm: grid, counts: grid.map((nm) => 500 + 200 + 0.2 * (nm - 300) + 20_000 * gauss(nm, 450, 12) + 900 * gauss(nm, 380, 6)) },
  };
  return { absorption, pl };
}

/** What the edge stores: the derived spectrum's unmasked pixels (apps/edge/src/runner/acquire.ts). */
const stored = (s: MaskedSpectrum) => ({
  wavelengthNm: s.wavelengthNm.filter((_, i) => s.values[i] !== null),
  values: s.values.filter((v): v is number => v !== null),
});

const input = acquisition();
const features = computeFeatures(input);
const spectra = { absorbance: stored(absorbance(input.absorption)), pl: stored(plSignal(input.pl)) };

async function render(spec: ChartSpec) {
  const svg = await renderSvg(spec);
  expect(externalUrls(svg)).toEqual([]);
  return svg;
}

describe('spectrum charts', () => {
  it('the feature windows are chemistry defaults', () => {
    const o = defaultFeatureOptions;
    expect(DEFAULT_FEATURE_WINDOWS).toEqual({
      excitationNm: o.absorbance.excitationNm,
      excitationHalfWidthNm: o.absorbance.halfWidthNm,
      plSearchNm: o.pl.searchWindowNm,
      plBaselineNm: o.pl.baseline.regionsNm,
      window380Nm: o.sidePeaks.window380Nm,
      window600Nm: o.sidePeaks.window600Nm,
    });
    expect(o.pl.baseline.method).toBe('linear');
  });

  it('absorption: one spectrum line, the excitation rule and Abs300 on the curve', async () => {
    const spec = absorptionSpectrum({ spectrum: spectra.absorbance, features });
    expect(spec.name).toBe('absorptionSpectrum');
    const svg = await render(spec);
    expect(countMarks(svg, SPECTRA_LAYERS.absSpectrum)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.absExcitation)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.abs300)).toBe(1);
    expect(features.abs300).toBeCloseTo(0.85, 2);
    expect(svg).toContain(`Abs300 = ${features.abs300!.toFixed(3)}`);
  });

  it('PL: the peak sits on the spectrum at baseline + PL_I, the FWHM at half maximum, both side windows shaded', async () => {
    const spec = plSpectrum({ spectrum: spectra.pl, features });
    const svg = await render(spec);
    expect(countMarks(svg, SPECTRA_LAYERS.plSpectrum)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.plBaseline)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.plPeak)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.plFwhm)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.plWindows)).toBe(2);
    // The chart's baseline mirrors chemistry's: peak = baseline + PL_I is the spectrum's maximum (within 1 %).
    const layers = (spec as { layer: { name?: string; data?: { values: Record<string, number>[] }; layer?: { name?: string }[] }[] }).layer;
    const peak = layers.find((l) => l.layer?.[0]?.name === SPECTRA_LAYERS.plPeak)!.data!.values[0]!;
    const max = Math.max(...spectra.pl.values);
    expect(Math.abs(peak.v! - max) / max).toBeLessThan(0.01);
    expect(peak.nm).toBeCloseTo(450, 0);
    const fwhm = layers.find((l) => l.name === SPECTRA_LAYERS.plFwhm)!.data!.values[0]!;
    expect(fwhm.nm2! - fwhm.nm!).toBeCloseTo(features.fwhmNm!, 6);
    expect(features.fwhmNm).toBeCloseTo(12 * 2.3548, 0);
    expect(svg).toContain(`FWHM ${features.fwhmNm!.toFixed(1)} nm`);
    expect(svg).toContain(`380: ${features.sidePeak380!.toFixed(0)}`);
  });

  it('no emission: the spectrum without a peak, the flag in the subtitle', async () => {
    const dark = { ...input.pl, sample: flat(700) };
    const f = computeFeatures({ absorption: input.absorption, pl: dark });
    expect(f.flags).toContain('no-emission');
    const svg = await render(plSpectrum({ spectrum: stored(plSignal(dark)), features: f }));
    expect(countMarks(svg, SPECTRA_LAYERS.plSpectrum)).toBe(1);
    expect(countMarks(svg, SPECTRA_LAYERS.plPeak)).toBe(0);
    expect(countMarks(svg, SPECTRA_LAYERS.plFwhm)).toBe(0);
    expect(svg).toContain('no-emission');
  });

  it('a result without spectra renders "no spectrum"', async () => {
    for (const spec of [absorptionSpectrum({ spectrum: null, features: null }), plSpectrum({ spectrum: { wavelengthNm: [], values: [] }, features })]) {
      const svg = await render(spec);
      expect(svg).toContain('no spectrum');
      expect(countMarks(svg, NO_DATA_LAYER)).toBe(1);
    }
  });

  it('plBaseline is a least-squares line through the regions, null without pixels there', () => {
    const at = plBaseline([340, 350, 355, 720, 800], [9, 1, 2, 3, 9], [[345, 360], [700, 740]])!;
    // Points (350,1), (355,2), (720,3): slope and intercept of their least-squares line.
    const mx = (350 + 355 + 720) / 3;
    const my = 2;
    const slope = ((350 - mx) * -1 + (355 - mx) * 0 + (720 - mx) * 1) / ((350 - mx) ** 2 + (355 - mx) ** 2 + (720 - mx) ** 2);
    expect(at(500)).toBeCloseTo(my + slope * (500 - mx), 10);
    expect(plBaseline([400], [1], [[345, 360]])).toBeNull();
  });
});
