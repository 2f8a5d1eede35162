import type { Duplex } from 'node:stream';
import type { Clock } from '@sdfl/hal';
import { createRandom, type RandomSource } from '../random';
import { SyringeDrive, type SyringeDriveOptions, type SyringeDriveState } from './syringe-drive';

/** Chemyx `set units` codes (docs/devices.md §1): 0 mL/min, 1 mL/hr, 2 uL/min, 3 uL/hr. */
export type ChemyxUnits = 0 | 1 | 2 | 3;

export interface ChemyxPumpOptions extends SyringeDriveOptions {
  /** Time base of the plunger motion (real, virtual or accelerated). */
  clock: Clock;
  /** Seed of the reply-latency jitter and of garbled bytes. Default 1. */
  seed?: number;
  /** Reply latency range, real ms (docs/devices.md §1 [E]: 50-100 ms). Default [50, 100]. */
  replyLatencyMs?: [number, number];
  /**
   * Order of `read limit parameter`'s four numbers; sources disagree (docs/devices.md §1 [E]), so drivers
   * must cope with both. Default 'volume-first' (maxVol minVol maxRate minRate).
   */
  limitOrder?: 'volume-first' | 'rate-first';
  /** Units at power-on. Default 2 (uL/min). */
  units?: ChemyxUnits;
}

/** The pump's state: the drive's, plus the units the wire currently speaks. */
export interface ChemyxPumpState extends SyringeDriveState {
  units: ChemyxUnits;
}

// uL per volume unit and (uL/min) per rate unit, indexed by the units code.
const VOLUME_UL = [1000, 1000, 1, 1] as const;
const RATE_UL_MIN = [1000, 1000 / 60, 1, 1 / 60] as const;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const SET = /^set (units|diameter|volume|rate|delay|time) (\S+)$/;
const MAX_LINE = 256;
const PROMPT = 0x3e; // '>'

const HELP = [
  'set units N (0 mL/min, 1 mL/hr, 2 uL/min, 3 uL/hr)',
  'set diameter X', 'set volume X[,X...]', 'set rate X[,X...]', 'set delay X', 'set time X',
  'start', 'pause', 'stop', 'status', 'pump status', 'dispensed volume', 'elapsed time',
  'read limit parameter', 'view parameter', 'help',
];

interface Pending {
  text: string;
  /** How the line ended: `\r` (valid), a bare `\n` or an over-long line (both invalid). */
  end: 'cr' | 'lf' | 'overflow';
}

/**
 * Chemyx Fusion 6000 syringe pump speaking its ASCII protocol (docs/devices.md §1) on any Duplex stream:
 * an in-memory pair in unit tests, a serialport on a socat PTY (`serveOnPty`) in conformance tests
 * and the simulated platform.
 *
 * Wire format of every reply: `<echo of the command>\r\n` + `<line>\r\n` per reply line + `>`
 * (no newline after the prompt). A command ends with `\r`; a `\n` right after `\r` is swallowed;
 * a bare `\n` ends the line as `Invalid Command!`. The pump executes a command when it takes it
 * from its input queue, then answers after 50-100 ms of real time; commands are answered in order.
 *
 * The plunger runs on the injected Clock and keeps running when the host disconnects
 * (docs/devices.md §1 safety fact): detach or destroy the stream and the run still completes.
 *
 * @example
 * const pump = new ChemyxPumpEmulator({ clock, diameterMm: 28.6 });
 * pump.attach(stream);
 * pump.injectStall(); // `status` now answers 4 and the dispensed volume stops growing
 */
export class ChemyxPumpEmulator {
  readonly drive: SyringeDrive;
  private units: ChemyxUnits;
  private readonly rng: RandomSource;
  private readonly latency: [number, number];
  private readonly limitOrder: 'volume-first' | 'rate-first';
  private stream: Duplex | null = null;
  private line = '';
  private lastWasCr = false;
  private readonly queue: Pending[] = [];
  private draining = false;
  private noReply = false;
  private garbled = false;

