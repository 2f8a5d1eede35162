import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IioThermocoupleReader } from '../../src/devices/iio-thermocouple';

describe('IioThermocoupleReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iio-'));
  afterEach(() => rmSync(join(dir, 'in_temp_raw'), { force: true }));

  it('converts raw x scale (milli-degrees) to C', async () => {
    writeFileSync(join(dir, 'in_temp_raw'), '560\n');
    writeFileSync(join(dir, 'in_temp_scale'), '250\n');
    expect(await new IioThermocoupleReader(dir, () => 7).read()).toEqual({ temperatureC: 140, at: 7, fault: null });
  });

  it('turns a failed read (driver EINVAL on a chip fault, or a missing device) into a fault', async () => {
    expect(await new IioThermocoupleReader(dir, () => 7).read()).toEqual({ temperatureC: null, at: 7, fault: 'readError' });
  });

  it('flags a value that is not a number', async () => {
    writeFileSync(join(dir, 'in_temp_raw'), 'garbage');
    expect((await new IioThermocoupleReader(dir).read()).fault).toBe('invalid');
  });
});
