import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  COMMAND_TYPES,
  MESSAGE_KINDS,
  PUMP_IDS,
  bodySchemas,
  conditionSchema,
  decode,
  encode,
  encodeMessage,
  topics,
  type BodyInput,
  type CommandBody,
  type Message,
  type MessageKind,
} from '../src/index';
import { condition, envelope, sample, samples } from './fixtures';

const T = topics('rig-1');

/** What a body looks like after a JSON round trip (undefined keys dropped). */
function viaJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** A body made invalid by `patch`, checked against the kind's schema. */
function rejects(kind: MessageKind, body: unknown): string[] {
  const r = bodySchemas[kind].safeParse(body);
  expect(r.success).toBe(false);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('round trips', () => {
  it.each(samples.map((s) => [s.label, s] as const))('%s survives encode -> decode unchanged', (_label, s) => {
    const { message, payload } = encodeMessage(s.kind, s.body, envelope);
    const r = decode(T[s.kind], payload);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.kind).toBe(s.kind);
    expect(r.topic).toEqual({ platform: 'rig-1', kind: s.kind });
    expect(r.message).toEqual(viaJson(message));
    expect(r.message.body).toEqual(viaJson(s.body));
    expect({ ...r.message, body: undefined }).toEqual({ v: 1, ...envelope, body: undefined });
    // A second round trip is byte-identical: decode output re-encodes to the same payload.
    expect(encode(s.kind, r.message.body as BodyInput<typeof s.kind>, r.message)).toBe(payload);
  });

  it('covers every kind, command type and variant', () => {
    expect(new Set(samples.map((s) => s.kind))).toEqual(new Set(MESSAGE_KINDS));
    const commandTypes = samples.filter((s) => s.kind === 'cmd').map((s) => (s.body as CommandBody).type);
    expect(new Set(commandTypes)).toEqual(new Set(COMMAND_TYPES));
    const eventTypes = samples.filter((s) => s.kind === 'event').map((s) => (s.body as { type: string }).type);
    expect(new Set(eventTypes)).toEqual(new Set(['stage', 'alarm', 'interlock', 'faultCleared']));
  });

  it('narrows message bodies by kind and by discriminant', () => {
    const r = decode(T.cmd, encode('cmd', { type: 'refilled', pump: 'cuI', volumeUl: 10 }, envelope));
    if (r.ok && r.kind === 'cmd' && r.message.body.type === 'refilled') {
      expectTypeOf(r.message.body.pump).toEqualTypeOf<(typeof PUMP_IDS)[number]>();
      expect(r.message.body.volumeUl).toBe(10);
    } else {
      expect.fail('expected a refilled command');
    }
    expectTypeOf<Message<'ack'>['body']['accepted']>().toEqualTypeOf<boolean>();
  });
});