  constructor(options: ChemyxPumpOptions) {
    this.drive = new SyringeDrive(options.clock, options);
    this.units = options.units ?? 2;
    this.rng = createRandom(options.seed ?? 1);
    this.latency = options.replyLatencyMs ?? [50, 100];
    this.limitOrder = options.limitOrder ?? 'volume-first';
  }

  /** Connects the pump's serial port to `stream` (replacing any previous one). */
  attach(stream: Duplex): void {
    this.detach();
    this.stream = stream;
    this.line = '';
    this.lastWasCr = false;
    stream.on('data', this.onData);
    stream.once('close', () => this.stream === stream && this.detach());
    stream.on('error', () => undefined); // a dying host port must not crash the pump
  }

  /** Disconnects from the stream without closing it; the run goes on. */
  detach(): void {
    this.stream?.off('data', this.onData);
    this.stream = null;
    this.queue.length = 0;
  }

  /** True while a stream is attached. */
  get attached(): boolean {
    return this.stream !== null;
  }

  /** Current state (integrated to the clock's now). */
  state(): ChemyxPumpState {
    return { ...this.drive.state(), units: this.units };
  }

  /** Calls `cb` whenever the status or the running rate changes. */
  onChange(cb: (s: SyringeDriveState) => void): () => void {
    return this.drive.onChange(cb);
  }

  /** Fault hook: the motor stalls (`status` -> 4, dispensed volume flat) until clearStall(). */
  injectStall(): void {
    this.drive.injectStall();
  }

  clearStall(): void {
    this.drive.clearStall();
  }

  /** Fault hook: the pump stops answering (input is dropped, no echo, no prompt); the run goes on. */
  setNoReply(on = true): void {
    this.noReply = on;
  }

  /**
   * Fault hook: commands execute but every reply byte before the prompt is corrupted (never into
   * `>`, `\r` or `\n`, so the driver still frames on `>` and sees a reply it cannot parse).
   */
  setGarbled(on = true): void {
    this.garbled = on;
  }

  /** Fault hook: the serial link dies: the stream is destroyed (over a PTY the link goes down); the run goes on. */
  disconnect(): void {
    const s = this.stream;
    this.detach();
    s?.destroy();
  }

  /** Stops timers and detaches (the emulator's own shutdown, not a protocol `stop`). */
  dispose(): void {
    this.detach();
    this.drive.dispose();
  }

  /** Executes one command line and returns the reply lines (without echo and prompt). */
  execute(text: string): string[] {
    if (text === '') return [];
    // A leading space gave `Invalid Command!` on real hardware (docs/devices.md §1 [E]); trailing ones are tolerated [I].
    const cmd = text.trimEnd();
    switch (cmd) {
      case 'start':
        this.drive.start();
        return ['Pump start running...'];
      case 'pause':
        this.drive.pause();
        return ['Pump pause!'];
      case 'stop':
        this.drive.stop();
        return ['Pump stop!'];
      case 'status':
      case 'pump status':
        return [String(this.drive.state().status)];
      case 'dispensed volume':
        return [`dispensed volume = ${(this.drive.state().dispensedUl / VOLUME_UL[this.units]).toFixed(4)}`];
      case 'elapsed time':
        return [`elapsed time = ${(this.drive.state().elapsedMs / 60_000).toFixed(2)}`];
      case 'read limit parameter':
        return [this.limitLine()];
      case 'view parameter':
        return this.parameterLines();
      case 'help':
        return HELP;
    }
    const m = SET.exec(cmd);
    const values = m?.[2]?.split(',') ?? [];
    if (!m || values.some((v) => !NUMBER.test(v))) return ['Invalid Command!'];
    const nums = values.map(Number);
    const [first] = nums;
    const one = nums.length === 1 && first !== undefined ? first : null;
    const vf = VOLUME_UL[this.units];
    const rf = RATE_UL_MIN[this.units];
    switch (m[1]) {
      case 'units':
        if (one === null || !Number.isInteger(one)) return ['Invalid Command!'];
        this.units = Math.min(3, Math.max(0, one)) as ChemyxUnits;
        return [`units = ${this.units}`];
      case 'diameter':
        return one === null ? ['Invalid Command!'] : [`diameter = ${this.drive.setDiameter(one).toFixed(3)}`];
      case 'volume':
        return [`volume = ${this.drive.setVolumes(nums.map((v) => v * vf)).map((v) => (v / vf).toFixed(6)).join(',')}`];
      case 'rate':
        return [`rate = ${this.drive.setRates(nums.map((r) => r * rf)).map((r) => (r / rf).toFixed(6)).join(',')}`];
      case 'delay':
        return one === null ? ['Invalid Command!'] : [`delay = ${this.drive.setDelay(one).toFixed(6)}`];
      default:
        return one === null ? ['Invalid Command!'] : [`time = ${this.drive.setTime(one).toFixed(6)}`];
    }
  }

