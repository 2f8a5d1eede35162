/** The study over the real 7-D condition space of @sdfl/chemistry. */
import { createConditionSpace } from '@sdfl/chemistry';
import { describe, expect, it } from 'vitest';
import { createStudy } from '../src/study';
import { kernelFactory } from './helpers/kernel-ensemble';

describe('study on the chemistry condition space', () => {
  it('suggests valid conditions already rounded to actuator resolution', async () => {
    const space = createConditionSpace();
    const study = createStudy({
      space,
      objective: { feature: 'PL_I', direction: 'maximize' },
      schedule: [
        { policy: 'lhs', count: 9 },
        { policy: 'mv', count: 3, params: { candidates: 512 } },
      ],
      seed: 3,
      fit: kernelFactory(),
    });
    for (;;) {
      const [s] = await study.ask();
      if (!s) break;
      expect(space.validate(s.condition)).toEqual([]);
      expect(space.quantize(s.condition)).toEqual(s.condition);
      expect(space.quantizeCube(s.cube)).toEqual(s.cube);
      study.tell(s.id, { PL_I: s.cube[0]! + s.cube[2]!, Abs300: 0.1 });
    }
    expect(study.done).toBe(true);
    expect(study.observations()).toHaveLength(12);
  });
});
