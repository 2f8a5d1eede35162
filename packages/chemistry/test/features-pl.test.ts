import { describe, expect, it } from 'vitest';
import { computeFeatures, defaultFeatureOptions, type FeatureOptionsInput, type Features } from '../src/features/index';
import { STE, absorptionSpectra, bandEdge, gaussianArea, lamp, plSpectra, type Peak } from './features-fixtures';

const absorption = absorptionSpectra(bandEdge, lamp, { seed: 42 });
const features = (peaks: Peak[], seed: number, background?: (nm: number) => number, options?: FeatureOptionsInput): Features =>
  computeFeatures({ absorption, pl: plSpectra(peaks, { seed }, background) }, options);

/** The task's tolerances: position 0.5 nm, PL_I 2 %, PL_A 2 % of the analytic area, FWHM 1 nm. */
function expectRecovered(f: Features, peak: Peak): void {
  expect(f.flags).toEqual([]);
  expect(Math.abs(f.plPeakNm! - peak.centerNm)).toBeLessThan(0.5);
  expect(Math.abs(f.plIntensity! / peak.height - 1)).toBeLessThan(0.02);
  expect(Math.abs(f.plArea! / gaussianArea(peak, 400, 520) - 1)).toBeLessThan(0.02);
  expect(Math.abs(f.fwhmNm! - peak.fwhmNm)).toBeLessThan(1);
}

describe('main PL peak', () => {
  const peaks: Peak[] = [
    STE,
    { centerNm: 445.3, height: 5_000, fwhmNm: 30 },
    { centerNm: 462.7, height: 8_000, fwhmNm: 55 },
    { centerNm: 434.1, height: 40_000, fwhmNm: 20 },
  ];
  it.each(peaks)('recovers position, PL_I, PL_A and FWHM under noise: %o', (peak) => {
    for (const seed of [1, 2, 3]) expectRecovered(features([peak], seed), peak);
  });

  it('removes a sloped background (stray light) with the linear baseline', () => {
    const stray = (nm: number): number => 400 + 0.8 * (nm - 500);
    for (const seed of [4, 5]) expectRecovered(features([STE], seed, stray), STE);
  });

  it('also recovers the peak with moving-average smoothing and a median baseline', () => {
    const f = features([STE], 6, undefined, { pl: { smoothing: { method: 'moving-average', points: 9 }, baseline: { method: 'median' } } });
    expectRecovered(f, STE);
  });

  it('reports a peak outside the default search window only when the window is moved', () => {
    const red: Peak = { centerNm: 600, height: 6_000, fwhmNm: 30 };
    const moved = features([red], 7, undefined, { pl: { searchWindowNm: [570, 630], areaWindowNm: [550, 650] } });
    expect(Math.abs(moved.plPeakNm! - 600)).toBeLessThan(0.5);
    // Default window: the signal only falls away from 420-500 nm, so nothing is resolved there.
    expect(features([{ ...STE, centerNm: 540 }], 7).flags).toContain('no-emission');
  });

  it('is deterministic and leaves its inputs untouched', () => {
    const pl = plSpectra([STE], { seed: 9 });
    const frozen = { sample: Object.freeze({ ...pl.sample, counts: Object.freeze([...pl.sample.counts]) }), dark: pl.dark };
    const a = computeFeatures({ absorption, pl: frozen });
    expect(computeFeatures({ absorption, pl: frozen })).toEqual(a);
    expect(frozen.sample.counts).toEqual(pl.sample.counts);
  });
});

describe('no emission and weak emission', () => {
  it.each([1, 2, 3, 4, 5])('flags no-emission on flat noise (seed %i): peak features null, area 0', (seed) => {
    const f = features([], seed);
    expect(f).toMatchObject({ plPeakNm: null, plIntensity: null, fwhmNm: null, plArea: 0, flags: ['no-emission'] });
    expect(f.abs300).not.toBeNull();
  });

  it('flags low-signal but still reports a peak whose SNR is marginal', () => {
    const weak: Peak = { centerNm: 450, height: 150, fwhmNm: 40 }; // ~12 x the ~11-count pixel noise
    const f = features([weak], 3);
    expect(f.flags).toEqual(['low-signal']);
    expect(Math.abs(f.plPeakNm! - 450)).toBeLessThan(3);
    expect(Math.abs(f.plIntensity! / 150 - 1)).toBeLessThan(0.15);
  });

  it('honours the configured SNR thresholds', () => {
    const weak: Peak = { centerNm: 450, height: 150, fwhmNm: 40 };
    expect(features([weak], 3, undefined, { pl: { noEmissionSnr: 50, lowSignalSnr: 60 } }).flags).toEqual(['no-emission']);
    expect(features([weak], 3, undefined, { pl: { lowSignalSnr: 5 } }).flags).toEqual([]);
  });

  it('still measures side peaks without main emission (a pure 600 nm population)', () => {
    const f = features([{ centerNm: 600, height: 3_000, fwhmNm: 30 }], 2);
    expect(f.flags).toEqual(['no-emission']);
    expect(Math.abs(f.sidePeak600! / 3_000 - 1)).toBeLessThan(0.05);
  });
});

