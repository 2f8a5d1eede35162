/**
 * Command-to-pump-start latency: from publishing an `enqueue` command to the first pump emulator
 * running, with the plate already at the experiment's temperature. Real transports throughout
 * (MQTT, SQLite, serial PTYs with the emulators' 50-100 ms reply latency).
 */
import { createConditionSpace, PUMP_IDS } from '@sdfl/chemistry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Operator } from '../src/sim/operator';
import { startSim } from '../src/sim/start-sim';

export async function benchPumpStart(runs: number): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdfl-bench-start-'));
  const sim = await startSim({ speed: 25, seed: 3, config: { dataDir, heater: { holdMs: 1 } } });
  const operator = new Operator(sim.config.platformId, sim.broker!.url);
  await operator.start();
  await operator.ackFor(await operator.send({ type: 'clearSafe', operator: 'bench', reason: 'bench' }));
  const space = createConditionSpace();
  const condition = space.quantize(space.fromCube([0.3, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
  const latencies: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const started = new Promise<number>((resolve) => {
        const off = sim.platform.pumps.cuI.emulator.onChange(() => {
          if (sim.platform.pumps.cuI.emulator.state().status === 1) {
            off?.();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      await operator.send({ type: 'enqueue', experiments: [{ experimentId: `start-${i}`, condition }] });
      const t1 = await started;
      // The first run heats the plate; the others start at temperature and measure the software path.
      if (i > 0) latencies.push(t1 - t0);
      await operator.waitFor('result', (r) => r.body.experimentId === `start-${i}`, 600_000);
      while (PUMP_IDS.some((id) => sim.platform.pumps[id].emulator.state().status === 1)) await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await operator.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return latencies;
}
