/**
 * Watlow F4T PID controller over Modbus TCP (docs/devices.md §3, optional driver): the controller runs
 * its own PID; the edge writes the setpoint and mode and reads PV and output. Implements
 * {@link Heater}, so it can replace the SoftwareHeater; `tick` only polls.
 *
 * Register map [V] (loop 1; loop n adds (n-1) x 160): setpoint 2782 (float RW), working setpoint
 * 2810, process value 2820, output power 2808, control mode 2730 (10 Auto, 54 Manual, 62 Off),
 * alarm state 1356. Floats span two registers, low word first.
 */
import ModbusRTU from 'modbus-serial';
import { DeviceDisconnectedError, DeviceError, DeviceLimitError, DeviceNackError, DeviceProtocolError, DeviceTimeoutError } from './errors';
import type { Heater, HeaterReading, HeaterTick } from './heater';

/** Loop-1 register addresses (docs/devices.md §3). */
export const F4T_REGISTERS = { setpoint: 2782, workingSetpoint: 2810, processValue: 2820, outputPower: 2808, controlMode: 2730, alarmState: 1356 } as const;
/** Address offset between consecutive loops. */
export const F4T_LOOP_STRIDE = 160;
/** Control mode values. */
export const F4T_MODE = { auto: 10, manual: 54, off: 62 } as const;

/** Float32 -> [low word, high word] (F4T order: low word first). */
export function floatToRegisters(value: number): [number, number] {
  const b = Buffer.alloc(4);
  b.writeFloatBE(value, 0);
  return [b.readUInt16BE(2), b.readUInt16BE(0)];
}

/** [low word, high word] -> float32. */
export function registersToFloat(lo: number, hi: number): number {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(hi & 0xffff, 0);
  b.writeUInt16BE(lo & 0xffff, 2);
  return b.readFloatBE(0);
}

/** The part of a `modbus-serial` client the driver uses (a fake in tests is fine). */
export interface F4tClient {
  readHoldingRegisters(address: number, length: number): Promise<{ data: number[] }>;
  writeRegisters(address: number, values: number[]): Promise<unknown>;
  writeRegister(address: number, value: number): Promise<unknown>;
  close?(callback?: () => void): void;
}

/**
 * Connect a Modbus TCP client to an F4T (port 502, unit 1 by default, docs/devices.md §3).
 * @param timeoutMs per-transaction timeout, ms. Default 1000.
 * @throws DeviceDisconnectedError when the connection fails.
 */
export async function connectF4t(host: string, options: { port?: number; unitId?: number; timeoutMs?: number; name?: string } = {}): Promise<ModbusRTU> {
  const client = new ModbusRTU();
  try {
    await client.connectTCP(host, { port: options.port ?? 502 });
  } catch (err) {
    throw new DeviceDisconnectedError(options.name ?? 'f4t', `cannot connect to ${host}:${options.port ?? 502}`, { cause: err });
  }
  client.setID(options.unitId ?? 1);
  client.setTimeout(options.timeoutMs ?? 1000);
  return client;
}

/** Options of {@link WatlowF4tHeater}. */
export interface WatlowF4tOptions {
  /** Name in errors. Default 'f4t'. */
  name?: string;
  /** Control loop number, 1-based. Default 1. */
  loop?: number;
  /** Accepted setpoint range, C. Default 0..200. */
  minSetpointC?: number;
  maxSetpointC?: number;
  /** Wall clock for readings, ms. Default `Date.now`. */
  now?: () => number;
  /** The client's transaction timeout, ms, for error reports. Default 1000 (as `connectF4t`). */
  timeoutMs?: number;
}

/** F4T reading with the controller's own fields. */
export interface F4tReading extends HeaterReading {
  mode: number;
  /** Raw alarm state register (meaning per the F4T manual; not interpreted here [I]). */
  alarmState: number;
}

export class WatlowF4tHeater implements Heater {
  readonly name: string;
  private readonly offset: number;
  private readonly now: () => number;
  private sp: number | null = null;

  constructor(
    private readonly client: F4tClient,
    private readonly o: WatlowF4tOptions = {},
  ) {
    this.name = o.name ?? 'f4t';
    this.offset = ((o.loop ?? 1) - 1) * F4T_LOOP_STRIDE;
    this.now = o.now ?? Date.now;
  }

  get setpointC(): number | null {
    return this.sp;
  }

