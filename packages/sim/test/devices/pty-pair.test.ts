import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { startPtyPair } from '../../src/devices/pty-pair';
import { socatAvailable } from './helpers';

const open = (path: string) =>
  new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, baudRate: 9600 }, (err) => (err ? reject(err) : resolve(p)));
  });

describe('startPtyPair', () => {
  it('explains how to install socat when it is missing', async () => {
    await expect(startPtyPair({ socatPath: '/nonexistent/socat' })).rejects.toMatchObject({
      code: 'SOCAT_MISSING',
      message: expect.stringContaining('apt-get install socat') as unknown,
    });
  });

  it.skipIf(!socatAvailable())('links two raw PTYs: all 256 byte values pass unchanged, no echo; stop kills socat and removes the links', async () => {
    const pty = await startPtyPair();
    expect(existsSync(pty.emulatorPath) && existsSync(pty.driverPath)).toBe(true);
    const [a, b] = await Promise.all([open(pty.emulatorPath), open(pty.driverPath)]);
    const got: Buffer[] = [];
    const echoed: Buffer[] = [];
    b.on('data', (d: Buffer) => got.push(d));
    a.on('data', (d: Buffer) => echoed.push(d));
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    a.write(all);
    for (let i = 0; i < 100 && Buffer.concat(got).length < 256; i++) await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(got).equals(all)).toBe(true); // \r stays \r, \n stays \n (raw)
    expect(Buffer.concat(echoed)).toHaveLength(0); // echo=0
    await Promise.all([new Promise((r) => a.close(r)), new Promise((r) => b.close(r))]);
    await pty.stop();
    expect(pty.alive).toBe(false);
    expect(() => process.kill(pty.pid, 0)).toThrow();
    expect(existsSync(pty.emulatorPath) || existsSync(pty.driverPath)).toBe(false);
  });
});
