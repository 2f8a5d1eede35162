import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChemistryError } from '../src/errors';
import { computeFeatures, pixelWavelengths, type FeatureFlag, type Features, type Spectrum } from '../src/features/index';
import { absorptionSpectra, bandEdge, gaussianArea, lamp, plSpectra } from './features-fixtures';

const absorption = absorptionSpectra(bandEdge, lamp, { seed: 42 });
const FLAGS: readonly FeatureFlag[] = ['saturated', 'no-emission', 'low-signal'];
const NUMERIC_KEYS = ['abs300', 'plPeakNm', 'plIntensity', 'plArea', 'fwhmNm', 'sidePeak380', 'sidePeak600'] as const;

/** Every number finite (or null), flags known, sorted and unique. */
function expectWellFormed(f: Features): void {
  for (const key of NUMERIC_KEYS) {
    const v = f[key];
    if (v !== null) expect(Number.isFinite(v), `${key} = ${v}`).toBe(true);
  }
  expect(f.flags).toEqual(FLAGS.filter((flag) => f.flags.includes(flag)));
}

describe('property: random Gaussian emission + noise', () => {
  // Heights from 3000 counts, FWHM up to 50 nm: over 1500 seeds at the weakest corners (3000
  // counts, 430 or 470 nm, FWHM 50) the worst errors were 0.40 nm, 1.3 %, 1.0 % and 0.80 nm.
  // Broader blue peaks leak into the 345-360 nm baseline region: the case below pins that bias.
  const peak = fc.record({
    centerNm: fc.double({ min: 430, max: 470, noNaN: true }),
    height: fc.double({ min: 3_000, max: 40_000, noNaN: true }),
    fwhmNm: fc.double({ min: 20, max: 50, noNaN: true }),
  });

  it('gives finite features with the peak within tolerance', () => {
    fc.assert(
      fc.property(peak, fc.integer({ min: 0, max: 1_000_000 }), (p, seed) => {
        const f = computeFeatures({ absorption, pl: plSpectra([p], { seed }) });
        expectWellFormed(f);
        expect(f.flags).toEqual([]);
        expect(Math.abs(f.plPeakNm! - p.centerNm)).toBeLessThan(0.5);
        expect(Math.abs(f.plIntensity! / p.height - 1)).toBeLessThan(0.02);
        expect(Math.abs(f.plArea! / gaussianArea(p, 400, 520) - 1)).toBeLessThan(0.02);
        expect(Math.abs(f.fwhmNm! - p.fwhmNm)).toBeLessThan(1);
      }),
      { numRuns: 100 },
    );
  });

  it('reads a broad blue peak (430 nm, FWHM 60) low by its leak into the baseline region, and only that', () => {
    const p = { centerNm: 430, height: 20_000, fwhmNm: 60 };
    const areaErrors = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => computeFeatures({ absorption, pl: plSpectra([p], { seed }) }).plArea! / gaussianArea(p, 400, 520) - 1);
    const mean = areaErrors.reduce((a, b) => a + b, 0) / areaErrors.length;
    expect(mean).toBeLessThan(-0.01); // the documented bias, measured: about -1.7 %
    expect(mean).toBeGreaterThan(-0.025);
  });
});

describe('property: garbage never throws except INVALID_SPECTRUM', () => {
  // A coarse 300-pixel grid over 200-900 nm keeps the generated arrays small.
  const grid = pixelWavelengths([200, 700 / 299], 300);
  const count = fc.oneof(
    fc.integer({ min: 0, max: 65_535 }),
    fc.constantFrom(0, 1_000, 65_535, 70_000, -5),
    fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  );
  const garbageOnGrid = fc.array(count, { minLength: grid.length, maxLength: grid.length }).map((counts): Spectrum => ({ wavelengthNm: grid, counts }));

  it('returns well-formed features for arbitrary counts on a valid grid', () => {
    fc.assert(
      fc.property(garbageOnGrid, garbageOnGrid, garbageOnGrid, garbageOnGrid, garbageOnGrid, (s, d, r, ps, pd) => {
        expectWellFormed(computeFeatures({ absorption: { sample: s, dark: d, reference: r }, pl: { sample: ps, dark: pd } }));
      }),
      { numRuns: 150 },
    );
  });

  it('returns well-formed features for structured garbage (constant, spikes, steps)', () => {
    const shape = fc.record({
      level: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
      spikes: fc.array(fc.record({ at: fc.nat(grid.length - 1), value: count }), { maxLength: 20 }),
    });
    const build = ({ level, spikes }: { level: number; spikes: { at: number; value: number }[] }): Spectrum => {
      const counts = grid.map(() => level);
      for (const s of spikes) counts[s.at] = s.value;
      return { wavelengthNm: grid, counts };
    };
    fc.assert(
      fc.property(shape, shape, shape, shape, shape, (a, b, c, d, e) => {
        expectWellFormed(computeFeatures({ absorption: { sample: build(a), dark: build(b), reference: build(c) }, pl: { sample: build(d), dark: build(e) } }));
      }),
      { numRuns: 150 },
    );
  });

  it('throws only ChemistryError INVALID_SPECTRUM for malformed arrays', () => {
    const value = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity));
    const spectrum = fc.oneof(
      fc.record({ wavelengthNm: fc.array(value, { maxLength: 8 }), counts: fc.array(value, { maxLength: 8 }) }),
      // Valid-looking but too short or shifted grids.
      fc.record({ start: fc.double({ min: -1e3, max: 2e3, noNaN: true }), n: fc.integer({ min: 0, max: 400 }) }).map(({ start, n }) => ({
        wavelengthNm: pixelWavelengths([start, 1], n),
        counts: new Array<number>(n).fill(1_000),
      })),
    );
    fc.assert(
      fc.property(spectrum, spectrum, spectrum, spectrum, spectrum, (s, d, r, ps, pd) => {
        try {
          expectWellFormed(computeFeatures({ absorption: { sample: s, dark: d, reference: r }, pl: { sample: ps, dark: pd } }));
        } catch (e) {
          expect(e).toBeInstanceOf(ChemistryError);
          expect((e as ChemistryError).code).toBe('INVALID_SPECTRUM');
          expect((e as Error).message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 300 },
    );
  });
});
