import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gpio, GpioLevel } from '../../src/devices/gpio';
import { offLevel } from '../../src/devices/gpio';
import { listGpioChips, resolveGpioChip, sysfsNumber } from '../../src/devices/gpio-sysfs';
import { OnoffGpio, type OnoffModule, type OnoffPin } from '../../src/devices/onoff-gpio';
import { InMemoryGpio } from './helpers/sim';

/** A sysfs tree like a Pi 5 on kernel 6.6 (several chips; the RP1 one is the 40-pin header). */
async function sysfsTree(chips: Record<string, { label?: string; base?: string; ngpio?: string }>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'sdfl-gpio-'));
  for (const [name, files] of Object.entries(chips)) {
    await mkdir(join(root, name));
    for (const [f, v] of Object.entries(files)) await writeFile(join(root, name, f), `${v}\n`);
  }
  await writeFile(join(root, 'export'), '');
  return root;
}

/** Fake onoff: records exports and levels; the estop input can be "pressed". */
function fakeOnoff(accessible = true) {
  const pins = new Map<number, { direction: string; edge?: string; level: GpioLevel; exported: boolean; cb?: (e: null, v: GpioLevel) => void; failWrite?: boolean }>();
  class Pin implements OnoffPin {
    constructor(readonly n: number, direction: string, edge?: string) {
      pins.set(n, { direction, edge, level: direction === 'high' ? 1 : 0, exported: true });
    }
    async read() {
      return pins.get(this.n)!.level;
    }
    async write(v: GpioLevel) {
      if (pins.get(this.n)!.failWrite) throw new Error('EIO');
      pins.get(this.n)!.level = v;
    }
    watch(cb: (e: null, v: GpioLevel) => void) {
      pins.get(this.n)!.cb = cb;
    }
    unwatchAll() {
      pins.get(this.n)!.cb = undefined;
    }
    unexport() {
      pins.get(this.n)!.exported = false;
    }
  }
  const mod: OnoffModule = { Gpio: Object.assign(Pin, { accessible }) };
  const press = (n: number, v: GpioLevel) => {
    pins.get(n)!.level = v;
    pins.get(n)!.cb?.(null, v);
  };
  return { mod, pins, press };
}

const pi5 = { gpiochip512: { label: 'gpio-brcmstb@107d508500', base: '512', ngpio: '32' }, gpiochip571: { label: 'pinctrl-rp1', base: '571', ngpio: '54' }, gpiochip0: { label: 'broken' } };
const pins = { ssr: 17, uvLed: 27, shutter: 22, estop: 23 };

describe('gpio sysfs base resolution (temp tree)', () => {
  let root: string;
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('finds the Pi 5 chip by label, never by chip number', async () => {
    root = await sysfsTree(pi5);
    expect(await listGpioChips(root)).toHaveLength(2);
    const chip = await resolveGpioChip({ sysfsRoot: root });
    expect(chip).toEqual({ chip: 'gpiochip571', label: 'pinctrl-rp1', base: 571, ngpio: 54 });
    expect(sysfsNumber(chip, 17)).toBe(588);
    expect(() => sysfsNumber(chip, 54)).toThrow(/not on gpiochip571/);
    expect(() => sysfsNumber(chip, -1)).toThrow();
  });

  it('finds the Pi 4 chip; a missing ngpio does not limit', async () => {
    root = await sysfsTree({ gpiochip512: { label: 'pinctrl-bcm2711', base: '512' } });
    const chip = await resolveGpioChip({ sysfsRoot: root });
    expect(chip.base).toBe(512);
    expect(sysfsNumber(chip, 100)).toBe(612);
  });

  it('no matching chip or no sysfs -> DISCONNECTED with what was found', async () => {
    root = await sysfsTree({ gpiochip0: { label: 'pinctrl-bcm2835', base: '0' } });
    await expect(resolveGpioChip({ sysfsRoot: root })).rejects.toMatchObject({ code: 'DISCONNECTED', message: expect.stringContaining('gpiochip0=pinctrl-bcm2835') });
    expect((await resolveGpioChip({ sysfsRoot: root, labels: ['pinctrl-bcm2835'] })).base).toBe(0);
    expect(await listGpioChips(join(root, 'nope'))).toEqual([]);
  });
});

