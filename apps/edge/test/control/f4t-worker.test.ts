/**
 * `heater.kind: watlow-f4t` is real: the control worker opens the F4T over Modbus TCP (here a
 * modbus-serial server holding the F4T's registers) and drives it instead of the software PID.
 */
import { createServer } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../src/config';
import { ControlWorker } from '../../src/control/control-worker';
import { createSharedIoBuffer } from '../../src/control/shared-io';
import { F4T_MODE, F4T_REGISTERS, floatToRegisters, registersToFloat } from '../../src/devices/watlow-f4t';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The registers an F4T answers with (loop 1), as a modbus-serial server vector. */
function f4tRegisters(pvC: number, powerPct: number) {
  const regs = new Map<number, number>();
  const setFloat = (addr: number, v: number) => floatToRegisters(v).forEach((w, i) => regs.set(addr + i, w));
  setFloat(F4T_REGISTERS.processValue, pvC);
  setFloat(F4T_REGISTERS.outputPower, powerPct);
  setFloat(F4T_REGISTERS.setpoint, 25);
  regs.set(F4T_REGISTERS.controlMode, F4T_MODE.auto);
  regs.set(F4T_REGISTERS.alarmState, 0);
  return {
    regs,
    float: (addr: number) => registersToFloat(regs.get(addr) ?? 0, regs.get(addr + 1) ?? 0),
    vector: {
      getHoldingRegister: (addr: number) => regs.get(addr) ?? 0,
      setRegister: (addr: number, value: number) => void regs.set(addr, value),
    },
  };
}

describe('control worker with a Watlow F4T heater (config heater.kind)', { timeout: 30_000 }, () => {
  let server: ServerTCP | undefined;
  let worker: ControlWorker | undefined;
  afterEach(async () => {
    await worker?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('turns the controller off at boot, writes setpoint and Auto, and reads PV and output from it', async () => {
    const port = await freePort();
    const f4t = f4tRegisters(99.5, 40);
    server = new ServerTCP(f4t.vector, { host: '127.0.0.1', port, unitID: 1 });
    await new Promise((r) => server!.on('initialized', r));
    const config = parseEdgeConfig({ platformId: 'p1', heater: { kind: 'watlow-f4t', f4t: { host: '127.0.0.1', port } } });
    worker = new ControlWorker({
      init: {
        io: { kind: 'shared', buffer: createSharedIoBuffer() },
        periodMs: 100,
        interlocks: config.interlocks,
        heater: config.heater,
        syringeMarginUl: 1_000,
        maxSetpointC: 170,
        shutterOpenLevel: 1,
        estopActiveLevel: 1,
      },
      stopAllPumps: async () => undefined,
      onTrip: () => undefined,
    });
    await worker.start();
    expect(f4t.regs.get(F4T_REGISTERS.controlMode)).toBe(F4T_MODE.off);
    expect(await worker.clearSafe()).toMatchObject({ cleared: true });
    await worker.setSetpoint(120);
    expect(f4t.float(F4T_REGISTERS.setpoint)).toBeCloseTo(120, 3);
    expect(f4t.regs.get(F4T_REGISTERS.controlMode)).toBe(F4T_MODE.auto);
    await new Promise((r) => setTimeout(r, 400));
    expect(worker.status()).toMatchObject({ safe: false, setpointC: 120 });
    expect(worker.status().temperatureC).toBeCloseTo(99.5, 3);
    expect(worker.status().heaterOutput).toBeCloseTo(0.4, 3);
    await worker.stop();
    worker = undefined;
    expect(f4t.regs.get(F4T_REGISTERS.controlMode)).toBe(F4T_MODE.off);
  });
});
