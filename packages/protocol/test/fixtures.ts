/** Valid sample bodies of every kind and variant, shared by the tests. */
import type { BodyInput, Condition, MessageKind, Spectrum } from '../src/index';

export const condition: Condition = {
  temperatureC: 140,
  cuIUlMin: 12.5,
  csOleateUlMin: 8,
  oaCsUlMin: 4,
  oaCuIUlMin: 3.25,
  oAmUlMin: 2,
  odeCuIUlMin: 0,
};

export const ID_A = '3f1c2a5e-8b7d-4c1e-9a2b-6d5e4f3a2b1c';
export const ID_B = 'b9e8d7c6-5a4b-4c3d-8e2f-1a0b9c8d7e6f';
export const TS = '2025-01-31T12:00:00.000Z';
export const envelope = { id: ID_A, ts: TS, seq: 7, session: 2 } as const;

function spectrum(n: number, from: number): Spectrum {
  return {
    wavelengthNm: Array.from({ length: n }, (_, i) => from + i * 0.5),
    values: Array.from({ length: n }, (_, i) => Math.sin(i / 10)),
  };
}

const onlineState: BodyInput<'state'> = {
  status: 'online',
  agentVersion: '0.1.0',
  devices: {
    pumps: [{ id: 'cuI', model: 'Chemyx Fusion 6000' }, { id: 'csOleate' }, { id: 'pfo' }],
    spectrometers: [{ id: 'hdx-1', model: 'Ocean Insight HDX', serial: 'HDX01234', role: 'both' }],
    heater: { kind: 'software-pid' },
  },
  capabilities: {
    offlinePolicies: ['standby', 'local'],
    offlinePolicy: 'standby',
    features: ['abs300', 'plPeakNm', 'plIntensity', 'plArea', 'fwhmNm', 'sidePeak380', 'sidePeak600'],
    commands: ['enqueue', 'cancel', 'ping'],
    queueCapacity: 8,
  },
  limits: {
    temperature: { minC: 25, maxC: 180, ceilingC: 200 },
    pumps: {
      cuI: { minRateUlMin: 0.5, maxRateUlMin: 500, syringeVolumeUl: 10_000 },
      csOleate: { minRateUlMin: 0, maxRateUlMin: 500, syringeVolumeUl: 5_000 },
    },
  },
  stage: 'safe',
  safe: true,
  safeReason: 'boot',
};

const telemetry: BodyInput<'telemetry'> = {
  temperatures: { pvC: 139.8, spC: 140 },
  heaterOutput: 0.42,
  pumps: {
    cuI: { status: 'running', rateUlMin: 12.5, dispensedUl: 103.2 },
    pfo: { status: 'stalled', rateUlMin: 0, dispensedUl: 0 },
  },
  stage: 'equilibrating',
  safe: false,
  loopJitter: { p50Ms: 0.2, p99Ms: 1.5, maxMs: 4.1 },
  syringeContentsUl: { cuI: 8_000, pfo: 0 },
  experimentId: 'exp-17',
};

const doneResult: BodyInput<'result'> = {
  experimentId: 'exp-17',
  attempt: 1,
  campaignId: 'camp-3',
  condition,
  flowPlan: {
    ratesUlMin: { cuI: 12.5, csOleate: 8, oaCs: 4, oaCuI: 3.25, oAm: 2, odeCuI: 0, pfo: 30 },
    residenceTimeS: 120,
    reactionTimeS: 100,
    equilibrationS: 144,
  },
  features: {
    abs300: 0.81,
    plPeakNm: 445.2,
    plIntensity: 31_000,
    plArea: 1.2e6,
    fwhmNm: 48.5,
    sidePeak380: 0.05,
    sidePeak600: 0.01,
    flags: ['low-signal'],
  },
  spectra: { absorbance: spectrum(50, 250), pl: spectrum(40, 380) },
  timings: {
    startedAt: '2025-01-31T12:00:00.000Z',
    steadyAt: '2025-01-31T12:04:00.000Z',
    acquiredAt: '2025-01-31T12:04:05.000Z',
    finishedAt: '2025-01-31T12:04:06.000+00:00',
    durations: { heatingS: 96, equilibrationS: 144, acquisitionS: 5, totalS: 246 },
  },
  warnings: ['absorbance reference drifted 2%'],
  status: 'done',
};