  /**
   * Write the setpoint, read it back (a controller clamps to its own limits -> LIMIT), then Auto.
   */
  async setSetpoint(c: number): Promise<void> {
    const lo = this.o.minSetpointC ?? 0;
    const hi = this.o.maxSetpointC ?? 200;
    if (!Number.isFinite(c) || c < lo || c > hi) throw new DeviceLimitError(this.name, `setpoint ${c} C outside ${lo}..${hi} C`, c);
    await this.call(() => this.client.writeRegisters(this.reg('setpoint'), floatToRegisters(c)));
    const back = await this.readFloat('setpoint');
    if (Math.abs(back - Math.fround(c)) > 1e-3) throw new DeviceLimitError(this.name, `controller holds setpoint ${back} C, ${c} C was sent`, c, back);
    await this.call(() => this.client.writeRegister(this.reg('controlMode'), F4T_MODE.auto));
    this.sp = c;
  }

  /** PV, setpoint, output (fraction), mode and alarm state. A non-finite PV is reported as fault 'sensor'. */
  async read(): Promise<F4tReading> {
    const pv = await this.readFloat('processValue');
    const power = await this.readFloat('outputPower');
    const [mode] = await this.readRegs('controlMode', 1);
    const [alarmState] = await this.readRegs('alarmState', 1);
    const ok = Number.isFinite(pv);
    const setpointC = mode === F4T_MODE.off ? null : await this.readFloat('setpoint');
    return {
      temperatureC: ok ? pv : null,
      setpointC,
      output: Number.isFinite(power) ? Math.min(1, Math.max(0, power / 100)) : 0,
      fault: ok ? null : 'sensor',
      at: this.now(),
      mode: mode ?? -1,
      alarmState: alarmState ?? -1,
    };
  }

  /** Control-loop step: the F4T regulates by itself, so this only polls. */
  async tick(_nowMs: number): Promise<HeaterTick> {
    const r = await this.read();
    return { temperatureC: r.temperatureC, fault: r.fault, atMs: r.at, output: r.output };
  }

  /** Control mode Off (the controller's outputs go off). */
  async off(): Promise<void> {
    await this.call(() => this.client.writeRegister(this.reg('controlMode'), F4T_MODE.off));
    this.sp = null;
  }

  describe(): { kind: 'watlow-f4t'; name: string; loop: number; setpointC: number | null } {
    return { kind: 'watlow-f4t', name: this.name, loop: this.o.loop ?? 1, setpointC: this.sp };
  }

  /** Close the Modbus connection. Never throws. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      try {
        if (this.client.close) this.client.close(() => resolve());
        else resolve();
      } catch {
        resolve();
      }
    });
  }

  private reg(name: keyof typeof F4T_REGISTERS): number {
    return F4T_REGISTERS[name] + this.offset;
  }

  private async readRegs(name: keyof typeof F4T_REGISTERS, n: number): Promise<number[]> {
    const r = await this.call(() => this.client.readHoldingRegisters(this.reg(name), n));
    if (r.data.length !== n) throw new DeviceProtocolError(this.name, `read ${name}: ${r.data.length} registers, expected ${n}`);
    return r.data;
  }

  private async readFloat(name: keyof typeof F4T_REGISTERS): Promise<number> {
    const [lo, hi] = await this.readRegs(name, 2);
    return registersToFloat(lo ?? 0, hi ?? 0);
  }

  /** Run one Modbus transaction, translating modbus-serial errors into DeviceErrors. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateModbusError(this.name, err, this.o.timeoutMs ?? 1000);
    }
  }
}

/** modbus-serial error -> DeviceError: exception -> NACK (number = Modbus exception code), ETIMEDOUT -> TIMEOUT, else DISCONNECTED. */
export function translateModbusError(device: string, err: unknown, timeoutMs = 1000): DeviceError {
  if (err instanceof DeviceError) return err;
  const e = (err ?? {}) as { modbusCode?: number; errno?: string; message?: string };
  if (typeof e.modbusCode === 'number') return new DeviceNackError(device, `Modbus exception ${e.modbusCode}`, e.modbusCode, e.message ?? 'MODBUS_EXCEPTION', { cause: err });
  if (e.errno === 'ETIMEDOUT') return new DeviceTimeoutError(device, `Modbus transaction timed out (${timeoutMs} ms)`, timeoutMs, { cause: err });
  return new DeviceDisconnectedError(device, `Modbus transport: ${e.message ?? String(err)}`, { cause: err });
}
