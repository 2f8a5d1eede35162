import { createConditionSpace } from '@sdfl/chemistry';
import { createPrng, maximinLhs } from '@sdfl/optimizer';
import type { Message } from '@sdfl/protocol';
import { Operator } from './operator';
import { type SimOptions, startSim } from './start-sim';

export interface DemoOptions extends SimOptions {
  /** How many Latin-hypercube conditions to queue. Default 5. */
  experiments?: number;
  print?: (line: string) => void;
}

const f = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(digits));

/** One line per result: condition, features, timings and the steady-state evidence. */
export function describeResult(m: Message<'result'>): string {
  const r = m.body;
  const c = r.condition;
  const head = `${r.experimentId}#${r.attempt} ${r.status.toUpperCase()}  T=${f(c.temperatureC)} C  CuI=${f(c.cuIUlMin)} Cs=${f(c.csOleateUlMin)} OA(Cs)=${f(c.oaCsUlMin)} OA(CuI)=${f(c.oaCuIUlMin)} OAm=${f(c.oAmUlMin)} ODE=${f(c.odeCuIUlMin)} uL/min`;
  if (r.status !== 'done') return `${head}\n    ${r.failure.reason}: ${r.failure.detail ?? ''}`;
  const x = r.features;
  const plan = r.flowPlan;
  return [
    head,
    `    features: Abs300=${f(x.abs300, 3)}  PL_I=${f(x.plIntensity, 0)}  PL_A=${f(x.plArea, 0)}  peak=${f(x.plPeakNm)} nm  FWHM=${f(x.fwhmNm)} nm  380nm=${f(x.sidePeak380, 0)}  600nm=${f(x.sidePeak600, 0)}${x.flags.length ? `  flags=${x.flags.join(',')}` : ''}`,
    r.steadyState
      ? `    steady state (measured): acquired ${f(r.steadyState.waitedS)} s after the flow started (planned t_E = 1.2 x tau = ${f(r.steadyState.plannedEquilibrationS)} s, tau ${f(plan.residenceTimeS)} s); plate ${r.steadyState.plateTemperature ? `${f(r.steadyState.plateTemperature.minC, 2)}-${f(r.steadyState.plateTemperature.maxC, 2)} C, drift ${f(r.steadyState.plateTemperature.driftC, 2)} C over the last ${f(r.steadyState.windowS, 0)} s (${r.steadyState.plateTemperature.samples} readings)` : 'not read'}; reaction time ${f(plan.reactionTimeS)} s (planned)`
      : `    steady state: not measured by this edge (planned t_E = 1.2 x tau = ${f(plan.equilibrationS)} s)`,
    `    timings: heating ${f(r.timings.durations.heatingS)} s, total ${f(r.timings.durations.totalS)} s (sim time)${r.warnings.length ? `\n    warnings: ${r.warnings.join('; ')}` : ''}`,
  ].join('\n');
}

/**
 * The main job until the cloud exists: a simulated platform, a broker, the agent, and an operator
 * that clears the boot SAFE state, queues Latin-hypercube conditions and prints every result.
 */
export async function runDemo(options: DemoOptions = {}): Promise<Message<'result'>[]> {
  const print = options.print ?? console.log;
  const n = options.experiments ?? 5;
  const sim = await startSim(options);
  const operator = new Operator(sim.config.platformId, options.brokerUrl ?? sim.broker!.url);
  try {
    await operator.start();
    print(`sdfl-edge --sim: platform ${sim.config.platformId}, broker ${options.brokerUrl ?? sim.broker!.url}, sim speed x${options.speed ?? 20}`);
    operator.on('result', (m) => print(describeResult(m)));
    operator.on('event', (e) => {
      if (e.body.type === 'interlock') print(`    INTERLOCK ${e.body.interlock}: ${e.body.detail} (SAFE in ${e.body.latencyMs.toFixed(1)} ms)`);
    });
    await operator.ackFor(await operator.send({ type: 'clearSafe', operator: 'sim-demo', reason: 'simulated platform, boot checks passed' }));
    const space = createConditionSpace(sim.config.chemistry);
    const cube = maximinLhs(n, space.dim, createPrng(options.seed ?? 1));
    const experiments = cube.map((u, i) => ({ experimentId: `lhs-${i + 1}`, condition: space.quantize(space.fromCube(u)), campaignId: 'sim-demo' }));
    const ack = await operator.ackFor(await operator.send({ type: 'enqueue', experiments }));
    print(`queued ${n} Latin-hypercube conditions: ${ack.body.accepted ? 'accepted' : `rejected (${ack.body.reason})`}`);
    while (operator.results.length < n) await operator.waitFor('result', () => operator.results.length >= n, 30 * 60_000).catch(() => undefined);
    return operator.results;
  } finally {
    await operator.stop();
    await sim.stop();
  }
}