const failedResult: BodyInput<'result'> = {
  experimentId: 'exp-18',
  attempt: 2,
  condition: { ...condition, temperatureC: 160 },
  flowPlan: { ratesUlMin: { cuI: 12.5 }, residenceTimeS: 120, reactionTimeS: 100, equilibrationS: 144 },
  timings: { startedAt: TS, finishedAt: TS, durations: { totalS: 0 } },
  warnings: [],
  status: 'failed',
  failure: { reason: 'INTERLOCK', interlock: 'pumpStalled', detail: 'pfo status 4' },
};

/** Every body variant, labelled, with the kind it belongs to. */
export const samples: readonly { readonly label: string; readonly kind: MessageKind; readonly body: BodyInput<MessageKind> }[] = [
  { label: 'state online', kind: 'state', body: onlineState },
  { label: 'state offline', kind: 'state', body: { status: 'offline', reason: 'will' } },
  { label: 'telemetry', kind: 'telemetry', body: telemetry },
  {
    label: 'telemetry without readings',
    kind: 'telemetry',
    body: { ...telemetry, temperatures: { pvC: null, spC: null }, pumps: {}, syringeContentsUl: {}, experimentId: undefined },
  },
  {
    label: 'cmd enqueue',
    kind: 'cmd',
    body: {
      type: 'enqueue',
      experiments: [
        { experimentId: 'exp-17', attempt: 1, condition, campaignId: 'camp-3' },
        { experimentId: 'exp-18', condition },
      ],
    },
  },
  { label: 'cmd cancel one', kind: 'cmd', body: { type: 'cancel', scope: 'experiment', experimentId: 'exp-18' } },
  { label: 'cmd cancel all', kind: 'cmd', body: { type: 'cancel', scope: 'all' } },
  { label: 'cmd pause', kind: 'cmd', body: { type: 'pause', reason: 'cleaning' } },
  { label: 'cmd resume', kind: 'cmd', body: { type: 'resume' } },
  { label: 'cmd abort', kind: 'cmd', body: { type: 'abort' } },
  { label: 'cmd clearSafe', kind: 'cmd', body: { type: 'clearSafe', operator: 'ada', reason: 'pump unblocked' } },
  {
    label: 'cmd modelSnapshot',
    kind: 'cmd',
    body: { type: 'modelSnapshot', version: 'camp-3@17', snapshot: { layers: [[1, 2], [3]], meta: { r2: 0.91 } } },
  },
  { label: 'cmd refilled', kind: 'cmd', body: { type: 'refilled', pump: 'oAm', volumeUl: 5000 } },
  { label: 'cmd ping', kind: 'cmd', body: { type: 'ping' } },
  { label: 'receipt', kind: 'receipt', body: { ids: [ID_B] } },
  { label: 'receipt resend', kind: 'receipt', body: { ids: [], resend: true } },
  { label: 'ack accepted', kind: 'ack', body: { commandId: ID_B, accepted: true } },
  {
    label: 'ack rejected',
    kind: 'ack',
    body: { commandId: ID_B, accepted: false, reason: 'OUT_OF_LIMITS', detail: 'temperatureC 250 > maxC 180' },
  },
  { label: 'result done', kind: 'result', body: doneResult },
  { label: 'result failed', kind: 'result', body: failedResult },
  { label: 'result aborted', kind: 'result', body: { ...failedResult, status: 'aborted', failure: { reason: 'OPERATOR_ABORT' } } },
  { label: 'event stage', kind: 'event', body: { type: 'stage', from: 'idle', to: 'heating', experimentId: 'exp-17' } },
  {
    label: 'event alarm',
    kind: 'event',
    body: { type: 'alarm', code: 'SYRINGE_LOW_WARNING', severity: 'warning', message: 'cuI below 20%' },
  },
  {
    label: 'event interlock',
    kind: 'event',
    body: { type: 'interlock', interlock: 'overTemperature', detail: 'PV 205 C > ceiling 200 C', latencyMs: 12 },
  },
  { label: 'event faultCleared', kind: 'event', body: { type: 'faultCleared', by: 'ada', reason: 'checked', commandId: ID_B } },
];

/** The sample with `label` (throws when missing, to keep tests honest). */
export function sample(label: string): { kind: MessageKind; body: BodyInput<MessageKind> } {
  const found = samples.find((s) => s.label === label);
  if (found === undefined) throw new Error(`no sample ${label}`);
  return found;
}
