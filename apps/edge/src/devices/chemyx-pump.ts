/**
 * Chemyx Fusion 6000 syringe pump driver (docs/devices.md §1). Lab verbs over a passed-in serial
 * transport: `connect`, `set` (program rate + volume, verified), `run`, `stop`, `pause`, `read`,
 * `status`, `dispensedUl`, `describe`, `reconnect`, `close`.
 *
 * Errors are typed {@link DeviceError}s: returned promises reject with them, and transport loss is
 * also emitted as `'error'` when (and only when) someone listens, so it is never thrown unhandled.
 */
import { EventEmitter } from 'node:events';
import type { PumpLimits } from '@sdfl/chemistry';
import { ChemyxLink, type SerialTransport } from './chemyx-link';
import { CHEMYX_UNITS, type ChemyxStatus, formatCommand, formatNumber, formatSetDiameter, lastNumber, parseKeyValues, parseLimitParameters, parseStatus, sameValue } from './chemyx-codec';
import { DeviceDisconnectedError, DeviceError, DeviceLimitError, DeviceProtocolError } from './errors';

/** Construction options of {@link ChemyxPump}. */
export interface ChemyxPumpOptions {
  /** Device name used in errors and events, e.g. `pump:cuI`. */
  name: string;
  /** Syringe and rate limits of this pump (packages/chemistry `PumpLimits`). */
  limits: PumpLimits;
  /** Reply timeout, ms, real time. Default 1000 (docs/devices.md §1). */
  timeoutMs?: number;
  /** Volume kept in the syringe that no run may use, uL. Default 500. */
  contentsMarginUl?: number;
  /** Opens a fresh transport for {@link ChemyxPump.reconnect}; without it, reconnect re-opens the same port via `open()`. */
  reopen?: () => Promise<SerialTransport>;
  /** Wall clock for reading timestamps, ms since epoch. Default `Date.now`. */
  now?: () => number;
}

/** One programmed run: rate and volume in the driver's units (uL/min, uL). */
export interface PumpRun {
  /** Flow rate, uL/min, within `limits.minRateUlMin..maxRateUlMin`. */
  rateUlMin: number;
  /** Volume to move, uL; positive infuses, negative withdraws (docs/devices.md §1 `set volume`). */
  volumeUl: number;
  /** Tracked syringe contents now, uL. The run is refused unless it fits (docs/devices.md §1 safety fact). */
  contentsUl: number;
}

/** A pump reading (`read()` lab verb). */
export interface PumpReading {
  status: ChemyxStatus;
  /** Volume dispensed since the last start, uL. */
  dispensedUl: number;
  /** Wall-clock time of the reading, ms since epoch. */
  at: number;
}

/** What `describe()` reports. */
export interface PumpDescription {
  kind: 'chemyx-fusion-6000';
  name: string;
  connected: boolean;
  units: 'uL/min';
  diameterMm: number;
  limits: PumpLimits;
  contentsMarginUl: number;
  programmed: { rateUlMin: number; volumeUl: number } | null;
  lastStatus: ChemyxStatus | null;
  consecutiveTimeouts: number;
}

/** Chemyx Fusion 6000 driver. Constructors only assign (docs/conventions.md §6). */
export class ChemyxPump extends EventEmitter {
  private readonly link: ChemyxLink;
  private transport: SerialTransport;
  private readonly marginUl: number;
  private readonly now: () => number;
  private programmed: { rateUlMin: number; volumeUl: number } | null = null;
  private lastStatus: ChemyxStatus | null = null;

  constructor(
    transport: SerialTransport,
    private readonly options: ChemyxPumpOptions,
  ) {
    super();
    this.transport = transport;
    this.marginUl = options.contentsMarginUl ?? 500;
    this.now = options.now ?? Date.now;
    this.link = new ChemyxLink(options.name, options.timeoutMs ?? 1000);
    this.link.on('disconnect', (e: DeviceError) => this.report(e));
    this.link.on('frame-discarded', (f: string) => this.emit('frame-discarded', f));
  }

  /** Device name. */
  get name(): string {
    return this.options.name;
  }

  /**
   * Attach the transport and configure the pump: `set units 2` (uL/min, uL) and `set diameter`
   * from the limits, each verified against the echoed value (docs/devices.md §1: no error codes).
   */
  async connect(): Promise<void> {
    if (!this.link.isOpen) this.link.attach(this.transport);
    await this.configure();
    this.lastStatus = await this.status();
  }

