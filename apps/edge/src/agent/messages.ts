import { PUMP_IDS } from '@sdfl/chemistry';
import { type BodyInput, FEATURE_NAMES } from '@sdfl/protocol';
import type { EdgeConfig } from '../config';
import type { ControlStatus } from '../control/control-loop';
import type { BirthState } from '../link/index';
import type { SteadyStateEvidence } from '../runner/steady-state';
import type { ExperimentOutcome } from '../runner/types';

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (fromMs: number, toMs: number | null) => (toMs === null ? undefined : Math.max(0, (toMs - fromMs) / 1_000));

/** The wire form of a finished attempt (protocol `result` body). */
export function resultBody(o: ExperimentOutcome): BodyInput<'result'> {
  const t = o.timings;
  const timings = {
    startedAt: iso(t.startedAtMs),
    ...(t.steadyAtMs !== null ? { steadyAt: iso(t.steadyAtMs) } : {}),
    ...(t.acquiredAtMs !== null ? { acquiredAt: iso(t.acquiredAtMs) } : {}),
    finishedAt: iso(t.finishedAtMs),
    durations: {
      ...(o.plan ? { equilibrationS: o.plan.equilibrationS, acquisitionS: o.plan.acquisitionS } : {}),
      ...(o.steadyState ? { heatingS: seconds(t.startedAtMs, t.steadyAtMs)! - o.steadyState.waitedS } : {}),
      totalS: seconds(t.startedAtMs, t.finishedAtMs)!,
    },
  };
  const common = {
    experimentId: o.experimentId,
    attempt: o.attempt,
    ...(o.campaignId ? { campaignId: o.campaignId } : {}),
    condition: o.condition,
    ...(o.plan
      ? {
          flowPlan: {
            ratesUlMin: o.plan.ratesUlMin,
            residenceTimeS: o.plan.residenceTimeS,
            reactionTimeS: o.plan.reactionTimeS,
            equilibrationS: o.plan.equilibrationS,
          },
        }
      : {}),
    ...(o.steadyState ? { steadyState: steadyStateBody(o.steadyState) } : {}),
    warnings: o.warnings,
  };
  if (o.status === 'done' && o.features && o.spectra) {
    return { ...common, status: 'done', features: o.features, spectra: o.spectra, timings } as BodyInput<'result'>;
  }
  return {
    ...common,
    status: o.status === 'done' ? 'failed' : o.status,
    failure: o.failure ?? { reason: 'INTERNAL', detail: 'finished without features' },
    timings,
  } as BodyInput<'result'>;
}

/** The wire form of the measured steady-state evidence (protocol `result.steadyState`). */
function steadyStateBody(e: SteadyStateEvidence): NonNullable<Extract<BodyInput<'result'>, { status: 'done' }>['steadyState']> {
  return {
    flowStartedAt: iso(e.flowStartedAtMs),
    steadyAt: iso(e.steadyAtMs),
    waitedS: e.waitedS,
    plannedEquilibrationS: e.plannedEquilibrationS,
    windowS: e.windowS,
    ...(e.plate ? { plateTemperature: e.plate } : {}),
  };
}

/** What the platform can do and may do: the birth `state` body less status and version (the link adds those). */
export function birthState(config: Readonly<EdgeConfig>, control: ControlStatus, stage: BodyInput<'telemetry'>['stage']): BirthState {
  const { chemistry, interlocks } = config;
  return {
    devices: {
      pumps: PUMP_IDS.map((id) => ({ id, model: 'Chemyx Fusion 6000' })),
      spectrometers: [
        { id: 'absorption', model: 'Ocean Insight HDX', role: 'absorbance' },
        { id: 'pl', model: 'Ocean Insight HDX', role: 'pl' },
      ],
      heater: config.heater.kind === 'watlow-f4t' ? { kind: 'watlow-f4t', model: 'Watlow F4T' } : { kind: 'software-pid' },
    },
    capabilities: {
      offlinePolicies: ['standby', 'local'],
      offlinePolicy: config.offlinePolicy,
      features: [...FEATURE_NAMES],
    },
    limits: {
      temperature: { minC: chemistry.temperatureC.min, maxC: chemistry.temperatureC.max, ceilingC: interlocks.absoluteCeilingC },
      pumps: Object.fromEntries(
        PUMP_IDS.map((id) => {
          const p = chemistry.pumps[id];
          return [id, { minRateUlMin: p.minRateUlMin, maxRateUlMin: p.maxRateUlMin, syringeVolumeUl: p.syringeVolumeUl }];
        }),
      ),
    },
    stage,
    safe: control.safe,
    ...(control.safe ? { safeReason: control.safeReasons[0] } : {}),
  };
}
