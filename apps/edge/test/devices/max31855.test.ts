import { describe, expect, it } from 'vitest';
import { decodeMax31855, Max31855Reader } from '../../src/devices/max31855';

/** Independent encoder from the datasheet layout (docs/devices.md §3). */
const word = (tcC: number, cjC: number, faults = 0) =>
  ((((Math.round(tcC / 0.25) & 0x3fff) << 18) | ((faults ? 1 : 0) << 16) | ((Math.round(cjC / 0.0625) & 0xfff) << 4) | faults) >>> 0);

describe('decodeMax31855', () => {
  it('decodes positive and negative temperatures (signed fields)', () => {
    expect(decodeMax31855(word(150.25, 25.0625))).toEqual({ tcC: 150.25, coldJunctionC: 25.0625, fault: null });
    expect(decodeMax31855(word(-0.25, -1.5))).toEqual({ tcC: -0.25, coldJunctionC: -1.5, fault: null });
    expect(decodeMax31855(word(1600, 127.9375))).toEqual({ tcC: 1600, coldJunctionC: 127.9375, fault: null });
    expect(decodeMax31855(word(-200, -55))).toEqual({ tcC: -200, coldJunctionC: -55, fault: null });
    // The datasheet example 0xFFFC1900 as a signed int too: -0.25 C / 25 C.
    expect(decodeMax31855(0xfffc1900)).toEqual({ tcC: -0.25, coldJunctionC: 25, fault: null });
    expect(decodeMax31855(0xfffc1900 | 0)).toEqual({ tcC: -0.25, coldJunctionC: 25, fault: null });
  });

  it('maps fault bits', () => {
    expect(decodeMax31855(word(0, 25, 0b001)).fault).toBe('open');
    expect(decodeMax31855(word(0, 25, 0b010)).fault).toBe('shortGnd');
    expect(decodeMax31855(word(0, 25, 0b100)).fault).toBe('shortVcc');
  });

  it('rejects words that are not conversions', () => {
    expect(() => decodeMax31855(0xffffffff)).toThrow(/reserved/);
    expect(() => decodeMax31855(word(20, 25) | 0x8)).toThrow(/reserved/);
    expect(() => decodeMax31855(word(20, 25) | 0x1_0000)).toThrow(/disagrees/);
    expect(() => decodeMax31855(word(20, 25) | 0x1)).toThrow(/disagrees/);
    expect(() => decodeMax31855(0)).toThrow(/no chip/);
  });
});

describe('Max31855Reader', () => {
  it('reads, timestamps and reports faults instead of throwing', async () => {
    let w = word(99.5, 24);
    const r = new Max31855Reader({ readWord: () => w, now: () => 7 });
    expect(await r.read()).toEqual({ temperatureC: 99.5, at: 7, fault: null });
    w = word(0, 24, 0b001);
    expect(await r.read()).toEqual({ temperatureC: null, at: 7, fault: 'open' });
    w = 0xffffffff;
    expect(await r.read()).toEqual({ temperatureC: null, at: 7, fault: 'invalid' });
    expect(r.lastWord).toBe(0xffffffff);
    const broken = new Max31855Reader({ readWord: async () => Promise.reject(new Error('EIO')) });
    const b = await broken.read();
    expect(b.fault).toBe('readError');
    expect(b.temperatureC).toBeNull();
  });
});
