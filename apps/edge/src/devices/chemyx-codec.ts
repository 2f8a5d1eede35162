/**
 * Chemyx Fusion 6000 ASCII codec (docs/devices.md §1): pure functions that format commands and parse the
 * text between two `>` prompts. No I/O; the driver (`chemyx-pump.ts`) frames bytes and calls these.
 */

/** Pump status integers of the `status` command (docs/devices.md §1 [V]). */
export const CHEMYX_STATUS = ['stopped', 'running', 'paused', 'delayed', 'stalled'] as const;
/** Readable pump status. */
export type ChemyxStatus = (typeof CHEMYX_STATUS)[number];

/** Unit codes of `set units N`: 0 mL/min, 1 mL/hr, 2 uL/min, 3 uL/hr; the volume unit follows (mL or uL). */
export const CHEMYX_UNITS = { mLMin: 0, mLHr: 1, uLMin: 2, uLHr: 3 } as const;

/** Reply text that marks a rejected command [E]. */
export const INVALID_COMMAND = 'Invalid Command!';

/**
 * Format a number for the pump: plain decimal (never exponent notation), at most `maxDecimals`
 * decimals, trailing zeros removed, no `-0`. Throws `RangeError` on a non-finite value.
 * @param maxDecimals default 6, the precision the pump echoes for rate and volume [E].
 * @example formatNumber(0.65) === '0.65'; formatNumber(1e-7) === '0'; formatNumber(26.5944, 3) === '26.594'
 */
export function formatNumber(value: number, maxDecimals = 6): string {
  // toFixed switches to exponent notation at 1e21; no pump setting is anywhere near that.
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) throw new RangeError(`not a finite pump number: ${value}`);
  let s = value.toFixed(maxDecimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * Build one command line: lowercase, single spaces, no leading space (a leading space gave
 * `Invalid Command!` on real hardware [E]), terminated by `\r` (`\n` alone is invalid [V]).
 * @example formatCommand('set rate', [650, 1.5]) === 'set rate 650,1.5\r'
 */
export function formatCommand(verb: string, args: readonly number[] = [], maxDecimals = 6): string {
  const head = verb.trim().toLowerCase().replace(/\s+/g, ' ');
  const tail = args.length > 0 ? ` ${args.map((a) => formatNumber(a, maxDecimals)).join(',')}` : '';
  return `${head}${tail}\r`;
}

/** `set diameter X`: the pump keeps 3 decimals of mm [V]. */
export const formatSetDiameter = (mm: number): string => formatCommand('set diameter', [mm], 3);

/**
 * Split reply text into trimmed, non-empty lines. Line ends may be any of `\r\n`, `\n\r`, `\r`, `\n`
 * (sources disagree, docs/devices.md §1), so every run of CR/LF characters separates lines.
 */
export function splitLines(text: string): string[] {
  return text
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Normalise a command for echo comparison: lowercase, trimmed, single spaces. */
const normalise = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Lines of one reply frame (the text before a `>` prompt) without the echoed command. The pump
 * echoes the command first [E]; an emulator or a pump with echo off may not, so the echo is removed
 * only when the first line matches it.
 */
export function replyLines(frame: string, command: string): string[] {
  const lines = splitLines(frame);
  if (lines.length > 0 && normalise(lines[0] ?? '') === normalise(command)) lines.shift();
  return lines;
}

/** True when `frame` looks like the echo of a command other than `command` (a stale reply). */
export function isEchoOfOther(frame: string, command: string): boolean {
  const first = splitLines(frame)[0];
  if (first === undefined) return false;
  const f = normalise(first);
  return f !== normalise(command) && /^(set |start$|stop$|pause$|status$|pump status$|dispensed volume$|elapsed time$|read limit parameter$|view parameter$)/.test(f);
}

/** True when any reply line is `Invalid Command!` (case-insensitive, punctuation tolerant). */
export function isInvalidCommand(lines: readonly string[]): boolean {
  return lines.some((l) => /^invalid command/i.test(l));
}

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/** Every number on a line, in order. */
export function numbersIn(line: string): number[] {
  return (line.match(NUMBER) ?? []).map(Number);
}

/** The last number on any line ('dispensed volume = 0.0123' -> 0.0123), or undefined. */
export function lastNumber(lines: readonly string[]): number | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const nums = numbersIn(lines[i] ?? '');
    if (nums.length > 0) return nums[nums.length - 1];
  }
  return undefined;
}

/**
 * Parse `key = value` lines into a map of key -> number list (`rate = 0.65,1.2` -> [0.65, 1.2]).
 * Keys are lowercased and trimmed; lines without `=` or without numbers are ignored.
 */
export function parseKeyValues(lines: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = normalise(line.slice(0, eq));
    const values = numbersIn(line.slice(eq + 1));
    if (key.length > 0 && values.length > 0) out.set(key, values);
  }
  return out;
}

/** Parse a `status` reply: the first line that is a bare integer 0..4, or undefined. */
export function parseStatus(lines: readonly string[]): ChemyxStatus | undefined {
  for (const line of lines) {
    const m = /^(?:[a-z ]*[=:]\s*)?(\d+)$/i.exec(line);
    if (m) return CHEMYX_STATUS[Number(m[1])];
  }
  return undefined;
}

/**
 * The four numbers of `read limit parameter`, in reply order. Sources disagree on that order
 * (maxVol minVol maxRate minRate vs maxRate minRate maxVol minVol, docs/devices.md §1), so they are
 * returned raw: only a config value may name the order.
 */
export function parseLimitParameters(lines: readonly string[]): number[] | undefined {
  const nums = lines.flatMap(numbersIn);
  return nums.length >= 4 ? nums.slice(0, 4) : undefined;
}

/**
 * True when `actual` equals `sent` within the pump's echo precision: relative 1e-6 or absolute
 * `absTol` (default 0.0005, half the 3-decimal diameter step).
 */
export function sameValue(sent: number, actual: number, absTol = 0.0005): boolean {
  return Math.abs(sent - actual) <= Math.max(absTol, Math.abs(sent) * 1e-6);
}