describe('OnoffGpio (fake onoff over a temp sysfs tree)', () => {
  let root: string;
  beforeEach(async () => {
    root = await sysfsTree(pi5);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('exports offset lines with outputs OFF from the first write; shutter polarity from config', async () => {
    const f = fakeOnoff();
    const gpio = await OnoffGpio.open({ pins, sysfsRoot: root, shutterOpenLevel: 0, loadOnoff: async () => f.mod });
    expect(f.pins.get(571 + 17)).toMatchObject({ direction: 'low', level: 0 });
    expect(f.pins.get(571 + 27)).toMatchObject({ direction: 'low', level: 0 });
    expect(f.pins.get(571 + 22)).toMatchObject({ direction: 'high', level: 1 }); // closed = 1 when open level is 0
    expect(f.pins.get(571 + 23)).toMatchObject({ direction: 'in', edge: 'both' });
    await gpio.close();
  });

  it('writes, reads, reports output changes and e-stop edges to watchers', async () => {
    const f = fakeOnoff();
    const gpio = await OnoffGpio.open({ pins, sysfsRoot: root, loadOnoff: async () => f.mod });
    const seen: string[] = [];
    const un = gpio.watch('ssr', (v) => seen.push(`ssr${v}`));
    gpio.watch('estop', (v) => seen.push(`estop${v}`));
    await gpio.write('ssr', 1);
    await gpio.write('ssr', 1);
    expect(await gpio.read('ssr')).toBe(1);
    f.press(571 + 23, 1);
    un();
    await gpio.write('ssr', 0);
    expect(seen).toEqual(['ssr1', 'estop1']);
    await expect(gpio.write('estop', 1)).rejects.toMatchObject({ code: 'LIMIT' });
    await expect(gpio.write('ssr', 2 as GpioLevel)).rejects.toMatchObject({ code: 'LIMIT' });
    f.pins.get(571 + 27)!.failWrite = true;
    await expect(gpio.write('uvLed', 1)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    f.pins.get(571 + 27)!.failWrite = false;
    await gpio.write('uvLed', 1);
    await gpio.write('shutter', 1);
    await gpio.close();
    expect(f.pins.get(571 + 27)).toMatchObject({ level: 0, exported: false });
    expect(f.pins.get(571 + 22)).toMatchObject({ level: 0, exported: false });
    await expect(gpio.read('ssr')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await gpio.close();
  });

  it('not accessible, or onoff constructor failing -> DISCONNECTED (and nothing left exported)', async () => {
    await expect(OnoffGpio.open({ pins, sysfsRoot: root, loadOnoff: async () => fakeOnoff(false).mod })).rejects.toMatchObject({ code: 'DISCONNECTED' });
    const f = fakeOnoff();
    const Failing = class extends f.mod.Gpio {
      constructor(n: number, d: 'in' | 'out' | 'high' | 'low', e?: 'none' | 'rising' | 'falling' | 'both') {
        if (d === 'in') throw new Error('EBUSY');
        super(n, d, e);
      }
    };
    await expect(OnoffGpio.open({ pins, sysfsRoot: root, loadOnoff: async () => ({ Gpio: Object.assign(Failing, { accessible: true }) }) })).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect([...f.pins.values()].every((p) => !p.exported)).toBe(true);
  });

  it('loads the real onoff lazily; on this machine sysfs GPIO is not accessible -> DISCONNECTED', async () => {
    const e = await OnoffGpio.open({ pins, sysfsRoot: root }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'DISCONNECTED', message: expect.stringContaining('not accessible') });
  });
});

describe('Gpio interface', () => {
  it('the sim InMemoryGpio is assignable to the edge Gpio interface', async () => {
    const g: Gpio = new InMemoryGpio();
    await g.write('ssr', 1);
    expect(await g.read('ssr')).toBe(1);
    await g.close();
  });

  it('offLevel: everything 0 except a shutter that opens at 0', () => {
    expect(offLevel('ssr')).toBe(0);
    expect(offLevel('uvLed', { shutterOpenLevel: 0 })).toBe(0);
    expect(offLevel('shutter')).toBe(0);
    expect(offLevel('shutter', { shutterOpenLevel: 0 })).toBe(1);
  });
});
