import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OnoffGpio } from '../../src/devices/onoff-gpio';
import { sysfsPins } from '../../src/devices/sysfs-pins';

/** A fake /sys/class/gpio: one Pi 4 chip (base 512) and the four lines' files (the kernel would make them on export). */
function sysfsTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'sdfl-sysfs-'));
  mkdirSync(join(root, 'gpiochip512'));
  writeFileSync(join(root, 'gpiochip512', 'label'), 'pinctrl-bcm2711\n');
  writeFileSync(join(root, 'gpiochip512', 'base'), '512\n');
  writeFileSync(join(root, 'gpiochip512', 'ngpio'), '58\n');
  writeFileSync(join(root, 'export'), '');
  writeFileSync(join(root, 'unexport'), '');
  for (const n of [529, 539, 534, 535]) {
    mkdirSync(join(root, `gpio${n}`));
    writeFileSync(join(root, `gpio${n}`, 'direction'), 'in');
    writeFileSync(join(root, `gpio${n}`, 'value'), '1');
  }
  return root;
}
const pins = { ssr: 17, uvLed: 27, shutter: 22, estop: 23 };
const read = (root: string, n: number, file: string) => readFileSync(join(root, `gpio${n}`, file), 'utf8').trim();

describe('sysfs GPIO (devices.gpio.kind: sysfs)', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('exports the lines with outputs OFF in the same write, writes and reads levels, polls the e-stop, releases SAFE', async () => {
    root = sysfsTree();
    const gpio = await OnoffGpio.open({ pins, sysfsRoot: root, shutterOpenLevel: 0, loadOnoff: () => Promise.resolve(sysfsPins({ sysfsRoot: root, pollMs: 5 })) });
    expect([read(root, 529, 'direction'), read(root, 539, 'direction'), read(root, 534, 'direction'), read(root, 535, 'direction')]).toEqual(['low', 'low', 'high', 'in']);
    await gpio.write('uvLed', 1);
    expect(read(root, 539, 'value')).toBe('1');
    const seen: number[] = [];
    gpio.watch('estop', (v) => seen.push(v));
    const edge = async (value: '0' | '1', n: number) => {
      writeFileSync(join(root, 'gpio535', 'value'), value);
      for (const end = Date.now() + 2_000; seen.length < n && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
    };
    await edge('0', 1);
    expect(await gpio.read('estop')).toBe(0);
    await edge('1', 2);
    expect(seen).toEqual([0, 1]);
    await gpio.close();
    expect([read(root, 529, 'value'), read(root, 539, 'value'), read(root, 534, 'value')]).toEqual(['0', '0', '1']);
    expect(readFileSync(join(root, 'unexport'), 'utf8')).toBe('535');
  });

  it('is not accessible without a writable export file, and OnoffGpio says so', async () => {
    root = sysfsTree();
    rmSync(join(root, 'export'));
    await expect(OnoffGpio.open({ pins, sysfsRoot: root, loadOnoff: () => Promise.resolve(sysfsPins({ sysfsRoot: root })) })).rejects.toThrow(/not accessible/);
  });
});
