/**
 * Error hierarchy of the edge device drivers (docs/conventions.md §7).
 *
 * Every driver failure is a {@link DeviceError} with a machine-readable {@link DeviceErrorCode}, the
 * name of the device that raised it and, where one exists, the lower-level `cause` (a serial port
 * error, a socket error, a Modbus exception). Callers switch on `code`; only the control loop and the
 * HTTP/MQTT boundaries translate errors into events or SAFE transitions.
 */

/**
 * Machine-readable failure classes.
 * - `TIMEOUT`: no (complete) reply within the allowed time.
 * - `DISCONNECTED`: the transport closed, failed to open, or the hardware is absent.
 * - `LIMIT`: a value is out of range, or the device silently clamped what we sent (Chemyx, docs/devices.md §1).
 * - `PROTOCOL`: bytes that do not parse (bad frame, checksum, unexpected reply).
 * - `INTERLOCK`: refused because a safety condition holds (fault bits, syringe contents, e-stop).
 * - `NACK`: the device understood the frame and refused it (OBP NACK, Chemyx `Invalid Command!`).
 */
export type DeviceErrorCode = 'TIMEOUT' | 'DISCONNECTED' | 'LIMIT' | 'PROTOCOL' | 'INTERLOCK' | 'NACK';

/** Options shared by every device error. */
export interface DeviceErrorOptions {
  /** Lower-level error that caused this one. */
  cause?: unknown;
}

/** Base class of all device errors. `device` names the instance (e.g. `pump:cuI`, `hdx`). */
export class DeviceError extends Error {
  override name = 'DeviceError';
  constructor(
    readonly code: DeviceErrorCode,
    readonly device: string,
    message: string,
    options?: DeviceErrorOptions,
  ) {
    super(`${device}: ${message}`, options);
  }
}

/** No reply within `timeoutMs` (real time: transport timeouts are about bytes on a wire). */
export class DeviceTimeoutError extends DeviceError {
  override name = 'DeviceTimeoutError';
  constructor(
    device: string,
    message: string,
    readonly timeoutMs: number,
    options?: DeviceErrorOptions,
  ) {
    super('TIMEOUT', device, message, options);
  }
}

/** The transport is closed or could not be opened. */
export class DeviceDisconnectedError extends DeviceError {
  override name = 'DeviceDisconnectedError';
  constructor(device: string, message: string, options?: DeviceErrorOptions) {
    super('DISCONNECTED', device, message, options);
  }
}

/** A requested value is out of range, or the device clamped it: `requested` vs `actual` (same unit). */
export class DeviceLimitError extends DeviceError {
  override name = 'DeviceLimitError';
  constructor(
    device: string,
    message: string,
    readonly requested?: number,
    readonly actual?: number,
    options?: DeviceErrorOptions,
  ) {
    super('LIMIT', device, message, options);
  }
}

/** Bytes that do not parse as the protocol says. */
export class DeviceProtocolError extends DeviceError {
  override name = 'DeviceProtocolError';
  constructor(device: string, message: string, options?: DeviceErrorOptions) {
    super('PROTOCOL', device, message, options);
  }
}

/** Refused for safety (fault bits, syringe contents, e-stop). */
export class DeviceInterlockError extends DeviceError {
  override name = 'DeviceInterlockError';
  constructor(device: string, message: string, options?: DeviceErrorOptions) {
    super('INTERLOCK', device, message, options);
  }
}

/**
 * The device refused a well-formed request. `errorNumber` is the device's own code when it has one
 * (OBP error numbers, docs/devices.md §2) and `errorName` its readable name.
 */
export class DeviceNackError extends DeviceError {
  override name = 'DeviceNackError';
  constructor(
    device: string,
    message: string,
    readonly errorNumber: number,
    readonly errorName: string,
    options?: DeviceErrorOptions,
  ) {
    super('NACK', device, message, options);
  }
}

/** True when `e` is a {@link DeviceError}, optionally of the given code. */
export function isDeviceError(e: unknown, code?: DeviceErrorCode): e is DeviceError {
  return e instanceof DeviceError && (code === undefined || e.code === code);
}
