import type { Gpio, GpioLevel, GpioLine } from '../devices/gpio';
import type { ThermocoupleReader, ThermocoupleReading } from '../devices/max31855';
import { Max31855Reader } from '../devices/max31855';

/**
 * GPIO lines and the thermocouple word in a SharedArrayBuffer: how a control-loop worker reaches
 * simulated hardware that lives in the main thread (the sim's plant and GPIO). The worker writes
 * and reads slots without waiting for the main thread; `mirrorSharedIo` copies them to and from
 * the simulated devices. On a Pi the worker opens the real GPIO and thermocouple instead.
 */
const SLOTS: Record<GpioLine | 'tcWord', number> = { ssr: 0, uvLed: 1, shutter: 2, estop: 3, tcWord: 4 };

export function createSharedIoBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT);
}

/** The worker's Gpio over the shared slots; e-stop changes are seen by polling every `pollMs`. */
export class SharedGpio implements Gpio {
  private readonly slots: Int32Array;

  constructor(buffer: SharedArrayBuffer, private readonly pollMs = 5) {
    this.slots = new Int32Array(buffer);
  }

  async write(line: GpioLine, value: GpioLevel): Promise<void> {
    if (line === 'estop') throw new Error('estop is an input line');
    Atomics.store(this.slots, SLOTS[line], value);
  }

  async read(line: GpioLine): Promise<GpioLevel> {
    return Atomics.load(this.slots, SLOTS[line]) as GpioLevel;
  }

  watch(line: GpioLine, cb: (value: GpioLevel) => void): () => void {
    let last = Atomics.load(this.slots, SLOTS[line]);
    const timer = setInterval(() => {
      const now = Atomics.load(this.slots, SLOTS[line]);
      if (now !== last) cb((last = now) as GpioLevel);
    }, this.pollMs);
    return () => clearInterval(timer);
  }

  async close(): Promise<void> {}
}

/** The worker's thermocouple: the MAX31855 word the main thread last stored. */
export function sharedThermocouple(buffer: SharedArrayBuffer, now: () => number): ThermocoupleReader {
  const slots = new Int32Array(buffer);
  const reader = new Max31855Reader({ readWord: () => Atomics.load(slots, SLOTS.tcWord) >>> 0, now });
  return { read: (): Promise<ThermocoupleReading> => reader.read() };
}

/**
 * Main-thread side for simulated hardware: every `periodMs`, copies the worker's outputs to the
 * simulated GPIO and the e-stop level and a fresh thermocouple word into the buffer.
 */
export function mirrorSharedIo(buffer: SharedArrayBuffer, gpio: Gpio, readWord: () => number, periodMs = 5): () => void {
  const slots = new Int32Array(buffer);
  const sync = () => {
    for (const line of ['ssr', 'uvLed', 'shutter'] as const) void gpio.write(line, Atomics.load(slots, SLOTS[line]) as GpioLevel);
    void gpio.read('estop').then((v) => Atomics.store(slots, SLOTS.estop, v));
    Atomics.store(slots, SLOTS.tcWord, readWord() | 0);
  };
  sync();
  const timer = setInterval(sync, periodMs);
  return () => clearInterval(timer);
}
