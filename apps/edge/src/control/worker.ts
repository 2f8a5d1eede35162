/**
 * The control loop's own thread (docs/devices.md §5: never spectrum math, MQTT or disk I/O here).
 * It owns the GPIO lines and the thermocouple, runs the heater PID and every interlock at a fixed
 * period, and drives the outputs SAFE itself; pumps are stopped by the main thread on its request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RealClock } from '@sdfl/hal';
import { type Gpio, type GpioLevel, type GpioLine, offLevel } from '../devices/gpio';
import { SoftwareHeater } from '../devices/heater';
import type { LoopHeater } from './control-loop';
import { IioThermocoupleReader } from '../devices/iio-thermocouple';
import type { ThermocoupleReader } from '../devices/max31855';
import { ControlLoop } from './control-loop';
import { InterlockMonitor } from './interlocks';
import { runAtFixedRate } from './jitter';
import { SharedGpio, sharedThermocouple } from './shared-io';
import { absoluteNowMs, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const clock = new RealClock();

async function openIo(): Promise<{ gpio: Gpio; reader: ThermocoupleReader }> {
  if (init.io.kind === 'shared') {
    return { gpio: new SharedGpio(init.io.buffer), reader: sharedThermocouple(init.io.buffer, () => clock.now()) };
  }
  const { OnoffGpio } = await import('../devices/onoff-gpio');
  const g = init.io.gpio;
  // Both kinds run through OnoffGpio (outputs OFF on export, SAFE on close); sysfs swaps the module.
  const sysfs = g.kind === 'sysfs' ? (await import('../devices/sysfs-pins')).sysfsPins({ pollMs: g.estopPollMs }) : null;
  return {
    gpio: await OnoffGpio.open({ pins: g.pins, shutterOpenLevel: init.shutterOpenLevel, ...(sysfs ? { loadOnoff: () => Promise.resolve(sysfs) } : {}) }),
    reader: new IioThermocoupleReader(init.io.iioDevice, () => clock.now()),
  };
}

/** The configured heater (config `heater.kind`): the software PID here, or a Watlow F4T that regulates itself. */
async function openHeater(): Promise<LoopHeater> {
  const h = init.heater;
  if (h.kind === 'watlow-f4t') {
    if (!h.f4t) throw new Error('heater.kind watlow-f4t needs heater.f4t');
    const { connectF4t, WatlowF4tHeater } = await import('../devices/watlow-f4t');
    const client = await connectF4t(h.f4t.host, { port: h.f4t.port, unitId: h.f4t.unitId, timeoutMs: h.f4t.timeoutMs });
    const f4t = new WatlowF4tHeater(client, { loop: h.f4t.loop, maxSetpointC: init.maxSetpointC, timeoutMs: h.f4t.timeoutMs, now: () => clock.now() });
    await f4t.off(); // boot is SAFE: controller output off until a setpoint is given
    return f4t;
  }
  return new SoftwareHeater({ reader, gpio, pid: h.pid, windowMs: h.windowMs, maxSetpointC: init.maxSetpointC });
}

const { gpio, reader } = await openIo();
const heater = await openHeater();
let detectedAtAbsMs = 0;
const loop = new ControlLoop({
  clock,
  periodMs: init.periodMs,
  heater,
  gpio,
  shutterOpenLevel: init.shutterOpenLevel,
  estopActiveLevel: init.estopActiveLevel,
  monitor: new InterlockMonitor(init.interlocks, init.syringeMarginUl, init.heater.steadyBandC),
  schedule: runAtFixedRate,
  // The main thread owns the serial ports; it stops the pumps the moment this arrives.
  stopAllPumps: async () => {
    detectedAtAbsMs ||= absoluteNowMs();
    post({ t: 'stopPumps' });
  },
  onTrip: (trip) => {
    post({ t: 'trip', trip, detectedAtAbsMs: absoluteNowMs() - trip.latencyMs });
    detectedAtAbsMs = 0;
  },
});

/** The optics switch the UV LED and shutter through here; the SSR belongs to the heater, and nothing turns on in SAFE. */
function lightWrite(line: GpioLine, value: GpioLevel): Promise<void> {
  if (line === 'ssr' || line === 'estop') return Promise.reject(new Error(`${line} is not the optics' to switch`));
  if (loop.isSafe && value !== offLevel(line, { shutterOpenLevel: init.shutterOpenLevel })) {
    return Promise.reject(new Error(`${line} stays off while SAFE is latched`));
  }
  return gpio.write(line, value);
}

/** Lines whose changes the main thread asked for, with how to stop forwarding them. */
const forwarded = new Map<GpioLine, () => void>();
function forward(line: GpioLine, on: boolean): void {
  forwarded.get(line)?.();
  forwarded.delete(line);
  if (on) forwarded.set(line, gpio.watch(line, (value) => post({ t: 'gpioLevel', line, value })));
}

const statusTimer = setInterval(() => post({ t: 'status', status: loop.status() }), Math.max(init.periodMs, 100));

port.on('message', (m: ToWorker) => {
  const reply = (p: Promise<unknown>) =>
    p.then(
      (value) => post({ t: 'reply', req: (m as { req: number }).req, value }),
      (error: unknown) => post({ t: 'reply', req: (m as { req: number }).req, error: (error as Error).message }),
    );
  switch (m.t) {
    case 'observePump':
      return loop.observePump(m.id, m.obs);
    case 'contents':
      return loop.setContents(m.contentsUl);
    case 'setSetpoint':
      return void reply(heater.setSetpoint(m.c));
    case 'raise':
      return void reply(loop.raise(m.interlock, m.detail));
    case 'clearSafe':
      return void reply(loop.clearSafe());
    case 'latch':
      return void reply(loop.latch('abort'));
    case 'gpioWrite':
      return void reply(lightWrite(m.line, m.value));
    case 'gpioRead':
      return void reply(gpio.read(m.line));
    case 'gpioWatch':
      return forward(m.line, m.on);
    case 'stop':
      clearInterval(statusTimer);
      for (const line of [...forwarded.keys()]) forward(line, false);
      return void reply(loop.stop().then(() => gpio.close()));
  }
});

await loop.start();
post({ t: 'ready', status: loop.status() });
