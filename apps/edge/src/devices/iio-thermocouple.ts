import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ThermocoupleReader, ThermocoupleReading } from './max31855';

/**
 * A MAX31855 read through the Linux kernel's `maxim_thermocouple` IIO driver (Raspberry Pi
 * overlay `dtoverlay=maxtherm,spidev=0,type=k`): `in_temp_raw` x `in_temp_scale` is milli-degrees C.
 * The driver rejects the read (EINVAL) when the chip's fault bit is set, which becomes a fault here.
 * Node has no SPI ioctl, so the kernel does the SPI transfer (docs/devices.md §3: "other readers").
 */
export class IioThermocoupleReader implements ThermocoupleReader {
  constructor(
    /** The IIO device folder, e.g. `/sys/bus/iio/devices/iio:device0`. */
    private readonly device: string,
    private readonly now: () => number = Date.now,
  ) {}

  async read(): Promise<ThermocoupleReading> {
    try {
      const [raw, scale] = await Promise.all([readFile(join(this.device, 'in_temp_raw'), 'utf8'), readFile(join(this.device, 'in_temp_scale'), 'utf8')]);
      const c = (Number(raw.trim()) * Number(scale.trim())) / 1000;
      return Number.isFinite(c) ? { temperatureC: c, at: this.now(), fault: null } : { temperatureC: null, at: this.now(), fault: 'invalid' };
    } catch {
      return { temperatureC: null, at: this.now(), fault: 'readError' };
    }
  }
}
