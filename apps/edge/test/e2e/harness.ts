import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Condition, createConditionSpace } from '@sdfl/chemistry';
import { hasSocat } from '@sdfl/sim';
import { describe } from 'vitest';
import { Operator } from '../../src/sim/operator';
import { type RunningSim, type SimOptions, startSim } from '../../src/sim/start-sim';

/**
 * describe() for suites that need socat (pump emulators on PTYs): under CI a missing socat fails
 * loudly; elsewhere the suite is skipped with the install hint.
 */
export const describeWithSocat: typeof describe = (() => {
  if (hasSocat()) return describe;
  if (process.env.CI === 'true') throw new Error('socat not found: apt-get install socat (required under CI=true)');
  console.warn('socat not found: skipping edge end-to-end tests (apt-get install socat)');
  return describe.skip;
})() as typeof describe;

/** Five conditions at one temperature (one heat-up), spread over the other inputs. */
export function fiveConditions(): Condition[] {
  const space = createConditionSpace();
  const cubes = [
    [0.5, 0.2, 0.9, 0.3, 0.1, 0.3, 0.4],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [0.5, 0.8, 0.2, 0.7, 0.8, 0.1, 0.9],
    [0.5, 0.0, 0.7, 0.1, 0.3, 0.9, 0.2],
    [0.5, 1.0, 0.4, 0.9, 0.6, 0.6, 0.7],
  ];
  return cubes.map((u) => space.quantize(space.fromCube(u)));
}

export interface Rig {
  sim: RunningSim;
  operator: Operator;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A simulated platform + embedded broker + the agent (real drivers over PTYs and TCP), sim time
 * x25, fast pump replies, short heater hold; and an operator client that has cleared the boot SAFE.
 */
export async function startRig(options: SimOptions & { clear?: boolean } = {}): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdfl-edge-'));
  const sim = await startSim({
    speed: 25,
    seed: 7,
    ...options,
    config: { dataDir, heater: { holdMs: 10_000 }, ...options.config },
    platformOptions: { pump: { replyLatencyMs: [5, 10] }, ...options.platformOptions },
  });
  const operator = new Operator(sim.config.platformId, options.brokerUrl ?? sim.broker!.url);
  await operator.start();
  if (options.clear !== false) {
    const ack = await operator.ackFor(await operator.send({ type: 'clearSafe', operator: 'test', reason: 'test rig' }));
    if (!ack.body.accepted) throw new Error(`clearSafe refused: ${JSON.stringify(ack.body)}`);
  }
  return {
    sim,
    operator,
    dataDir,
    async stop() {
      await operator.stop();
      await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function enqueue(operator: Operator, conditions: Condition[], prefix = 'exp'): Promise<void> {
  const experiments = conditions.map((condition, i) => ({ experimentId: `${prefix}-${i + 1}`, condition }));
  const ack = await operator.ackFor(await operator.send({ type: 'enqueue', experiments }));
  if (!ack.body.accepted) throw new Error(`enqueue refused: ${JSON.stringify(ack.body)}`);
}

/** Waits until `n` distinct results arrived. */
export async function waitForResults(operator: Operator, n: number, timeoutMs = 240_000): Promise<void> {
  await operator.waitFor('result', () => operator.results.length >= n, timeoutMs);
}
