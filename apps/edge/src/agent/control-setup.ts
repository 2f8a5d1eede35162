import type { Clock } from '@sdfl/hal';
import type { EdgeConfig } from '../config';
import { ControlLoop, type ControlPort } from '../control/control-loop';
import { ControlWorker } from '../control/control-worker';
import { InterlockMonitor, type Trip } from '../control/interlocks';
import type { WorkerIo } from '../control/worker-protocol';
import type { Gpio, GpioLevel } from '../devices/gpio';
import { SoftwareHeater } from '../devices/heater';
import type { ThermocoupleReader } from '../devices/max31855';

/** Polarity of the wiring: the level that opens the shutter and the e-stop input's level when stopped. */
export interface GpioLevels {
  shutterOpenLevel: GpioLevel;
  estopActiveLevel: GpioLevel;
}

/**
 * Where the control loop runs: in this thread on the given GPIO and thermocouple (the sim, whose
 * plant follows a virtual clock), or in its own worker thread that opens the hardware itself.
 * `levels` come from the config on the Pi (`devices.gpio`, defaults in its schema) and from the
 * emulator's wiring in the sim: the code holds no default of its own.
 */
export type ControlSetup = ({ kind: 'inline'; gpio: Gpio; reader: ThermocoupleReader } | { kind: 'worker'; io: WorkerIo }) & { levels: GpioLevels };

/** What the control side reports back to the agent. */
export interface ControlHooks {
  /** Stops every pump (urgent). */
  stopAllPumps: () => Promise<void>;
  onTrip: (trip: Trip & { latencyMs: number }) => void;
}

/**
 * Builds the control loop for `setup`, with the heater of the config: the in-thread loop always
 * drives the SoftwareHeater (the sim has no other); the worker opens the configured one itself.
 * `lightGpio` is the GPIO the optics switch the LED and shutter through.
 */
export function createControl(config: Readonly<EdgeConfig>, clock: Clock, setup: ControlSetup, hooks: ControlHooks): { control: ControlPort; lightGpio: Gpio } {
  const { shutterOpenLevel, estopActiveLevel } = setup.levels;
  if (setup.kind === 'inline') {
    if (config.heater.kind !== 'software-pid') throw new Error(`heater.kind ${config.heater.kind} needs the control worker (hardware mode); the in-thread loop drives the software PID only`);
    const control = new ControlLoop({
      clock,
      periodMs: config.control.periodMs,
      heater: new SoftwareHeater({ reader: setup.reader, gpio: setup.gpio, pid: config.heater.pid, windowMs: config.heater.windowMs, maxSetpointC: config.chemistry.temperatureC.max }),
      gpio: setup.gpio,
      shutterOpenLevel,
      estopActiveLevel,
      monitor: new InterlockMonitor(config.interlocks, config.chemistry.syringeMarginUl, config.heater.steadyBandC),
      stopAllPumps: hooks.stopAllPumps,
      onTrip: hooks.onTrip,
    });
    return { control, lightGpio: setup.gpio };
  }
  const worker = new ControlWorker({
    init: {
      io: setup.io,
      periodMs: config.control.periodMs,
      interlocks: config.interlocks,
      heater: config.heater,
      syringeMarginUl: config.chemistry.syringeMarginUl,
      maxSetpointC: config.chemistry.temperatureC.max,
      shutterOpenLevel,
      estopActiveLevel,
    },
    stopAllPumps: hooks.stopAllPumps,
    onTrip: hooks.onTrip,
  });
  return { control: worker, lightGpio: worker.gpio };
}
