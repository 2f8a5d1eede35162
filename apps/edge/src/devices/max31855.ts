/**
 * MAX31855 thermocouple amplifier (docs/devices.md §3 [V]) and the {@link ThermocoupleReader} interface
 * that other readers (a serial bridge, a 1-wire MAX31850 via the Linux w1 sysfs file) implement too.
 *
 * Word layout: bits 31..18 signed 14-bit thermocouple temperature x 0.25 C; bit 17 reserved; bit 16
 * fault; bits 15..4 signed 12-bit cold junction x 0.0625 C; bit 3 reserved; bit 2 short to VCC;
 * bit 1 short to GND; bit 0 open circuit.
 */
import { DeviceProtocolError } from './errors';

/** Fault bits of the MAX31855. */
export type Max31855Fault = 'open' | 'shortGnd' | 'shortVcc';

/** A decoded conversion. `tcC` is meaningless while `fault` is set. */
export interface Max31855Word {
  /** Thermocouple (hot junction) temperature, C, 0.25 C steps. */
  tcC: number;
  /** Cold junction (chip) temperature, C, 0.0625 C steps. */
  coldJunctionC: number;
  fault: Max31855Fault | null;
}

/**
 * Decode one 32-bit word (any JS number holding the unsigned or signed 32-bit value).
 * @throws DeviceProtocolError when a reserved bit is set, bit 16 disagrees with bits 0-2, or the
 *   word is 0: such a word is not a conversion (0xFFFFFFFF from a floating MISO line, 0 from a dead chip).
 */
export function decodeMax31855(word: number, device = 'max31855'): Max31855Word {
  const w = word | 0;
  // All zeros is a bus stuck low (chip absent or unpowered), not a reading: its cold junction would be exactly 0 C.
  if (w === 0) throw new DeviceProtocolError(device, 'word 0x0: no chip answering');
  if ((w & 0x2_0008) !== 0) throw new DeviceProtocolError(device, `reserved bits set in 0x${(w >>> 0).toString(16)}`);
  const faultBit = (w & 0x1_0000) !== 0;
  const fault: Max31855Fault | null = w & 0b001 ? 'open' : w & 0b010 ? 'shortGnd' : w & 0b100 ? 'shortVcc' : null;
  if (faultBit !== (fault !== null)) throw new DeviceProtocolError(device, `fault bit 16 disagrees with bits 0-2 in 0x${(w >>> 0).toString(16)}`);
  return {
    // Arithmetic shifts sign-extend the 14-bit and 12-bit two's-complement fields.
    tcC: (w >> 18) * 0.25,
    coldJunctionC: ((w << 16) >> 20) * 0.0625,
    fault,
  };
}

/** Why a thermocouple reading has no temperature: fault bits, or a word/read that failed. */
export type ThermocoupleFault = Max31855Fault | 'invalid' | 'readError';

/** One thermocouple reading. */
export interface ThermocoupleReading {
  /** Hot-junction temperature, C; null when `fault` is set. */
  temperatureC: number | null;
  /** Time of the reading, ms on the reader's clock. */
  at: number;
  fault: ThermocoupleFault | null;
}

/** Anything that yields thermocouple readings; never rejects: failures are faults. */
export interface ThermocoupleReader {
  read(): Promise<ThermocoupleReading>;
}

/** Options of {@link Max31855Reader}. */
export interface Max31855ReaderOptions {
  /** Clocks one 32-bit word out of the chip (SPI transfer, or the sim emulator's `read()`). */
  readWord: () => number | Promise<number>;
  /** Clock for `at`, ms. Default `Date.now`. */
  now?: () => number;
  /** Device name in errors. Default 'max31855'. */
  name?: string;
}

/** {@link ThermocoupleReader} over a MAX31855 word source. */
export class Max31855Reader implements ThermocoupleReader {
  /** Last raw word, for diagnostics. */
  lastWord: number | undefined;

  constructor(private readonly o: Max31855ReaderOptions) {}

  async read(): Promise<ThermocoupleReading> {
    const now = this.o.now ?? Date.now;
    let word: number;
    try {
      word = await this.o.readWord();
    } catch {
      return { temperatureC: null, at: now(), fault: 'readError' };
    }
    this.lastWord = word;
    const at = now();
    try {
      const d = decodeMax31855(word, this.o.name);
      return d.fault ? { temperatureC: null, at, fault: d.fault } : { temperatureC: d.tcC, at, fault: null };
    } catch {
      return { temperatureC: null, at, fault: 'invalid' };
    }
  }
}
