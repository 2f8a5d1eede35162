import { describe, expect, it } from 'vitest';
import {
  formatCommand,
  formatNumber,
  formatSetDiameter,
  isEchoOfOther,
  isInvalidCommand,
  lastNumber,
  numbersIn,
  parseKeyValues,
  parseLimitParameters,
  parseStatus,
  replyLines,
  sameValue,
  splitLines,
} from '../../src/devices/chemyx-codec';

describe('chemyx codec: formatting', () => {
  it('formats numbers plainly, without exponent, trailing zeros or -0', () => {
    expect(formatNumber(0.65)).toBe('0.65');
    expect(formatNumber(650)).toBe('650');
    expect(formatNumber(1e-7)).toBe('0');
    expect(formatNumber(-1e-7)).toBe('0');
    expect(formatNumber(123456789012)).toBe('123456789012');
    expect(() => formatNumber(1e21)).toThrow(RangeError);
    expect(formatNumber(-0.11)).toBe('-0.11');
    expect(formatNumber(26.5944, 3)).toBe('26.594');
    expect(formatNumber(2, 0)).toBe('2');
    expect(() => formatNumber(NaN)).toThrow(RangeError);
    expect(() => formatNumber(Infinity)).toThrow(RangeError);
  });

  it('builds lowercase, \\r-terminated commands with comma lists', () => {
    expect(formatCommand('Set  Rate', [650, 1.5])).toBe('set rate 650,1.5\r');
    expect(formatCommand(' start ')).toBe('start\r');
    expect(formatCommand('set volume', [-0.11])).toBe('set volume -0.11\r');
    expect(formatSetDiameter(28.6)).toBe('set diameter 28.6\r');
    expect(formatSetDiameter(26.5944)).toBe('set diameter 26.594\r');
  });
});

describe('chemyx codec: parsing', () => {
  it('splits on any of \\r\\n, \\n\\r, \\r, \\n and trims', () => {
    expect(splitLines('a\r\nb\n\rc\rd\ne')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(splitLines('  units = 2 \r\n\r\n')).toEqual(['units = 2']);
    expect(splitLines('')).toEqual([]);
  });

  it('strips the echo only when the first line is the command', () => {
    expect(replyLines('set units 2\r\nunits = 2\r\n', 'set units 2\r')).toEqual(['units = 2']);
    expect(replyLines('units = 2\r\n', 'set units 2\r')).toEqual(['units = 2']);
    expect(replyLines('SET UNITS  2\nunits = 2', 'set units 2\r')).toEqual(['units = 2']);
    expect(replyLines('', 'status\r')).toEqual([]);
  });

  it('recognises the echo of another command as stale', () => {
    expect(isEchoOfOther('status\r\n1\r\n', 'dispensed volume\r')).toBe(true);
    expect(isEchoOfOther('set rate 5\r\nrate = 5\r\n', 'set volume 5\r')).toBe(true);
    expect(isEchoOfOther('status\r\n1\r\n', 'status\r')).toBe(false);
    expect(isEchoOfOther('1\r\n', 'status\r')).toBe(false);
    expect(isEchoOfOther('\r\n', 'status\r')).toBe(false);
  });

  it('detects Invalid Command!', () => {
    expect(isInvalidCommand(['Invalid Command!'])).toBe(true);
    expect(isInvalidCommand(['invalid command'])).toBe(true);
    expect(isInvalidCommand(['units = 2'])).toBe(false);
  });

  it('parses key = value lists', () => {
    const kv = parseKeyValues(['units = 2', 'Rate = 0.650000,1.200000', 'volume=-0.110000', 'Pump stop!', ' = 3', 'name = x']);
    expect(kv.get('units')).toEqual([2]);
    expect(kv.get('rate')).toEqual([0.65, 1.2]);
    expect(kv.get('volume')).toEqual([-0.11]);
    expect(kv.has('name')).toBe(false);
    expect(kv.size).toBe(3);
  });

  it('parses status integers 0..4 and rejects anything else', () => {
    expect(parseStatus(['0'])).toBe('stopped');
    expect(parseStatus(['1'])).toBe('running');
    expect(parseStatus(['2'])).toBe('paused');
    expect(parseStatus(['3'])).toBe('delayed');
    expect(parseStatus(['4'])).toBe('stalled');
    expect(parseStatus(['pump status = 1'])).toBe('running');
    expect(parseStatus(['7'])).toBeUndefined();
    expect(parseStatus(['running'])).toBeUndefined();
    expect(parseStatus([])).toBeUndefined();
  });

  it('takes the last number on the line for dispensed volume and elapsed time', () => {
    expect(lastNumber(['dispensed volume = 0.0123'])).toBe(0.0123);
    expect(lastNumber(['elapsed time = 0.12'])).toBe(0.12);
    expect(lastNumber(['dispensed volume 1 = 3.5 uL'])).toBe(3.5);
    expect(lastNumber(['12', 'no digits here'])).toBe(12);
    expect(lastNumber(['nothing'])).toBeUndefined();
    expect(numbersIn('a -1.5e3 b .5 c +2')).toEqual([-1500, 0.5, 2]);
  });

  it('returns the limit parameters raw (their order is disputed)', () => {
    expect(parseLimitParameters(['100 0.001 5000 0.01'])).toEqual([100, 0.001, 5000, 0.01]);
    expect(parseLimitParameters(['1', '2', '3'])).toBeUndefined();
  });

  it('compares echoed values within the echo precision', () => {
    expect(sameValue(0.65, 0.65)).toBe(true);
    expect(sameValue(28.6, 28.6004)).toBe(true);
    expect(sameValue(5000, 4000)).toBe(false);
    expect(sameValue(1e7, 1e7 + 5)).toBe(true);
    expect(sameValue(1e7, 1e7 + 50)).toBe(false);
  });
});
