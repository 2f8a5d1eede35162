import { describe, expect, it } from 'vitest';
import { ChemyxPump } from '../../src/devices/chemyx-pump';
import { ChemyxPumpEmulator, createDuplexPair, RealClock } from './helpers/sim';

const limits = { syringeVolumeUl: 50_000, innerDiameterMm: 28.6, minRateUlMin: 5, maxRateUlMin: 5_000 };

describe('ChemyxPump.stop in SAFE', () => {
  it('is written at once while a slow command is in flight, and both replies are matched in order', async () => {
    const emulator = new ChemyxPumpEmulator({ clock: new RealClock(), diameterMm: 28.6, replyLatencyMs: [80, 80] });
    const [host, device] = createDuplexPair();
    emulator.attach(device);
    const pump = new ChemyxPump(host, { name: 'pump:t', limits });
    await pump.connect();
    await pump.run({ rateUlMin: 500, volumeUl: 1_000, contentsUl: 40_000 });
    expect(emulator.state().status).toBe(1);
    let stoppedAt = 0;
    emulator.onChange(() => {
      if (emulator.state().status === 0 && stoppedAt === 0) stoppedAt = performance.now();
    });

    const t0 = performance.now();
    // Two callers' commands are queued (the poller's status, the runner's dispensed-volume check).
    const poll = pump.status();
    const check = pump.dispensedUl();
    const stop = pump.stop();
    const [, reading] = await Promise.all([stop, poll.then((status) => ({ status })), check]);
    // The pump works through its input in order: the stop runs right after the status in flight
    // (~80 ms), not after both queued commands (~160 ms), which it would if it queued behind them.
    expect(stoppedAt - t0).toBeLessThan(140);
    expect(emulator.state().status).toBe(0);
    expect(['running', 'stopped']).toContain(reading.status);
    expect(await pump.status()).toBe('stopped');
    emulator.dispose();
  });
});
