import type { PumpId } from '@sdfl/chemistry';
import type { EdgeConfig } from '../config';
import type { GpioLevel, GpioLine } from '../devices/gpio';
import type { ControlStatus } from './control-loop';
import type { InterlockName, PumpObservation, Trip } from './interlocks';

/**
 * Where the worker finds its hardware: the Pi's GPIO (through `onoff` or plain sysfs files, config
 * `devices.gpio.kind`) and IIO thermocouple, or shared slots (sim).
 */
export type WorkerIo =
  | { kind: 'pi'; gpio: { kind: 'onoff' | 'sysfs'; pins: Record<GpioLine, number>; estopPollMs: number }; iioDevice: string }
  | { kind: 'shared'; buffer: SharedArrayBuffer };

export interface WorkerInit {
  io: WorkerIo;
  periodMs: number;
  interlocks: EdgeConfig['interlocks'];
  heater: EdgeConfig['heater'];
  syringeMarginUl: number;
  maxSetpointC: number;
  shutterOpenLevel: GpioLevel;
  estopActiveLevel: GpioLevel;
}

/** Main thread -> worker. `req` pairs a request with its reply. */
export type ToWorker =
  | { t: 'setSetpoint'; req: number; c: number }
  | { t: 'observePump'; id: PumpId; obs: PumpObservation }
  | { t: 'contents'; contentsUl: Partial<Record<PumpId, number>> }
  | { t: 'raise'; req: number; interlock: InterlockName; detail: string }
  | { t: 'clearSafe'; req: number }
  | { t: 'latch'; req: number }
  | { t: 'gpioWrite'; req: number; line: GpioLine; value: GpioLevel }
  | { t: 'gpioRead'; req: number; line: GpioLine }
  /** Start or stop forwarding a line's level changes (`gpioLevel` messages). */
  | { t: 'gpioWatch'; line: GpioLine; on: boolean }
  | { t: 'stop'; req: number };

/** Worker -> main thread. */
export type FromWorker =
  | { t: 'ready'; status: ControlStatus }
  | { t: 'status'; status: ControlStatus }
  | { t: 'trip'; trip: Trip & { latencyMs: number }; detectedAtAbsMs: number }
  | { t: 'stopPumps' }
  | { t: 'gpioLevel'; line: GpioLine; value: GpioLevel }
  | { t: 'reply'; req: number; value?: unknown; error?: string };

/** Milliseconds on a timeline both threads share (performance.now() has a per-thread origin). */
export const absoluteNowMs = (): number => performance.timeOrigin + performance.now();