  /**
   * Program one run without starting it: units and diameter re-asserted, then `set rate` and
   * `set volume`, each compared with the value the pump echoes; a difference means the pump clamped it -> LIMIT (docs/devices.md §1). Refuses (LIMIT)
   * a rate outside the limits or a volume larger than the contents minus the margin, because a
   * started run finishes even if the host dies (docs/devices.md §1 safety fact, §6 syringe low).
   */
  async set(run: PumpRun): Promise<void> {
    this.checkRun(run);
    this.programmed = null;
    // Units and diameter again: a pump power-cycled or touched at its panel since connect would
    // otherwise read the same numbers in other units (mL/min is 1000 x uL/min) with a matching echo.
    await this.configure();
    // Compare with what was actually sent (the formatted number), not the unrounded double.
    const rate = Number(formatNumber(run.rateUlMin));
    const volume = Number(formatNumber(run.volumeUl));
    await this.setAndVerify(formatCommand('set rate', [rate]), 'rate', [rate]);
    await this.setAndVerify(formatCommand('set volume', [volume]), 'volume', [volume]);
    this.programmed = { rateUlMin: run.rateUlMin, volumeUl: run.volumeUl };
  }

  /** {@link set} then `start`. Resolves once the pump acknowledged the start. */
  async run(run: PumpRun): Promise<void> {
    await this.set(run);
    await this.start();
  }

  /** `start` the programmed run. Starting from stopped resets dispensed volume and elapsed time [E]. */
  async start(): Promise<void> {
    if (!this.programmed) throw new DeviceLimitError(this.name, 'start refused: no verified run programmed since connect');
    await this.link.request(formatCommand('start'));
  }

  /** `stop` (not resumable). Written at once, ahead of queued commands (SAFE must not wait behind a poll). */
  async stop(): Promise<void> {
    await this.link.request(formatCommand('stop'), { urgent: true });
    this.lastStatus = 'stopped';
  }

  /** `pause` (resumable with `start`). */
  async pause(): Promise<void> {
    await this.link.request(formatCommand('pause'));
  }

  /** `status` -> stopped | running | paused | delayed | stalled (0..4, docs/devices.md §1 [V]). */
  async status(): Promise<ChemyxStatus> {
    const lines = await this.link.request(formatCommand('status'));
    const s = parseStatus(lines);
    if (s === undefined) throw new DeviceProtocolError(this.name, `unparseable status reply ${JSON.stringify(lines)}`);
    this.lastStatus = s;
    return s;
  }

  /** `dispensed volume` in uL (units 2); the last number on the line counts [E]. */
  async dispensedUl(): Promise<number> {
    return this.lastNumberOf('dispensed volume');
  }

  /** `elapsed time` in minutes; the last number on the line counts [E]. */
  async elapsedMin(): Promise<number> {
    return this.lastNumberOf('elapsed time');
  }

  /**
   * `read limit parameter`: the pump's volume and rate limits for the mounted syringe, in uL and
   * uL/min (units 2). Sources disagree on the order of the four numbers (docs/devices.md §1), so the
   * order is a config value: `volume-first` = maxVol minVol maxRate minRate, `rate-first` the reverse.
   */
  async readLimits(order: 'volume-first' | 'rate-first'): Promise<{ maxVolumeUl: number; minVolumeUl: number; maxRateUlMin: number; minRateUlMin: number }> {
    const lines = await this.link.request(formatCommand('read limit parameter'));
    const n = parseLimitParameters(lines);
    if (!n) throw new DeviceProtocolError(this.name, `expected four numbers from 'read limit parameter', got ${JSON.stringify(lines)}`);
    const [a = NaN, b = NaN, c = NaN, d = NaN] = n;
    return order === 'volume-first'
      ? { maxVolumeUl: a, minVolumeUl: b, maxRateUlMin: c, minRateUlMin: d }
      : { maxRateUlMin: a, minRateUlMin: b, maxVolumeUl: c, minVolumeUl: d };
  }

  /** `read` lab verb: status and dispensed volume with a timestamp. */
  async read(): Promise<PumpReading> {
    const status = await this.status();
    const dispensedUl = await this.dispensedUl();
    return { status, dispensedUl, at: this.now() };
  }

