/**
 * Access to packages/sim emulators for the driver tests. packages/sim's index does not export its
 * device emulators yet, so they are imported by path; switch to '@sdfl/sim' once it does.
 */
import { hasSocat } from '../../../../../packages/sim/src/devices/pty-pair';

export { ChemyxPumpEmulator } from '../../../../../packages/sim/src/devices/chemyx-pump';
export { createDuplexPair } from '../../../../../packages/sim/src/devices/duplex-pair';
export { serveOnPty } from '../../../../../packages/sim/src/devices/serial-pty-server';
export { InMemoryGpio } from '../../../../../packages/sim/src/devices/gpio';
export { RealClock } from '../../../../../packages/sim/src/real-clock';

/**
 * Whether socat PTY tests can run: under CI=true a missing socat fails with a clear message,
 * elsewhere the tests skip with the install hint.
 */
export function socatAvailable(): boolean {
  if (hasSocat()) return true;
  const hint = 'socat not found: apt-get install socat';
  if (process.env.CI === 'true') throw new Error(`${hint} (required under CI=true for the pump PTY tests)`);
  console.warn(`skipping PTY pump tests: ${hint}`);
  return false;
}
export { VirtualClock } from '../../../../../packages/sim/src/virtual-clock';
export { ThermalPlant } from '../../../../../packages/sim/src/devices/thermal-plant';
export { Max31855Emulator } from '../../../../../packages/sim/src/devices/max31855';
