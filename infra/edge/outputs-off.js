// Drives the edge's GPIO outputs OFF after the agent exited: ExecStopPost of sdfl-edge.service.
//
// A sysfs GPIO line keeps its last level when the process that drove it dies (crash, watchdog
// SIGABRT, SIGKILL), so the hardware pull-downs only help once nothing drives the line. This
// script does not depend on the agent's code (plain Node + the `yaml` package), so it still runs
// when the agent cannot even start. Lines that are not exported or not outputs are not driven by
// anyone: the pull-downs hold them OFF, nothing to do.
//
// Usage: node outputs-off.js /etc/sdfl/edge.yaml    Exit 1 if an output could not be set OFF.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

// SDFL_SYSFS_GPIO: a fake tree for testing this script off the Pi.
const SYSFS = process.env.SDFL_SYSFS_GPIO ?? '/sys/class/gpio';
// Label of the 40-pin header's gpiochip (docs/devices.md §4): Pi 5, Pi 4, Pi 3 / Zero 2.
const HEADER_LABELS = new Set(['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835']);

const configPath = process.argv[2] ?? '/etc/sdfl/edge.yaml';
const gpio = parse(readFileSync(configPath, 'utf8'))?.devices?.gpio;
if (!gpio || gpio.kind === 'memory' || !existsSync(SYSFS)) {
  console.log('outputs-off: no sysfs GPIO configured or present; nothing to do');
  process.exit(0);
}

const read = (path) => readFileSync(path, 'utf8').trim();
const chip = readdirSync(SYSFS).find((d) => d.startsWith('gpiochip') && HEADER_LABELS.has(read(`${SYSFS}/${d}/label`)));
if (!chip) {
  console.error(`outputs-off: no gpiochip labelled ${[...HEADER_LABELS].join(' | ')} in ${SYSFS}`);
  process.exit(1);
}
const base = Number(read(`${SYSFS}/${chip}/base`));

// SAFE levels (apps/edge/src/devices/gpio.ts offLevel): SSR and LED 0, shutter closed.
const offLevels = { ssr: 0, uvLed: 0, shutter: (gpio.shutterOpenLevel ?? 1) === 1 ? 0 : 1 };
let failed = false;
for (const [line, level] of Object.entries(offLevels)) {
  const bcm = gpio.pins?.[line];
  if (!Number.isInteger(bcm)) {
    console.error(`outputs-off: devices.gpio.pins.${line} missing in ${configPath}`);
    failed = true;
    continue;
  }
  const dir = `${SYSFS}/gpio${base + bcm}`;
  try {
    if (!existsSync(dir) || read(`${dir}/direction`) !== 'out') continue;
    writeFileSync(`${dir}/value`, String(level));
    console.log(`outputs-off: ${line} (BCM ${bcm}) -> ${level}`);
  } catch (error) {
    console.error(`outputs-off: ${line} (BCM ${bcm}): ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
