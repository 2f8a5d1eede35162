import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock } from '@sdfl/hal';
import { pino } from 'pino';
import type { EdgeConfig } from '../config';
import { openEdgeDb } from '../store/index';
import { Agent } from './agent';
import { openDevices } from './devices';
import { linkFor } from './link-factory';
import { sdNotify, watchdogIntervalMs } from './systemd';

/**
 * Runs the agent on the Pi: GPIO over onoff (outputs OFF first), MAX31855 through IIO, pumps on
 * their serial ports, spectrometers over TCP. READY=1 after boot; WATCHDOG=1 only while the control
 * loop is healthy (fresh temperature, ticks advancing). SIGTERM/SIGINT: SAFE, then exit 0.
 */
export async function runHardware(config: Readonly<EdgeConfig>): Promise<number> {
  const log = pino({ name: 'edge' });
  const d = config.devices;
  if (!d?.gpio) throw new Error('config.devices (pumps, spectrometers, gpio) is required outside --sim');
  const clock = new RealClock();
  const devices = await openDevices(config, { pumps: d.pumps, spectrometers: d.spectrometers }, Date.now);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openEdgeDb(join(config.dataDir, 'edge.db'));
  const agent = new Agent({
    config,
    clock,
    devices,
    // The control loop opens the GPIO lines and the thermocouple in its own thread.
    control: {
      kind: 'worker',
      io: { kind: 'pi', gpio: { kind: d.gpio.kind, pins: d.gpio.pins, estopPollMs: d.gpio.estopPollMs }, iioDevice: d.thermocouple.iioDevice },
      levels: { shutterOpenLevel: d.gpio.shutterOpenLevel, estopActiveLevel: d.gpio.estopActiveLevel },
    },
    db,
    link: linkFor(config, db, log),
    log: log.child({ name: 'edge:agent' }),
  });
  await agent.start();
  await sdNotify('READY=1');
  const every = watchdogIntervalMs();
  let lastTicks = -1;
  const watchdog = every
    ? setInterval(() => {
        const s = agent.control.status();
        const healthy = s.jitter.ticks > lastTicks && s.temperatureC !== null;
        lastTicks = s.jitter.ticks;
        if (healthy) void sdNotify('WATCHDOG=1');
      }, every)
    : null;
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sdNotify('STOPPING=1');
  if (watchdog) clearInterval(watchdog);
  await agent.stop();
  await devices.close();
  db.close();
  return 0;
}
