/**
 * A scripted stand-in for a Chemyx pump over an in-memory Duplex, for unit tests of the driver's
 * framing, queueing and fault handling. It is a mock (canned replies), not an emulator: the real
 * emulator lives in packages/sim and is exercised over a PTY in chemyx-pump-pty.test.ts.
 */
import { Duplex } from 'node:stream';

export interface ScriptedChemyxOptions {
  /** Echo each command before the reply (docs/devices.md §1 [E]). Default true. */
  echo?: boolean;
  /** Line end used in replies. Default '\r\n'. */
  eol?: string;
  /** Reply delay, ms. Default 2. */
  delayMs?: number;
  /** Highest rate accepted before silently clamping, uL/min. Default Infinity. */
  maxRate?: number;
}

export class ScriptedChemyx extends Duplex {
  status = 0;
  dispensed = 0;
  /** When true, commands get no reply at all. */
  silent = false;
  /** When set, the next reply is replaced by these raw bytes. */
  garbleNext: string | undefined;
  readonly received: string[] = [];
  private buf = '';
  private units = 0;
  private diameter = 0;
  private rate = 0;
  private volume = 0;

  constructor(private readonly opts: ScriptedChemyxOptions = {}) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.buf += chunk.toString('latin1');
    let i: number;
    while ((i = this.buf.indexOf('\r')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1).replace(/^\n/, '');
      this.received.push(line);
      this.handle(line);
    }
    cb();
  }

  /** Push raw bytes to the host side, as if the pump sent them. */
  send(raw: string): void {
    this.push(Buffer.from(raw, 'latin1'));
  }

  private handle(line: string): void {
    if (this.silent) return;
    const eol = this.opts.eol ?? '\r\n';
    const reply = this.reply(line);
    const text = this.garbleNext ?? `${this.opts.echo === false ? '' : line + eol}${reply.map((l) => l + eol).join('')}>`;
    this.garbleNext = undefined;
    setTimeout(() => this.send(text), this.opts.delayMs ?? 2);
  }

  private reply(line: string): string[] {
    if (line !== line.trim() || line !== line.toLowerCase()) return ['Invalid Command!'];
    const [verb, arg] = splitSet(line);
    switch (verb) {
      case 'set units':
        this.units = Number(arg);
        return [`units = ${this.units}`];
      case 'set diameter':
        this.diameter = Number(arg);
        return [`diameter = ${this.diameter.toFixed(3)}`];
      case 'set rate':
        this.rate = Math.min(Number(arg), this.opts.maxRate ?? Infinity);
        return [`rate = ${this.rate.toFixed(6)}`];
      case 'set volume':
        this.volume = Number(arg);
        return [`volume = ${this.volume.toFixed(6)}`];
      case 'start':
        this.status = 1;
        return ['Pump start running...'];
      case 'stop':
        this.status = 0;
        return ['Pump stop!'];
      case 'pause':
        this.status = 2;
        return ['Pump pause!'];
      case 'status':
        return [String(this.status)];
      case 'dispensed volume':
        return [`dispensed volume = ${this.dispensed}`];
      case 'elapsed time':
        return ['elapsed time = 0.12'];
      default:
        return ['Invalid Command!'];
    }
  }
}

function splitSet(line: string): [string, string] {
  const m = /^(set \w+) (.*)$/.exec(line);
  return m ? [m[1]!, m[2]!] : [line, ''];
}
