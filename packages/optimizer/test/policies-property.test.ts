/** Every policy, in a real study on the GP, stays in the cube and never repeats an experiment. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveTrustRegionSide } from '../src/policies/trust-region';
import type { PolicyName } from '../src/policies';
import { createStudy } from '../src/study';
import { cubeSpace } from './helpers/kernel-ensemble';

describe('policies in a study', () => {
  it('exhaust a 5 x 5 actuator grid without a duplicate or a point outside the cube', async () => {
    for (const policy of ['ei', 'ucb', 'eplt', 'mv'] as PolicyName[]) {
      const study = createStudy({
        space: cubeSpace(2, 0.25), // 25 distinct experiments exist
        objective: { feature: 'y', direction: 'maximize' },
        schedule: [
          { policy: 'lhs', count: 4 },
          { policy, count: 21, params: { candidates: 256 } },
        ],
        seed: 3,
        surrogate: 'gp',
      });
      const seen = new Set<string>();
      for (let i = 0; i < 25; i++) {
        const [s] = await study.ask();
        expect(s, `${policy} ask ${i}`).toBeDefined();
        expect(s!.cube.every((v) => v >= 0 && v <= 1)).toBe(true);
        const key = s!.cube.join(',');
        expect(seen.has(key), `${policy} repeated ${key}`).toBe(false);
        seen.add(key);
        study.tell(s!.id, -((s!.cube[0]! - 1) ** 2) - (s!.cube[1]! - 0.9) ** 2); // optimum on the grid's edge
      }
      expect(seen.size).toBe(25);
    }
  }, 60_000);

  it('stay in the cube for any seed, direction and objective (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.boolean(), fc.double({ min: -5, max: 5, noNaN: true }), async (seed, maximize, tilt) => {
        const study = createStudy({
          space: cubeSpace(3),
          objective: { feature: 'y', direction: maximize ? 'maximize' : 'minimize' },
          schedule: [
            { policy: 'lhs', count: 4 },
            { policy: 'ei', count: 3, params: { candidates: 128 } },
          ],
          seed,
          surrogate: 'gp',
        });
        const keys = new Set<string>();
        for (let i = 0; i < 7; i++) {
          const [s] = await study.ask();
          if (!s!.cube.every((v) => v >= 0 && v <= 1)) return false;
          keys.add(s!.cube.join(','));
          study.tell(s!.id, tilt * s!.cube[0]! + Math.sin(5 * s!.cube[1]!));
        }
        return keys.size === 7;
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});

describe('adaptive trust region', () => {
  it('doubles after 3 successes, halves after the failure count, restarts below the minimum', () => {
    expect(adaptiveTrustRegionSide(0, [], 7)).toBe(0.4);
    expect(adaptiveTrustRegionSide(0, [1, 2, 3], 7)).toBe(0.8);
    expect(adaptiveTrustRegionSide(0, [1, 2, 3, 4, 5, 6], 7)).toBe(0.8); // capped at max
    expect(adaptiveTrustRegionSide(10, [1, 1, 1, 1], 7)).toBe(0.2); // 4 failures (d = 7)
    expect(adaptiveTrustRegionSide(10, Array(40).fill(1), 2, { failures: 1, min: 0.1 })).toBeGreaterThanOrEqual(0.1);
    // A failure resets the success streak.
    expect(adaptiveTrustRegionSide(0, [1, 2, 0, 3], 7)).toBe(0.4);
  });
});
