import { describe, expect, it } from 'vitest';
import { GPIO_LINES, GPIO_OUTPUT_LINES, GpioUnsupportedError, isGpioLevel } from '../src/index';

describe('GPIO contract', () => {
  it('has four lines, of which estop alone is an input', () => {
    expect(GPIO_LINES).toEqual(['ssr', 'uvLed', 'shutter', 'estop']);
    expect(GPIO_LINES.filter((l) => !(GPIO_OUTPUT_LINES as readonly string[]).includes(l))).toEqual(['estop']);
  });

  it('accepts 0 and 1 as levels and nothing else', () => {
    expect([0, 1].every(isGpioLevel)).toBe(true);
    expect([2, -1, '1', true, null, 0.5].some(isGpioLevel)).toBe(false);
  });

  it('names the operation and line in its unsupported error', () => {
    const e = new GpioUnsupportedError('watch', 'estop', 'the worker proxy does not forward edges');
    expect(e).toMatchObject({ name: 'GpioUnsupportedError', operation: 'watch', line: 'estop' });
    expect(e.message).toMatch(/watch\(estop\).*worker proxy/);
  });
});