  private limitLine(): string {
    const l = this.drive.limits();
    const vol = [l.maxVolumeUl, l.minVolumeUl].map((v) => v / VOLUME_UL[this.units]);
    const rate = [l.maxRateUlMin, l.minRateUlMin].map((r) => r / RATE_UL_MIN[this.units]);
    const all = this.limitOrder === 'volume-first' ? [...vol, ...rate] : [...rate, ...vol];
    return all.map((x) => x.toFixed(6)).join(' ');
  }

  private parameterLines(): string[] {
    const vf = VOLUME_UL[this.units];
    const rf = RATE_UL_MIN[this.units];
    const s = this.drive.settings();
    return [
      `units = ${this.units}`,
      `diameter = ${s.diameterMm.toFixed(3)}`,
      `rate = ${s.ratesUlMin.map((r) => (r / rf).toFixed(6)).join(',')}`,
      `volume = ${s.volumesUl.map((v) => (v / vf).toFixed(6)).join(',')}`,
      `delay = ${s.delayMin.toFixed(6)}`,
      `time = ${this.drive.stepTimeMin().toFixed(6)}`,
    ];
  }

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.noReply) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    for (const byte of bytes) {
      if (byte === 0x0d) {
        this.push('cr');
        this.lastWasCr = true;
      } else if (byte === 0x0a) {
        // `\r\n` is one terminator; a bare `\n` is invalid (docs/devices.md §1 [V]).
        if (!this.lastWasCr) this.push('lf');
        this.lastWasCr = false;
      } else {
        this.lastWasCr = false;
        this.line += String.fromCharCode(byte);
        if (this.line.length > MAX_LINE) this.push('overflow');
      }
    }
    void this.drain();
  };

  private push(end: Pending['end']): void {
    this.queue.push({ text: this.line, end });
    this.line = '';
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const stream = this.stream;
        const lines = next.end === 'cr' ? this.execute(next.text) : ['Invalid Command!'];
        const [lo, hi] = this.latency;
        await new Promise((r) => setTimeout(r, lo + (hi - lo) * this.rng.next()));
        if (!stream || stream !== this.stream || !stream.writable || this.noReply) continue;
        stream.write(this.frame(next.text, lines));
      }
    } finally {
      this.draining = false;
    }
  }

  private frame(echo: string, lines: string[]): Buffer {
    const body = Buffer.from(`${echo}\r\n${lines.map((l) => `${l}\r\n`).join('')}`, 'latin1');
    if (this.garbled) {
      for (let i = 0; i < body.length; i++) {
        let b = body[i]! ^ (1 + Math.floor(this.rng.next() * 255));
        if (b === PROMPT || b === 0x0d || b === 0x0a) b = 0x7f;
        body[i] = b;
      }
    }
    return Buffer.concat([body, Buffer.from([PROMPT])]);
  }
}
