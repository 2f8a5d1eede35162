import { createServer, type AddressInfo } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/devices/errors';
import { connectF4t, F4T_MODE, F4T_REGISTERS, floatToRegisters, registersToFloat, translateModbusError, WatlowF4tHeater } from '../../src/devices/watlow-f4t';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** A small F4T on a real Modbus TCP server: the registers of docs/devices.md §3, floats low word first. */
class FakeF4t {
  readonly regs = new Map<number, number>();
  maxSetpointC = 180;
  silent = false;
  constructor(offset = 0) {
    this.setFloat(F4T_REGISTERS.processValue + offset, 24.5);
    this.setFloat(F4T_REGISTERS.setpoint + offset, 25);
    this.setFloat(F4T_REGISTERS.outputPower + offset, 37.5);
    this.regs.set(F4T_REGISTERS.controlMode + offset, F4T_MODE.off);
    this.regs.set(F4T_REGISTERS.alarmState + offset, 62);
  }
  setFloat(addr: number, v: number) {
    const [lo, hi] = floatToRegisters(v);
    this.regs.set(addr, lo);
    this.regs.set(addr + 1, hi);
  }
  float(addr: number) {
    return registersToFloat(this.regs.get(addr)!, this.regs.get(addr + 1)!);
  }
  vector(offset = 0) {
    const get = async (addr: number) => {
      if (this.silent) await new Promise((r) => setTimeout(r, 1000));
      const v = this.regs.get(addr);
      // modbus-serial's server answers an exception when the thrown value carries modbusErrorCode.
      if (v === undefined) throw Object.assign(new Error('illegal address'), { modbusErrorCode: 0x02 });
      return v;
    };
    return {
      getHoldingRegister: (addr: number) => get(addr),
      setRegister: (addr: number, value: number) => {
        this.regs.set(addr, value);
        const sp = F4T_REGISTERS.setpoint + offset;
        // The controller clamps the setpoint to its own range (a float write is complete at the high word).
        if (addr === sp + 1 && this.float(sp) > this.maxSetpointC) this.setFloat(sp, this.maxSetpointC);
      },
    };
  }
}

const code = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof DeviceError)) throw new Error(`expected a DeviceError, got ${String(e)}`);
  return e.code;
};

describe('float word order', () => {
  it('low word first', () => {
    expect(floatToRegisters(1)).toEqual([0x0000, 0x3f80]);
    expect(registersToFloat(0x0000, 0x4316)).toBe(150);
    expect(registersToFloat(...floatToRegisters(123.25))).toBe(123.25);
  });

  it('translates modbus-serial errors', () => {
    expect(translateModbusError('f', { modbusCode: 2, message: 'Modbus exception 2' })).toMatchObject({ code: 'NACK', errorNumber: 2 });
    expect(translateModbusError('f', { errno: 'ETIMEDOUT' }, 300)).toMatchObject({ code: 'TIMEOUT', timeoutMs: 300 });
    expect(translateModbusError('f', new Error('Port Not Open')).code).toBe('DISCONNECTED');
    const de = new DeviceError('LIMIT', 'f', 'x');
    expect(translateModbusError('f', de)).toBe(de);
  });
});

describe('WatlowF4tHeater over Modbus TCP (modbus-serial ServerTCP on 127.0.0.1)', () => {
  let f4t: FakeF4t;
  let server: ServerTCP;
  let heater: WatlowF4tHeater;
  let port: number;

  const start = async (loop = 1) => {
    const offset = (loop - 1) * 160;
    f4t = new FakeF4t(offset);
    port = await freePort();
    server = new ServerTCP(f4t.vector(offset), { host: '127.0.0.1', port, unitID: 1 });
    await new Promise<void>((r) => server.on('initialized', () => r()));
    heater = new WatlowF4tHeater(await connectF4t('127.0.0.1', { port, timeoutMs: 300 }), { loop, timeoutMs: 300, now: () => 9 });
  };
  beforeEach(() => start());
  afterEach(async () => {
    await heater.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reads PV, setpoint, output, mode and alarm', async () => {
    expect(await heater.read()).toEqual({ temperatureC: 24.5, setpointC: null, output: 0.375, fault: null, at: 9, mode: F4T_MODE.off, alarmState: 62 });
    expect(await heater.tick(0)).toEqual({ temperatureC: 24.5, fault: null, atMs: 9, output: 0.375 });
  });

  it('sets the setpoint (float, low word first) and Auto; off sets mode Off', async () => {
    await heater.setSetpoint(150.5);
    expect(f4t.float(F4T_REGISTERS.setpoint)).toBe(150.5);
    expect(f4t.regs.get(F4T_REGISTERS.controlMode)).toBe(F4T_MODE.auto);
    expect(heater.setpointC).toBe(150.5);
    expect((await heater.read()).setpointC).toBe(150.5);
    await heater.off();
    expect(f4t.regs.get(F4T_REGISTERS.controlMode)).toBe(F4T_MODE.off);
    expect(heater.describe()).toEqual({ kind: 'watlow-f4t', name: 'f4t', loop: 1, setpointC: null });
  });

  it('controller clamp -> LIMIT; out-of-range request -> LIMIT without writing', async () => {
    f4t.maxSetpointC = 160;
    expect(await heater.setSetpoint(170).catch((e: unknown) => e)).toMatchObject({ code: 'LIMIT', requested: 170, actual: 160 });
    expect(f4t.regs.get(F4T_REGISTERS.controlMode)).toBe(F4T_MODE.off);
    expect(await code(heater.setSetpoint(500))).toBe('LIMIT');
  });

  it('sensor failure (NaN PV) -> fault', async () => {
    f4t.setFloat(F4T_REGISTERS.processValue, Number.NaN);
    expect(await heater.read()).toMatchObject({ temperatureC: null, fault: 'sensor' });
  });

  it('Modbus exception -> NACK; no answer -> TIMEOUT', async () => {
    f4t.regs.delete(F4T_REGISTERS.alarmState);
    expect(await heater.read().catch((e: unknown) => e)).toMatchObject({ code: 'NACK', errorNumber: 2 });
    f4t.silent = true;
    expect(await code(heater.read())).toBe('TIMEOUT');
  });

  it('loop 2 uses addresses + 160', async () => {
    await heater.close();
    await new Promise<void>((r) => server.close(() => r()));
    await start(2);
    await heater.setSetpoint(99);
    expect(f4t.float(F4T_REGISTERS.setpoint + 160)).toBe(99);
    expect(f4t.regs.get(F4T_REGISTERS.controlMode + 160)).toBe(F4T_MODE.auto);
  });

  it('connect to a closed port -> DISCONNECTED', async () => {
    expect(await code(connectF4t('127.0.0.1', { port: await freePort() }))).toBe('DISCONNECTED');
  });
});
