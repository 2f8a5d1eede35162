import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadEdgeConfig } from './config';

// The sim modes (simulator, aedes, optimizer) are imported only when asked for: the Pi's
// `--config` and `--check-config` paths must not load them.

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

const program = new Command('sdfl-edge')
  .description('Edge agent of a self-driving fluidic lab: drives one reactor, publishes results over MQTT')
  .option('--config <file>', 'agent config (YAML or JSON)')
  .option('--check-config', 'validate the config, list every problem, and exit')
  .option('--sim', 'run a simulated platform that a cloud commands over MQTT (boots into SAFE, queues nothing)')
  .option('--demo', 'with --sim: also clear SAFE, queue Latin-hypercube conditions and print each result (no cloud needed)')
  .option('--experiments <n>', 'with --sim --demo: conditions to queue', int('experiments', 1), 5)
  .option('--broker <url>', 'with --sim: MQTT broker URL (default: an embedded broker on a loopback port)')
  .option('--platform-id <id>', 'with --sim: platform id', 'sim-1')
  .option('--username <u>', 'with --sim: MQTT username (password from $SDFL_MQTT_PASSWORD or --password-file)')
  .option('--password-file <file>', 'with --sim: file whose first line is the MQTT password')
  .option('--speed <x>', 'with --sim: simulated seconds per real second', positive('speed'), 20)
  .option('--seed <n>', 'with --sim: seed of the reactor noise (and of the demo LHS)', int('seed', 0), 1)
  .option('--variant <n>', 'with --sim: reactor response variant (0 = documented response)', int('variant', 0), 0)
  .option('--data-dir <dir>', 'with --sim: where the outbox and queue live (default .data/sim/<platform-id>)');

interface CliOptions {
  config?: string;
  checkConfig?: boolean;
  sim?: boolean;
  demo?: boolean;
  experiments: number;
  broker?: string;
  platformId: string;
  username?: string;
  passwordFile?: string;
  speed: number;
  seed: number;
  variant: number;
  dataDir?: string;
}

async function runSim(o: CliOptions): Promise<number> {
  if (o.demo) {
    const { runDemo } = await import('./sim/demo');
    const results = await runDemo({
      experiments: o.experiments,
      speed: o.speed,
      seed: o.seed,
      variant: o.variant,
      ...(o.broker ? { brokerUrl: o.broker } : {}),
      config: { platformId: o.platformId, dataDir: o.dataDir ?? '.data/sim' },
    });
    const done = results.filter((r) => r.body.status === 'done').length;
    console.log(`\n${done}/${results.length} experiments done.`);
    return done === results.length ? 0 : 1;
  }
  const { readPassword, runPlatform } = await import('./sim/platform-mode');
  let password: string | undefined;
  try {
    password = readPassword(o.passwordFile);
  } catch (error) {
    console.error(`sdfl-edge: ${(error as Error).message}`);
    return 1;
  }
  return runPlatform({
    ...(o.broker ? { brokerUrl: o.broker } : {}),
    platformId: o.platformId,
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(password === undefined ? {} : { password }),
    speed: o.speed,
    seed: o.seed,
    variant: o.variant,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
  });
}

async function main(): Promise<number> {
  program.parse();
  const o = program.opts<CliOptions>();
  if (o.sim) return runSim(o);
  const file = o.config;
  if (!file) return program.error('give --config <file> (or --sim to run a simulated platform)');
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