describe('schema rules', () => {
  it('condition: finite temperature, flows >= 0, all seven keys', () => {
    expect(conditionSchema.parse(condition)).toEqual(condition);
    expect(conditionSchema.safeParse({ ...condition, cuIUlMin: -0.1 }).success).toBe(false);
    expect(conditionSchema.safeParse({ ...condition, temperatureC: Number.NaN }).success).toBe(false);
    expect(conditionSchema.safeParse({ ...condition, oAmUlMin: Number.POSITIVE_INFINITY }).success).toBe(false);
    const { odeCuIUlMin: _dropped, ...missing } = condition;
    expect(conditionSchema.safeParse(missing).success).toBe(false);
    expect(conditionSchema.safeParse({ ...condition, temperatureC: -20 }).success).toBe(true);
  });

  it('state: ordered temperature limits, rate ranges, unique pumps, known pump ids', () => {
    const state = sample('state online').body as Extract<BodyInput<'state'>, { status: 'online' }>;
    expect(rejects('state', { ...state, limits: { ...state.limits, temperature: { minC: 25, maxC: 210, ceilingC: 200 } } })).toEqual([
      'limits.temperature.maxC',
    ]);
    expect(
      rejects('state', {
        ...state,
        limits: { ...state.limits, pumps: { cuI: { minRateUlMin: 600, maxRateUlMin: 500, syringeVolumeUl: 1 } } },
      }),
    ).toEqual(['limits.pumps.cuI.minRateUlMin']);
    expect(rejects('state', { ...state, devices: { ...state.devices, pumps: [{ id: 'cuI' }, { id: 'cuI' }] } })).toEqual([
      'devices.pumps',
    ]);
    expect(rejects('state', { ...state, limits: { ...state.limits, pumps: { water: { minRateUlMin: 0, maxRateUlMin: 1, syringeVolumeUl: 1 } } } }).length).toBe(1);
    expect(rejects('state', { ...state, status: 'sleeping' })).toEqual(['status']);
    expect(bodySchemas.state.safeParse({ status: 'offline' }).success).toBe(true);
  });

  it('telemetry: heater output is a fraction, pump status is from the list', () => {
    const t = sample('telemetry').body as BodyInput<'telemetry'>;
    expect(rejects('telemetry', { ...t, heaterOutput: 1.01 })).toEqual(['heaterOutput']);
    expect(rejects('telemetry', { ...t, pumps: { cuI: { status: 'delayed', rateUlMin: 1, dispensedUl: 0 } } })).toEqual([
      'pumps.cuI.status',
    ]);
    expect(rejects('telemetry', { ...t, loopJitter: { p50Ms: -1, p99Ms: 0, maxMs: 0 } })).toEqual(['loopJitter.p50Ms']);
  });

  it('commands: cancel needs a scope, enqueue 1..100 experiments, attempt >= 1, unknown type rejected', () => {
    expect(rejects('cmd', { type: 'cancel' })).toEqual(['scope']);
    expect(rejects('cmd', { type: 'cancel', scope: 'experiment' })).toEqual(['experimentId']);
    expect(rejects('cmd', { type: 'enqueue', experiments: [] })).toEqual(['experiments']);
    const one = { experimentId: 'e', condition };
    expect(rejects('cmd', { type: 'enqueue', experiments: Array.from({ length: 101 }, () => one) })).toEqual(['experiments']);
    expect(rejects('cmd', { type: 'enqueue', experiments: [{ ...one, attempt: 0 }] })).toEqual(['experiments.0.attempt']);
    expect(rejects('cmd', { type: 'selfDestruct' })).toEqual(['type']);
    expect(rejects('cmd', { type: 'clearSafe', operator: 'ada', reason: '' })).toEqual(['reason']);
    expect(rejects('cmd', { type: 'modelSnapshot', version: '1', snapshot: [1, 2] })).toEqual(['snapshot']);
    expect(rejects('cmd', { type: 'refilled', pump: 'cuI', volumeUl: 0 })).toEqual(['volumeUl']);
  });

  it('ack: a rejection needs a reason from the list', () => {
    const commandId = envelope.id;
    expect(rejects('ack', { commandId, accepted: false })).toEqual(['reason']);
    expect(rejects('ack', { commandId, accepted: false, reason: 'NOPE' })).toEqual(['reason']);
    expect(rejects('ack', { commandId: 'not-a-uuid', accepted: true })).toEqual(['commandId']);
    // NOT_SAFE: a clearSafe while SAFE is not latched.
    expect(bodySchemas.ack.safeParse({ commandId, accepted: false, reason: 'NOT_SAFE', detail: 'not in SAFE' }).success).toBe(true);
  });

  it('result: done needs features, spectra and full timings; spectra arrays pair up', () => {
    const done = sample('result done').body as Extract<BodyInput<'result'>, { status: 'done' }>;
    const { features: _f, ...noFeatures } = done;
    expect(rejects('result', noFeatures)).toEqual(['features']);
    const { steadyAt: _s, ...timings } = done.timings;
    expect(rejects('result', { ...done, timings })).toEqual(['timings.steadyAt']);
    expect(
      rejects('result', { ...done, spectra: { ...done.spectra, pl: { wavelengthNm: [400, 401], values: [1] } } }),
    ).toEqual(['spectra.pl.values']);
    expect(rejects('result', { ...done, features: { ...done.features, flags: ['shiny'] } })).toEqual(['features.flags.0']);
    expect(rejects('result', { ...done, status: 'failed' })).toContain('failure');
    expect(rejects('result', { ...done, timings: { ...done.timings, finishedAt: '31/01/2025' } })).toEqual([
      'timings.finishedAt',
    ]);
  });

  it('event: alarm codes are UPPER_SNAKE_CASE, interlocks from the list', () => {
    expect(rejects('event', { type: 'alarm', code: 'low syringe', severity: 'warning', message: 'm' })).toEqual(['code']);
    expect(rejects('event', { type: 'interlock', interlock: 'gremlins', detail: '', latencyMs: 1 })).toEqual(['interlock']);
    expect(rejects('event', { type: 'stage', from: 'idle', to: 'dancing' })).toEqual(['to']);
  });
});

describe('result edge cases the edge produces', () => {
  it('accepts a failed result refused before any flow plan, and null features with flags', async () => {
    const { resultBodySchema } = await import('../src/index');
    const condition = { temperatureC: 130, cuIUlMin: 100, csOleateUlMin: 80, oaCsUlMin: 40, oaCuIUlMin: 50, oAmUlMin: 30, odeCuIUlMin: 200 };
    const timings = { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', durations: { totalS: 1 } };
    const refused = resultBodySchema.safeParse({
      experimentId: 'e1', attempt: 1, condition, warnings: [], status: 'failed',
      failure: { reason: 'INFEASIBLE_CONDITION', detail: 'Cs stream overflow' }, timings,
    });
    expect(refused.success).toBe(true);
    const features = { abs300: null, plPeakNm: null, plIntensity: null, plArea: 0, fwhmNm: null, sidePeak380: null, sidePeak600: null, flags: ['saturated', 'no-emission'] };
    const aborted = resultBodySchema.safeParse({
      experimentId: 'e1', attempt: 2, condition, warnings: [], status: 'aborted', features,
      failure: { reason: 'INTERLOCK', interlock: 'estop' }, timings,
    });
    expect(aborted.success).toBe(true);
  });
});
