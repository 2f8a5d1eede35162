import { describe, expect, it } from 'vitest';
import { SyringeDrive, type SyringeDriveState } from '../../src/devices/syringe-drive';
import { VirtualClock } from '../../src/virtual-clock';

const setup = (options: ConstructorParameters<typeof SyringeDrive>[1] = {}) => {
  const clock = new VirtualClock({ speed: 0, startMs: 0 });
  const drive = new SyringeDrive(clock, { capacityUl: 1000, ...options });
  const events: (SyringeDriveState & { at: number })[] = [];
  drive.onChange((s) => events.push({ ...s, at: clock.now() }));
  return { clock, drive, events };
};

describe('SyringeDrive (Chemyx mechanics on the Clock)', () => {
  it('dispenses rate x time and stops by itself at the programmed volume, notifying at that instant', async () => {
    const { clock, drive, events } = setup();
    drive.setVolumes([100]);
    drive.setRates([60]); // 1 uL/s
    drive.start();
    await clock.advance(40_000);
    expect(drive.state()).toMatchObject({ status: 1, rateUlMin: 60 });
    expect(drive.state().dispensedUl).toBeCloseTo(40, 9);
    expect(drive.state().contentsUl).toBeCloseTo(960, 9);
    await clock.advance(100_000);
    expect(drive.state()).toMatchObject({ status: 0, rateUlMin: 0 });
    expect(drive.state().dispensedUl).toBeCloseTo(100, 9);
    expect(drive.state().elapsedMs).toBeCloseTo(100_000, 6);
    expect(events.map((e) => [e.status, e.at])).toEqual([
      [1, 0],
      [0, 100_000],
    ]);
  });

  it('runs a multi-step list with the delay (status 3) before each step; withdraws refill', async () => {
    const { clock, drive, events } = setup({ contentsUl: 500 });
    drive.setVolumes([60, -30]);
    drive.setRates([60, 30]);
    drive.setDelay(0.5); // 30 s
    drive.start();
    expect(drive.state().status).toBe(3);
    await clock.advance(30_000 + 60_000 + 30_000 + 60_000);
    expect(events.map((e) => [e.status, e.rateUlMin, e.at])).toEqual([
      [3, 0, 0],
      [1, 60, 30_000],
      [3, 0, 90_000],
      [1, -30, 120_000],
      [0, 0, 180_000],
    ]);
    expect(drive.state().contentsUl).toBeCloseTo(500 - 60 + 30, 9);
    expect(drive.state().dispensedUl).toBeCloseTo(90, 9);
  });

  it('pause holds the plunger and the elapsed time; start resumes; stop then start resets', async () => {
    const { clock, drive } = setup();
    drive.setVolumes([100]);
    drive.setRates([60]);
    drive.start();
    await clock.advance(10_000);
    drive.pause();
    await clock.advance(50_000);
    expect(drive.state()).toMatchObject({ status: 2, rateUlMin: 0 });
    expect(drive.state().dispensedUl).toBeCloseTo(10, 9);
    drive.start();
    await clock.advance(5_000);
    expect(drive.state().dispensedUl).toBeCloseTo(15, 9);
    expect(drive.state().elapsedMs).toBe(15_000);
    drive.stop();
    drive.start();
    expect(drive.state().dispensedUl).toBe(0);
  });

  it('stalls (status 4) when the syringe runs empty: the hazard the driver must prevent', async () => {
    const { clock, drive } = setup({ contentsUl: 20 });
    drive.setVolumes([100]);
    drive.setRates([60]);
    drive.start();
    await clock.advance(60_000);
    expect(drive.state()).toMatchObject({ status: 4, rateUlMin: 0, contentsUl: 0 });
    expect(drive.state().dispensedUl).toBeCloseTo(20, 9);
  });

  it('an injected stall persists across start until cleared', async () => {
    const { clock, drive } = setup();
    drive.setVolumes([100]);
    drive.setRates([60]);
    drive.start();
    drive.injectStall();
    await clock.advance(10_000);
    expect(drive.state()).toMatchObject({ status: 4, dispensedUl: 0 });
    drive.stop();
    drive.start();
    expect(drive.state().status).toBe(4);
    drive.clearStall();
    drive.stop();
    drive.start();
    expect(drive.state().status).toBe(1);
  });

  it('derives limits from the diameter and clamps, keeping the volume sign', () => {
    const { drive } = setup({ diameterMm: 10, maxSpeedMmMin: 10, maxTravelMm: 100 });
    const area = (Math.PI * 100) / 4;
    expect(drive.limits().maxRateUlMin).toBeCloseTo(area * 10, 9);
    expect(drive.setRates([1e9])[0]).toBeCloseTo(area * 10, 9);
    expect(drive.setVolumes([-1e9])[0]).toBeCloseTo(-area * 100, 9);
    expect(drive.setDiameter(5.12345)).toBe(5.123);
    // A smaller syringe lowers the limits, and the stored settings follow.
    expect(drive.settings().ratesUlMin[0]).toBeCloseTo(((Math.PI * 5.123 ** 2) / 4) * 10, 9);
  });

  it('set time derives each step rate from its volume', () => {
    const { drive } = setup();
    drive.setVolumes([100, 50]);
    expect(drive.setTime(2)).toBeCloseTo(2, 12);
    expect(drive.settings().ratesUlMin).toEqual([50, 25]);
  });
});
