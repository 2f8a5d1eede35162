import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMax31855, encodeMax31855, Max31855Emulator } from '../../src/devices/max31855';

describe('MAX31855 word (docs/devices.md §3)', () => {
  it('lays out the bits as the datasheet: hand-computed words', () => {
    // 100.25 C = 401 quarter degrees -> bits 31..18; 25 C = 400 sixteenths -> bits 15..4.
    expect(encodeMax31855({ thermocoupleC: 100.25, coldJunctionC: 25 })).toBe(((401 << 18) | (400 << 4)) >>> 0);
    expect(encodeMax31855({ thermocoupleC: -0.25, coldJunctionC: 25 })).toBe(0xfffc1900);
    expect(encodeMax31855({ thermocoupleC: -250, coldJunctionC: -0.0625 })).toBe((((-1000 & 0x3fff) << 18) | (0xfff << 4)) >>> 0);
    expect(encodeMax31855({ thermocoupleC: 0, coldJunctionC: 0, openCircuit: true })).toBe(0x0001_0001);
    expect(encodeMax31855({ thermocoupleC: 0, coldJunctionC: 0, shortToGnd: true })).toBe(0x0001_0002);
    expect(encodeMax31855({ thermocoupleC: 0, coldJunctionC: 0, shortToVcc: true })).toBe(0x0001_0004);
  });

  it('decodes negative temperatures by sign extension', () => {
    expect(decodeMax31855(0xfffc1900)).toEqual({
      thermocoupleC: -0.25,
      coldJunctionC: 25,
      fault: false,
      shortToVcc: false,
      shortToGnd: false,
      openCircuit: false,
    });
    expect(decodeMax31855(0xfff0_0000 | (0xff0 << 4)).coldJunctionC).toBe(-1);
  });

  it('round-trips every representable reading, fault bits included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -8192, max: 8191 }),
        fc.integer({ min: -2048, max: 2047 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (tq, cq, shortToVcc, shortToGnd, openCircuit) => {
          const r = { thermocoupleC: tq * 0.25, coldJunctionC: cq * 0.0625, shortToVcc, shortToGnd, openCircuit };
          const word = encodeMax31855(r);
          expect(word).toBeGreaterThanOrEqual(0);
          expect(word).toBeLessThan(2 ** 32);
          expect(word & 0x0002_0008).toBe(0); // reserved bits 17 and 3
          expect(decodeMax31855(word)).toEqual({ ...r, fault: shortToVcc || shortToGnd || openCircuit });
        },
      ),
    );
  });

  it('rounds to the resolution and clamps to the range', () => {
    expect(decodeMax31855(encodeMax31855({ thermocoupleC: 150.13, coldJunctionC: 25.04 })).thermocoupleC).toBe(150.25);
    expect(decodeMax31855(encodeMax31855({ thermocoupleC: 5000, coldJunctionC: 500 }))).toMatchObject({ thermocoupleC: 2047.75, coldJunctionC: 127.9375 });
    expect(decodeMax31855(encodeMax31855({ thermocoupleC: -5000, coldJunctionC: -500 }))).toMatchObject({ thermocoupleC: -2048, coldJunctionC: -128 });
  });
});

describe('Max31855Emulator', () => {
  it('reads the plate temperature with seeded noise, and the fault hooks set the fault bits', () => {
    const plant = { temperatureC: 150 };
    const tc = new Max31855Emulator({ plant, seed: 7 });
    const readings = Array.from({ length: 200 }, () => decodeMax31855(tc.read()));
    const mean = readings.reduce((s, r) => s + r.thermocoupleC, 0) / readings.length;
    expect(mean).toBeCloseTo(150, 1);
    expect(readings.every((r) => !r.fault && Math.abs(r.coldJunctionC - 25) < 0.5)).toBe(true);
    expect(new Max31855Emulator({ plant, seed: 7 }).read()).toBe(new Max31855Emulator({ plant, seed: 7 }).read());
    plant.temperatureC = -40;
    expect(decodeMax31855(tc.read()).thermocoupleC).toBeCloseTo(-40, 0);
    tc.setFault('open');
    expect(decodeMax31855(tc.read())).toMatchObject({ fault: true, openCircuit: true, shortToGnd: false, thermocoupleC: 0 });
    tc.setFault('shortGnd');
    expect(decodeMax31855(tc.read())).toMatchObject({ fault: true, shortToGnd: true });
    tc.setFault('shortVcc');
    expect(decodeMax31855(tc.read())).toMatchObject({ fault: true, shortToVcc: true });
    tc.setFault(null);
    expect(decodeMax31855(tc.read()).fault).toBe(false);
  });
});
