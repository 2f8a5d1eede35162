import { describe, expect, it } from 'vitest';
import { ChemistryError } from '../src/errors';
import { absorbance, computeFeatures, plSignal, validateSpectrum, type Spectrum } from '../src/features/index';
import { GRID, STE, absorptionSpectra, bandEdge, detector, lamp, plSpectra } from './features-fixtures';

const flat = (counts: number, n = 5): Spectrum => ({
  wavelengthNm: Array.from({ length: n }, (_, i) => 300 + i),
  counts: new Array<number>(n).fill(counts),
});
const withCounts = (counts: number[]): Spectrum => ({ wavelengthNm: counts.map((_, i) => 300 + i), counts });

describe('absorbance', () => {
  it('computes A = -log10((S - D) / (R - D)) per pixel', () => {
    const a = absorbance({ sample: withCounts([11_000, 2_000, 1_100]), dark: flat(1_000, 3), reference: flat(11_000, 3) });
    expect(a.values[0]).toBeCloseTo(0, 12);
    expect(a.values[1]).toBeCloseTo(1, 12);
    expect(a.values[2]).toBeCloseTo(2, 12);
    expect(a.masked).toBe(0);
    expect(a.wavelengthNm).toEqual([300, 301, 302]);
  });

  it('masks saturated pixels in any of the three spectra', () => {
    const a = absorbance({
      sample: withCounts([65_535, 5_000, 5_000, 5_000]),
      dark: withCounts([1_000, 65_535, 1_000, 1_000]),
      reference: withCounts([20_000, 20_000, 65_535, 20_000]),
    });
    expect(a.values.slice(0, 3)).toEqual([null, null, null]);
    expect(a.mask).toEqual(['saturated', 'saturated', 'saturated', null]);
    expect(a.masked).toBe(3);
    expect(absorbance({ sample: flat(5_000), dark: flat(1_000), reference: flat(30_000) }, { saturationCounts: 20_000 }).masked).toBe(5);
  });

  it('masks a low reference (R - D below minReferenceCounts, default 500)', () => {
    const a = absorbance({ sample: withCounts([1_100, 1_300, 1_900]), dark: flat(1_000, 3), reference: withCounts([1_200, 1_499, 2_000]) });
    expect(a.mask).toEqual(['low-reference', 'low-reference', null]);
    expect(a.values[2]).toBeCloseTo(-Math.log10(0.9), 12);
    expect(absorbance({ sample: flat(1_100), dark: flat(1_000), reference: flat(1_200) }, { minReferenceCounts: 100 }).masked).toBe(0);
  });

  it("masks S - D <= 0 by default; 'clip' reports maxAbsorbance and caps the rest", () => {
    const spectra = { sample: withCounts([900, 1_000, 1_001, 6_000]), dark: flat(1_000, 4), reference: flat(11_000, 4) };
    const masked = absorbance(spectra);
    expect(masked.values.slice(0, 2)).toEqual([null, null]);
    expect(masked.mask.slice(0, 2)).toEqual(['non-positive', 'non-positive']);
    expect(masked.values[2]).toBeCloseTo(4, 12); // tiny but positive: reported, not capped
    expect(masked.masked).toBe(2);
    const clipped = absorbance(spectra, { nonPositive: 'clip', maxAbsorbance: 3 });
    expect(clipped.values.slice(0, 3)).toEqual([3, 3, 3]);
    expect(clipped.mask.slice(0, 2)).toEqual(['non-positive', 'non-positive']);
    expect(clipped.values[3]).toBeCloseTo(-Math.log10(0.5), 12);
    expect(clipped.masked).toBe(0);
  });

  it('rejects bad options with INVALID_CONFIG', () => {
    const s = { sample: flat(2_000), dark: flat(1_000), reference: flat(3_000) };
    expect(() => absorbance(s, { minReferenceCounts: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

describe('plSignal', () => {
  it('returns S - D and masks saturated pixels', () => {
    const pl = plSignal({ sample: withCounts([1_500, 65_535, 900]), dark: flat(1_000, 3) });
    expect(pl.values).toEqual([500, null, -100]);
    expect(pl.mask).toEqual([null, 'saturated', null]);
    expect(pl.masked).toBe(1);
  });
});

describe('invalid spectra throw ChemistryError INVALID_SPECTRUM with a clear message', () => {
  const cases: [string, Spectrum, RegExp][] = [
    ['length mismatch', { wavelengthNm: [300, 301, 302], counts: [1, 2] }, /3 wavelengths but 2 counts/],
    ['empty', { wavelengthNm: [], counts: [] }, /empty/],
    ['single pixel', { wavelengthNm: [300], counts: [1] }, /single pixel/],
    ['NaN wavelength', { wavelengthNm: [300, NaN, 302], counts: [1, 2, 3] }, /wavelength at pixel 1 is NaN/],
    ['infinite wavelength', { wavelengthNm: [300, 301, Infinity], counts: [1, 2, 3] }, /pixel 2 is Infinity/],
    ['decreasing', { wavelengthNm: [300, 302, 301], counts: [1, 2, 3] }, /increase strictly/],
    ['NaN counts', { wavelengthNm: [300, 301], counts: [1, NaN] }, /counts at pixel 1/],
    ['not arrays', { wavelengthNm: 'x', counts: null } as unknown as Spectrum, /expected \{ wavelengthNm/],
  ];
  it.each(cases)('%s', (_, bad, message) => {
    expect(() => validateSpectrum(bad, 'PL sample')).toThrow(message);
    expect(() => plSignal({ sample: bad, dark: flat(1) })).toThrow(ChemistryError);
    expect(() => absorbance({ sample: flat(2), dark: bad, reference: flat(3) })).toThrow(
      expect.objectContaining({ name: 'ChemistryError', code: 'INVALID_SPECTRUM' }),
    );
  });

  it('rejects spectra on different grids', () => {
    const shifted: Spectrum = { wavelengthNm: [300, 301, 302.5, 303, 304], counts: [1, 1, 1, 1, 1] };
    expect(() => absorbance({ sample: flat(2), dark: flat(1), reference: shifted })).toThrow(/differ at pixel 2/);
    expect(() => plSignal({ sample: flat(2, 6), dark: flat(1) })).toThrow(/same grid/);
  });

  it('rejects a grid that does not cover a configured window', () => {
    const short = GRID.filter((w) => w < 720);
    const pl = plSpectra([STE], { seed: 1, wavelengthNm: short });
    const absorption = absorptionSpectra(bandEdge, lamp, { seed: 1 });
    expect(() => computeFeatures({ absorption, pl })).toThrow(/PL baseline region 2 needs 700-740 nm/);
    const uvLess = GRID.filter((w) => w > 310);
    const noUv = absorptionSpectra(bandEdge, lamp, { seed: 1, wavelengthNm: uvLess });
    expect(() => computeFeatures({ absorption: noUv, pl: plSpectra([STE], { seed: 1 }) })).toThrow(/absorbance window around 300 nm/);
  });
});

describe('abs300 in computeFeatures', () => {
  const pl = plSpectra([STE], { seed: 11 });

  it('recovers the known absorbance at 300 nm under noise (several seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const f = computeFeatures({ absorption: absorptionSpectra(bandEdge, lamp, { seed }), pl });
      expect(f.abs300).not.toBeNull();
      expect(Math.abs(f.abs300! - 0.8)).toBeLessThan(0.01);
      expect(f.flags).toEqual([]);
    }
  });

  it('follows the configured excitation wavelength', () => {
    const f = computeFeatures({ absorption: absorptionSpectra(bandEdge, lamp, { seed: 3 }), pl }, { absorbance: { excitationNm: 330 } });
    expect(f.abs300).toBeCloseTo(bandEdge(330), 1);
  });

  it('is null and flagged saturated when the reference saturates at 300 nm', () => {
    const hot = (nm: number): number => (Math.abs(nm - 300) < 1 ? 70_000 : lamp(nm));
    const f = computeFeatures({ absorption: absorptionSpectra(bandEdge, hot, { seed: 1 }), pl });
    expect(f.abs300).toBeNull();
    expect(f.flags).toEqual(['saturated']);
    expect(f.plIntensity).not.toBeNull(); // PL is unaffected
  });

  it('flags low-signal and gives null when the reference is too weak around 300 nm', () => {
    const dim = (nm: number): number => (nm < 305 ? 200 : lamp(nm));
    const f = computeFeatures({ absorption: absorptionSpectra(bandEdge, dim, { seed: 1 }), pl });
    expect(f.abs300).toBeNull();
    expect(f.flags).toEqual(['low-signal']);
  });

  it('uses the remaining pixels when only part of the window has a low reference', () => {
    const partial = (nm: number): number => (nm < 299 ? 200 : lamp(nm));
    const f = computeFeatures({ absorption: absorptionSpectra(bandEdge, partial, { seed: 2 }), pl });
    expect(f.flags).toEqual(['low-signal']);
    expect(Math.abs(f.abs300! - 0.8)).toBeLessThan(0.02);
  });

  it('treats an opaque sample (S <= D) as low-signal: null by default, the cap with clip', () => {
    const opaque = absorptionSpectra(() => 6, lamp, { seed: 1, readNoise: 0, shot: false });
    expect(computeFeatures({ absorption: opaque, pl })).toMatchObject({ abs300: null, flags: ['low-signal'] });
    const clipped = computeFeatures({ absorption: opaque, pl }, { absorbance: { nonPositive: 'clip', maxAbsorbance: 4 } });
    expect(clipped).toMatchObject({ abs300: 4, flags: ['low-signal'] });
  });

  it('handles a window narrower than the pixel pitch by interpolating the bracketing pixels', () => {
    const absorption = absorptionSpectra(bandEdge, lamp, { seed: 1, readNoise: 0, shot: false });
    const f = computeFeatures({ absorption, pl }, { absorbance: { halfWidthNm: 0 } });
    expect(f.abs300).toBeCloseTo(0.8, 2);
  });

  it('works on dark spectra with their own noise', () => {
    const a = absorptionSpectra(bandEdge, lamp, { seed: 8, readNoise: 25 });
    const shiftedDark = { ...a, dark: detector(() => 0, { seed: 99, readNoise: 25 }) };
    expect(Math.abs(computeFeatures({ absorption: shiftedDark, pl }).abs300! - 0.8)).toBeLessThan(0.01);
  });
});
