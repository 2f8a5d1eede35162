/**
 * Deterministic pseudo-random numbers for emulator noise (STYLE.md "Emulators are real
 * implementations": seeded noise, so a failing test replays exactly).
 *
 * mulberry32: 32-bit state, period 2^32, fast and good enough for measurement noise; not for
 * cryptography.
 */
export class SeededRandom {
  private state: number;
  private spare: number | null = null;

  /** @param seed any integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  /** Normal deviate with mean 0 and standard deviation `sigma` (Box-Muller, pairs cached). */
  normal(sigma = 1): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s * sigma;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v) * sigma;
  }

  /** An independent generator derived from this one (e.g. one per pixel pattern vs per read). */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296));
  }
}
