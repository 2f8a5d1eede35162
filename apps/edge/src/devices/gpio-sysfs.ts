/**
 * sysfs GPIO numbering on the Raspberry Pi (docs/devices.md §4 [V]): on Raspberry Pi OS Bookworm /
 * kernel 6.6 the sysfs number of BCM line n is `base + n`, where `base` belongs to the gpiochip
 * labelled `pinctrl-rp1` (Pi 5, base 571 seen) or `pinctrl-bcm2711` (Pi 4, base 512 seen). A bare
 * BCM number fails with EINVAL, and chip numbers differ between kernels, so the base is read from
 * `/sys/class/gpio/gpiochip*\/{label,base,ngpio}` at start-up — never hard-coded.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceDisconnectedError, DeviceLimitError } from './errors';

/** Labels of the Pi's main GPIO controller, most specific first (Pi 5, Pi 4). */
export const PI_GPIO_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711'] as const;

/** One `gpiochipN` directory. */
export interface GpioChipInfo {
  /** Directory name, e.g. `gpiochip571`. */
  chip: string;
  label: string;
  /** sysfs number of the chip's line 0. */
  base: number;
  /** Number of lines; undefined when the file is missing. */
  ngpio: number | undefined;
}

/** Where to look. */
export interface GpioSysfsOptions {
  /** sysfs GPIO class directory. Default `/sys/class/gpio` (a temp tree in tests). */
  sysfsRoot?: string;
  /** Accepted chip labels in order of preference. Default {@link PI_GPIO_CHIP_LABELS}. */
  labels?: readonly string[];
}

const readTrim = async (path: string): Promise<string | undefined> => {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
};

/** Every readable `gpiochip*` under the root (unreadable or malformed entries are skipped). */
export async function listGpioChips(sysfsRoot = '/sys/class/gpio'): Promise<GpioChipInfo[]> {
  let names: string[];
  try {
    names = await readdir(sysfsRoot);
  } catch {
    return [];
  }
  const chips: GpioChipInfo[] = [];
  for (const chip of names.filter((n) => n.startsWith('gpiochip')).sort()) {
    const dir = join(sysfsRoot, chip);
    const [label, base, ngpio] = await Promise.all([readTrim(join(dir, 'label')), readTrim(join(dir, 'base')), readTrim(join(dir, 'ngpio'))]);
    if (label === undefined || base === undefined || !/^\d+$/.test(base)) continue;
    chips.push({ chip, label, base: Number(base), ngpio: ngpio !== undefined && /^\d+$/.test(ngpio) ? Number(ngpio) : undefined });
  }
  return chips;
}

/**
 * The Pi's main GPIO chip: the first label of `labels` that some chip carries.
 * @throws DeviceDisconnectedError when no chip matches (not a Pi, or sysfs GPIO not available).
 */
export async function resolveGpioChip(options: GpioSysfsOptions = {}): Promise<GpioChipInfo> {
  const root = options.sysfsRoot ?? '/sys/class/gpio';
  const labels = options.labels ?? PI_GPIO_CHIP_LABELS;
  const chips = await listGpioChips(root);
  for (const label of labels) {
    const hit = chips.find((c) => c.label === label);
    if (hit) return hit;
  }
  const seen = chips.map((c) => `${c.chip}=${c.label}`).join(', ') || 'none';
  throw new DeviceDisconnectedError('gpio', `no gpiochip labelled ${labels.join(' or ')} under ${root} (found: ${seen})`);
}

/**
 * sysfs number of BCM line `bcm` on `chip`.
 * @throws DeviceLimitError when the line is negative or beyond the chip's `ngpio`.
 */
export function sysfsNumber(chip: GpioChipInfo, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || (chip.ngpio !== undefined && bcm >= chip.ngpio)) {
    throw new DeviceLimitError('gpio', `BCM line ${bcm} not on ${chip.chip} (${chip.ngpio ?? '?'} lines)`, bcm);
  }
  return chip.base + bcm;
}