  /** Static description and last known state (no I/O). */
  describe(): PumpDescription {
    return {
      kind: 'chemyx-fusion-6000',
      name: this.name,
      connected: this.link.isOpen,
      units: 'uL/min',
      diameterMm: round3(this.options.limits.innerDiameterMm),
      limits: this.options.limits,
      contentsMarginUl: this.marginUl,
      programmed: this.programmed,
      lastStatus: this.lastStatus,
      consecutiveTimeouts: this.link.consecutiveTimeouts,
    };
  }

  /**
   * Close the old transport, open a new one (`options.reopen`, else `open()` on the same port) and
   * {@link connect} again. The programmed run is forgotten: it must be set again before a start.
   */
  async reconnect(): Promise<void> {
    await this.link.close();
    this.programmed = null;
    if (this.options.reopen) {
      this.transport = await this.options.reopen();
    } else {
      const t = this.transport as SerialTransport & { open?: (cb: (err: Error | null) => void) => void };
      if (typeof t.open !== 'function') throw new DeviceDisconnectedError(this.name, 'cannot reconnect: no reopen() and transport has no open()');
      const open = t.open.bind(t);
      await new Promise<void>((resolve, reject) =>
        open((err) => (err ? reject(new DeviceDisconnectedError(this.name, 'reopen failed', { cause: err })) : resolve())),
      );
    }
    this.link.attach(this.transport);
    await this.connect();
  }

  /** Detach and close the transport (lifecycle stop; does not stop the pump). Never throws. */
  async close(): Promise<void> {
    await this.link.close();
  }

  private checkRun(run: PumpRun): void {
    const { minRateUlMin, maxRateUlMin, syringeVolumeUl } = this.options.limits;
    const { rateUlMin, volumeUl, contentsUl } = run;
    if (![rateUlMin, volumeUl, contentsUl].every(Number.isFinite)) throw new DeviceLimitError(this.name, `non-finite run ${JSON.stringify(run)}`);
    if (rateUlMin < minRateUlMin || rateUlMin > maxRateUlMin) {
      throw new DeviceLimitError(this.name, `rate ${rateUlMin} uL/min outside ${minRateUlMin}..${maxRateUlMin}`, rateUlMin);
    }
    if (volumeUl === 0) throw new DeviceLimitError(this.name, 'volume 0 uL: nothing to run', 0);
    // Infusion may use contents - margin; withdrawal may fill up to capacity - margin.
    const room = volumeUl > 0 ? contentsUl - this.marginUl : syringeVolumeUl - contentsUl - this.marginUl;
    if (Math.abs(volumeUl) > room) {
      throw new DeviceLimitError(
        this.name,
        `volume ${volumeUl} uL exceeds what the syringe allows (contents ${contentsUl} uL, margin ${this.marginUl} uL)`,
        volumeUl,
        Math.max(0, room),
      );
    }
  }

  /** `set units 2` (uL/min, uL) and `set diameter`, each verified against the echo. */
  private async configure(): Promise<void> {
    await this.setAndVerify(formatCommand('set units', [CHEMYX_UNITS.uLMin]), 'units', [CHEMYX_UNITS.uLMin]);
    await this.setAndVerify(formatSetDiameter(this.options.limits.innerDiameterMm), 'diameter', [round3(this.options.limits.innerDiameterMm)]);
  }

  /** Send a `set` command and require the reply's `key = ...` values to equal `expected`. */
  private async setAndVerify(command: string, key: string, expected: readonly number[]): Promise<number[]> {
    const lines = await this.link.request(command);
    const values = parseKeyValues(lines).get(key);
    if (!values) throw new DeviceProtocolError(this.name, `reply to ${JSON.stringify(command.trim())} lacks '${key} = ...': ${JSON.stringify(lines)}`);
    const bad = expected.findIndex((v, i) => values[i] === undefined || !sameValue(v, values[i] ?? NaN));
    if (bad >= 0 || values.length !== expected.length) {
      const i = Math.max(bad, 0);
      throw new DeviceLimitError(this.name, `pump set ${key} = ${values.join(',')} but ${expected.join(',')} was sent (clamped?)`, expected[i], values[i]);
    }
    return values;
  }

  private async lastNumberOf(verb: string): Promise<number> {
    const lines = await this.link.request(formatCommand(verb));
    const n = lastNumber(lines);
    if (n === undefined) throw new DeviceProtocolError(this.name, `no number in '${verb}' reply ${JSON.stringify(lines)}`);
    return n;
  }

  /** Emit an error event only when someone listens, so a lost link never crashes the process. */
  private report(e: DeviceError): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
    this.emit('disconnect', e);
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
