import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadEdgeConfig } from './config';
import { runDemo } from './sim/demo';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const program = new Command('sdfl-edge')
  .description('Edge agent of a self-driving fluidic lab: drives one reactor, publishes results over MQTT')
  .option('--config <file>', 'agent config (YAML or JSON)')
  .option('--check-config', 'validate the config, list every problem, and exit')
  .option('--sim', 'run against a simulated platform with an in-process broker and a Latin-hypercube queue')
  .option('--experiments <n>', 'with --sim: conditions to queue', int('experiments'), 5)
  .option('--speed <x>', 'with --sim: simulated seconds per real second', int('speed'), 20)
  .option('--seed <n>', 'with --sim: seed of the reactor noise and the LHS', int('seed'), 1)
  .option('--broker <url>', 'with --sim: use this MQTT broker instead of an embedded one')
  .option('--data-dir <dir>', 'with --sim: where the outbox and queue live', '.data/sim');

async function main(): Promise<number> {
  program.parse();
  const o = program.opts<{ config?: string; checkConfig?: boolean; sim?: boolean; experiments: number; speed: number; seed: number; broker?: string; dataDir: string }>();
  if (o.sim) {
    const results = await runDemo({
      experiments: o.experiments,
      speed: o.speed,
      seed: o.seed,
      ...(o.broker ? { brokerUrl: o.broker } : {}),
      config: { dataDir: o.dataDir },
    });
    const done = results.filter((r) => r.body.status === 'done').length;
    console.log(`\n${done}/${results.length} experiments done.`);
    return done === results.length ? 0 : 1;
  }
  const file = o.config;
  if (!file) return program.error('give --config <file> (or --sim to run against the simulator)');
  try {
    const config = loadEdgeConfig(file);
    if (o.checkConfig) {
      console.log(`${file}: valid (platform ${config.platformId})`);
      return 0;
    }
    const { runHardware } = await import('./agent/hardware');
    return await runHardware(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
