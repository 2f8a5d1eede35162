/**
 * A whole edge agent (with its simulated platform) in its own process, so a test can SIGKILL it.
 * argv: brokerUrl dataDir. Prints READY once started.
 */
import { startSim } from '../../src/sim/start-sim';

const [brokerUrl, dataDir] = process.argv.slice(2);
if (!brokerUrl || !dataDir) throw new Error('usage: agent-child <brokerUrl> <dataDir>');
await startSim({
  brokerUrl,
  speed: 25,
  seed: 7,
  config: { dataDir, heater: { holdMs: 10_000 } },
  platformOptions: { pump: { replyLatencyMs: [5, 10] } },
});
process.stdout.write('READY\n');
