import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireBinary } from './require-binary';

describe('requireBinary', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it('returns the first executable candidate', () => {
    expect(requireBinary('sh', ['/nonexistent/sh', '/bin/sh'], 'apt-get install dash')).toBe('/bin/sh');
  });

  it('fails under CI=true with the install hint when the binary is missing', () => {
    process.env.CI = 'true';
    expect(() => requireBinary('mosquitto', ['/nonexistent/mosquitto'], 'apt-get install mosquitto')).toThrow(
      'mosquitto not found: apt-get install mosquitto (required under CI=true)',
    );
  });

  it('elsewhere warns with the hint and returns undefined (the suite skips)', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(requireBinary('postgresql', ['/nonexistent/initdb'], 'apt-get install postgresql')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('postgresql not found: apt-get install postgresql'));
  });
});
