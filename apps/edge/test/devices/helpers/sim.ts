/** packages/sim emulators and clocks for the driver tests, plus the socat gate. */
import { hasSocat } from '@sdfl/sim';

export {
  ChemyxPumpEmulator,
  createDuplexPair,
  createSimulatedPlatform,
  InMemoryGpio,
  Max31855Emulator,
  RealClock,
  serveOnPty,
  ThermalPlant,
  VirtualClock,
} from '@sdfl/sim';

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
