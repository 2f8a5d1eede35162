import { createRandom, gaussian, type RandomSource } from '../random';

/**
 * One MAX31855 conversion (docs/devices.md §3 [V]): the 32-bit SPI word is
 * bits 31..18 signed 14-bit thermocouple temperature x 0.25 C, bit 17 reserved, bit 16 fault,
 * bits 15..4 signed 12-bit cold-junction temperature x 0.0625 C, bit 3 reserved,
 * bit 2 short to VCC, bit 1 short to GND, bit 0 open circuit.
 */
export interface Max31855Reading {
  /** Thermocouple (hot junction) temperature, C, 0.25 C steps, -2048 .. 2047.75. */
  thermocoupleC: number;
  /** Cold-junction (chip) temperature, C, 0.0625 C steps, -128 .. 127.9375. */
  coldJunctionC: number;
  /** Bit 16: set when any of the three fault bits is. */
  fault: boolean;
  shortToVcc: boolean;
  shortToGnd: boolean;
  openCircuit: boolean;
}

/** What encodeMax31855 takes: the reading without bit 16, which follows the fault flags (default false). */
export type Max31855Input = Pick<Max31855Reading, 'thermocoupleC' | 'coldJunctionC'> &
  Partial<Pick<Max31855Reading, 'shortToVcc' | 'shortToGnd' | 'openCircuit'>>;

/** Fault states a thermocouple can be in (the three fault bits). */
export type ThermocoupleFault = 'open' | 'shortGnd' | 'shortVcc';

const quantize = (c: number, step: number, bits: number) => {
  const half = 2 ** (bits - 1);
  return Math.min(half - 1, Math.max(-half, Math.round(c / step)));
};

/**
 * Builds the 32-bit word (unsigned, 0 .. 2^32-1). Temperatures are rounded to the chip's
 * resolution and clamped to its range; `fault` follows the three fault flags.
 * @example encodeMax31855({ thermocoupleC: -0.25, coldJunctionC: 25 }) === 0xfffc1900
 */
export function encodeMax31855(r: Max31855Input): number {
  const tc = quantize(r.thermocoupleC, 0.25, 14) & 0x3fff;
  const cj = quantize(r.coldJunctionC, 0.0625, 12) & 0xfff;
  const scv = r.shortToVcc ? 1 : 0;
  const scg = r.shortToGnd ? 1 : 0;
  const oc = r.openCircuit ? 1 : 0;
  const fault = scv | scg | oc;
  return ((tc << 18) | (fault << 16) | (cj << 4) | (scv << 2) | (scg << 1) | oc) >>> 0;
}

/** Splits a word into temperatures and fault bits (sign-extending both temperature fields). */
export function decodeMax31855(word: number): Max31855Reading {
  const w = word | 0;
  return {
    thermocoupleC: (w >> 18) * 0.25,
    coldJunctionC: ((w << 16) >> 20) * 0.0625,
    fault: (w & 0x1_0000) !== 0,
    shortToVcc: (w & 0b100) !== 0,
    shortToGnd: (w & 0b010) !== 0,
    openCircuit: (w & 0b001) !== 0,
  };
}

export interface Max31855EmulatorOptions {
  /** Where the hot junction sits (the ThermalPlant). */
  plant: { readonly temperatureC: number };
  /** Seed of the measurement noise. Default 1. */
  seed?: number;
  /** Measurement noise of the thermocouple, C (1 sigma, before the 0.25 C quantization). Default 0.1. */
  noiseC?: number;
  /** Calibration offset of the thermocouple, C. Default 0. */
  offsetC?: number;
  /** Cold-junction (board) temperature, C. Default 25. */
  coldJunctionC?: number;
}

/**
 * A MAX31855 thermocouple amplifier on the heater plate: `read()` returns the 32-bit word the edge
 * would clock out over SPI. Fault hooks set the fault bits; while a fault is active the thermocouple
 * field reads 0 [I] (the value is meaningless: a driver must check bit 16 first).
 *
 * @example
 * const tc = new Max31855Emulator({ plant });
 * decodeMax31855(tc.read()).thermocoupleC; // plate temperature, 0.25 C steps
 * tc.setFault('open'); // bits 16 and 0 set
 */
export class Max31855Emulator {
  private readonly rng: RandomSource;
  private active: ThermocoupleFault | null = null;

  constructor(private readonly options: Max31855EmulatorOptions) {
    this.rng = createRandom(options.seed ?? 1);
  }

  /** One conversion of the current plate temperature, as the 32-bit SPI word. */
  read(): number {
    const o = this.options;
    const coldJunctionC = (o.coldJunctionC ?? 25) + 0.03 * gaussian(this.rng);
    if (this.active) {
      return encodeMax31855({
        thermocoupleC: 0,
        coldJunctionC,
        openCircuit: this.active === 'open',
        shortToGnd: this.active === 'shortGnd',
        shortToVcc: this.active === 'shortVcc',
      });
    }
    const thermocoupleC = o.plant.temperatureC + (o.offsetC ?? 0) + (o.noiseC ?? 0.1) * gaussian(this.rng);
    return encodeMax31855({ thermocoupleC, coldJunctionC });
  }

  /** Fault hook: open thermocouple, short to GND or to VCC; null clears it. */
  setFault(fault: ThermocoupleFault | null): void {
    this.active = fault;
  }

  get fault(): ThermocoupleFault | null {
    return this.active;
  }
}