describe('saturation', () => {
  it('nulls the main-peak features when the peak saturates, keeps the rest', () => {
    const f = features([{ ...STE, height: 90_000 }], 1);
    expect(f).toMatchObject({ plPeakNm: null, plIntensity: null, plArea: null, fwhmNm: null, flags: ['saturated'] });
    expect(f.abs300).not.toBeNull();
    expect(f.sidePeak600).not.toBeNull();
  });

  it('nulls every PL feature when a baseline region saturates', () => {
    const spike: Peak = { centerNm: 720, height: 200_000, fwhmNm: 2 };
    expect(features([STE, spike], 1)).toMatchObject({
      plPeakNm: null, plIntensity: null, plArea: null, fwhmNm: null, sidePeak380: null, sidePeak600: null, flags: ['saturated'],
    });
  });

  it('nulls only the area when the saturated pixels lie outside the search window', () => {
    const line: Peak = { centerNm: 405, height: 100_000, fwhmNm: 1.5 };
    const f = features([STE, line], 1);
    expect(f.flags).toEqual(['saturated']);
    expect(f.plArea).toBeNull();
    expect(Math.abs(f.plPeakNm! - 450)).toBeLessThan(0.5);
    expect(Math.abs(f.plIntensity! / STE.height - 1)).toBeLessThan(0.02);
  });

  it('nulls only the side peak whose window saturates', () => {
    const f = features([STE, { centerNm: 600, height: 100_000, fwhmNm: 20 }], 1);
    expect(f.flags).toEqual(['saturated']);
    expect(f.sidePeak600).toBeNull();
    expect(f.sidePeak380).not.toBeNull();
    expect(f.plIntensity).not.toBeNull();
  });
});

describe('side peaks at ~380 and ~600 nm', () => {
  const uv: Peak = { centerNm: 380, height: 3_000, fwhmNm: 12 };
  const red: Peak = { centerNm: 600, height: 2_500, fwhmNm: 30 };

  it('measures both when present', () => {
    for (const seed of [1, 2, 3]) {
      const f = features([STE, uv, red], seed);
      expect(Math.abs(f.sidePeak380! / uv.height - 1)).toBeLessThan(0.05);
      expect(Math.abs(f.sidePeak600! / red.height - 1)).toBeLessThan(0.05);
      expect(Math.abs(f.plIntensity! / STE.height - 1)).toBeLessThan(0.02);
    }
  });

  it('reads ~0 when absent', () => {
    for (const seed of [1, 2, 3]) {
      const f = features([STE], seed);
      expect(f.sidePeak380!).toBeLessThan(0.01 * STE.height);
      expect(f.sidePeak600!).toBeLessThan(0.01 * STE.height);
      expect(f.sidePeak380!).toBeGreaterThanOrEqual(0);
    }
  });

  it('does not mistake the flank of a broad main peak for a 380 nm peak (local chord baseline)', () => {
    const broad: Peak = { centerNm: 450, height: 20_000, fwhmNm: 80 };
    const local = features([broad], 1);
    const global = features([broad], 1, undefined, { sidePeaks: { localBaseline: false } });
    expect(local.sidePeak380!).toBeLessThan(0.02 * broad.height);
    expect(global.sidePeak380!).toBeGreaterThan(0.1 * broad.height);
  });
});

describe('options', () => {
  it('exports documented, frozen defaults', () => {
    expect(defaultFeatureOptions.absorbance).toMatchObject({ excitationNm: 300, halfWidthNm: 2, saturationCounts: 65_535, minReferenceCounts: 500 });
    expect(defaultFeatureOptions.pl).toMatchObject({ searchWindowNm: [420, 500], areaWindowNm: [400, 520], noEmissionSnr: 5, lowSignalSnr: 20 });
    expect(defaultFeatureOptions.pl.baseline.regionsNm).toEqual([[345, 360], [700, 740]]);
    expect(Object.isFrozen(defaultFeatureOptions.pl.searchWindowNm)).toBe(true);
  });

  it('rejects invalid options with INVALID_CONFIG listing every problem', () => {
    const bad = { pl: { searchWindowNm: [500, 420] as [number, number], smoothing: { points: 10 }, noEmissionSnr: 30 } };
    expect(() => features([STE], 1, undefined, bad)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => features([STE], 1, undefined, bad)).toThrow(/searchWindowNm[\s\S]*smoothing[\s\S]*lowSignalSnr/);
  });
});
