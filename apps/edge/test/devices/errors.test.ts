import { describe, expect, it } from 'vitest';
import {
  DeviceDisconnectedError,
  DeviceError,
  DeviceInterlockError,
  DeviceLimitError,
  DeviceNackError,
  DeviceProtocolError,
  DeviceTimeoutError,
  isDeviceError,
} from '../../src/devices/errors';

describe('DeviceError hierarchy', () => {
  it('every class carries code, device, cause and a prefixed message', () => {
    const cause = new Error('EIO');
    const all = [
      new DeviceTimeoutError('pump:a', 'no prompt', 1000, { cause }),
      new DeviceDisconnectedError('pump:a', 'closed', { cause }),
      new DeviceLimitError('pump:a', 'clamped', 5000, 4000, { cause }),
      new DeviceProtocolError('hdx', 'bad frame', { cause }),
      new DeviceInterlockError('heater', 'fault', { cause }),
      new DeviceNackError('hdx', 'nack', 7, 'NOT_READY', { cause }),
    ];
    expect(all.map((e) => e.code)).toEqual(['TIMEOUT', 'DISCONNECTED', 'LIMIT', 'PROTOCOL', 'INTERLOCK', 'NACK']);
    for (const e of all) {
      expect(e).toBeInstanceOf(DeviceError);
      expect(e).toBeInstanceOf(Error);
      expect(e.cause).toBe(cause);
      expect(e.message.startsWith(`${e.device}: `)).toBe(true);
      expect(e.name).toMatch(/^Device\w*Error$/);
    }
    expect(all[0]).toMatchObject({ timeoutMs: 1000 });
    expect(all[2]).toMatchObject({ requested: 5000, actual: 4000 });
    expect(all[5]).toMatchObject({ errorNumber: 7, errorName: 'NOT_READY' });
  });

  it('isDeviceError narrows, optionally by code', () => {
    const e = new DeviceLimitError('x', 'y');
    expect(isDeviceError(e)).toBe(true);
    expect(isDeviceError(e, 'LIMIT')).toBe(true);
    expect(isDeviceError(e, 'TIMEOUT')).toBe(false);
    expect(isDeviceError(new Error('x'))).toBe(false);
    expect(isDeviceError(undefined)).toBe(false);
  });
});
