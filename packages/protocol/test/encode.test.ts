import { describe, expect, it } from 'vitest';
import {
  EncodeError,
  ProtocolError,
  createSender,
  decode,
  encode,
  encodeMessage,
  topics,
  type BodyInput,
} from '../src/index';
import { condition, envelope, ID_A, ID_B, TS } from './fixtures';

const T = topics('rig-1');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('encode', () => {
  it('returns JSON with the envelope and body, v defaulting to 1', () => {
    const payload = encode('ack', { commandId: ID_B, accepted: true }, envelope);
    expect(JSON.parse(payload)).toEqual({ v: 1, ...envelope, body: { commandId: ID_B, accepted: true } });
  });

  it('strips unknown keys from outgoing bodies', () => {
    const body = { type: 'ping', debug: true } as unknown as BodyInput<'cmd'>;
    expect(JSON.parse(encode('cmd', body, envelope)).body).toEqual({ type: 'ping' });
  });

  it('throws EncodeError INVALID_MESSAGE with issues for an invalid body', () => {
    const body = { type: 'enqueue', experiments: [{ experimentId: 'e', condition: { ...condition, cuIUlMin: -1 } }] } as const;
    const error = thrown(() => encode('cmd', body, envelope));
    expect(error).toBeInstanceOf(EncodeError);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'INVALID_MESSAGE', name: 'EncodeError' });
    expect((error as EncodeError).issues.map((i) => i.path.join('.'))).toEqual(['body.experiments.0.condition.cuIUlMin']);
    expect((error as Error).message).toContain('body.experiments.0.condition.cuIUlMin');
  });

  it('throws INVALID_MESSAGE for a bad envelope', () => {
    for (const bad of [
      { ...envelope, id: 'x' },
      { ...envelope, ts: 'yesterday' },
      { ...envelope, seq: -1 },
      { ...envelope, seq: 1.5 },
      { ...envelope, session: Number.MAX_SAFE_INTEGER + 2 },
      { ...envelope, v: 2 as 1 },
    ]) {
      expect(thrown(() => encode('cmd', { type: 'ping' }, bad))).toMatchObject({ code: 'INVALID_MESSAGE' });
    }
  });

  it('throws INVALID_MESSAGE for NaN and Infinity, which JSON would turn into null', () => {
    const body = { type: 'refilled', pump: 'cuI', volumeUl: Number.NaN } as const;
    expect(thrown(() => encode('cmd', body, envelope))).toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('throws INVALID_MESSAGE for an unknown kind', () => {
    expect(thrown(() => encode('gossip' as 'cmd', { type: 'ping' }, envelope))).toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('throws UNSERIALIZABLE for a snapshot JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const snapshot of [{ n: 1n }, cyclic]) {
      const error = thrown(() => encode('cmd', { type: 'modelSnapshot', version: '1', snapshot }, envelope));
      expect(error).toMatchObject({ code: 'UNSERIALIZABLE' });
      expect((error as Error).cause).toBeInstanceOf(TypeError);
    }
  });

  it('throws UNSERIALIZABLE when reading the body itself throws', () => {
    const body = {
      type: 'pause',
      get reason(): string {
        throw new Error('boom');
      },
    } as const;
    expect(thrown(() => encode('cmd', body, envelope))).toMatchObject({ code: 'UNSERIALIZABLE' });
  });

  it('throws OVERSIZED beyond maxBytes (default 1 MiB)', () => {
    const snapshot = { weights: 'w'.repeat(1_048_576) };
    expect(thrown(() => encode('cmd', { type: 'modelSnapshot', version: '1', snapshot }, envelope))).toMatchObject({
      code: 'OVERSIZED',
    });
    expect(thrown(() => encode('cmd', { type: 'ping' }, envelope, { maxBytes: 20 }))).toMatchObject({ code: 'OVERSIZED' });
  });

  it('encodeMessage returns the validated message beside the payload', () => {
    const { message, payload } = encodeMessage('event', { type: 'stage', from: 'idle', to: 'heating' }, envelope);
    expect(message).toEqual({ v: 1, ...envelope, body: { type: 'stage', from: 'idle', to: 'heating' } });
    expect(JSON.parse(payload)).toEqual(message);
  });
});

describe('createSender', () => {
  it('stamps id, ts, seq and session', () => {
    let t = Date.parse(TS);
    const ids = [ID_A, ID_B];
    const sender = createSender({ session: 4, now: () => t, randomId: () => ids.shift()! });
    const first = sender.encode('cmd', { type: 'ping' });
    t += 1500;
    const second = sender.encode('event', { type: 'stage', from: 'idle', to: 'heating' });
    expect(first.message).toMatchObject({ v: 1, id: ID_A, ts: TS, seq: 0, session: 4 });
    expect(second.message).toMatchObject({ id: ID_B, ts: '2025-01-31T12:00:01.500Z', seq: 1, session: 4 });
    expect(sender.session).toBe(4);
    expect(sender.nextSeq).toBe(2);
    const r = decode(T.event, second.payload);
    expect(r.ok && r.message).toEqual(second.message);
  });

  it('uses random uuids and the wall clock by default', () => {
    const sender = createSender({ session: 0 });
    const before = Date.now();
    const a = sender.encode('cmd', { type: 'ping' }).message;
    const b = sender.encode('cmd', { type: 'ping' }).message;
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(a.ts)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(a.ts)).toBeLessThanOrEqual(Date.now());
  });

  it('starts at startSeq and leaves no seq gap when a message is rejected', () => {
    const sender = createSender({ session: 1, startSeq: 10 });
    expect(sender.encode('cmd', { type: 'ping' }).message.seq).toBe(10);
    expect(() => sender.encode('cmd', { type: 'refilled', pump: 'cuI', volumeUl: -5 })).toThrow(EncodeError);
    expect(sender.nextSeq).toBe(11);
    expect(sender.encode('cmd', { type: 'resume' }).message.seq).toBe(11);
  });

  it('rejects invalid options and clocks', () => {
    for (const options of [{ session: -1 }, { session: 1.5 }, { session: 0, startSeq: -1 }, { session: Number.NaN }]) {
      expect(thrown(() => createSender(options))).toMatchObject({ code: 'INVALID_OPTIONS' });
    }
    const broken = createSender({ session: 0, now: () => Number.NaN });
    expect(thrown(() => broken.encode('cmd', { type: 'ping' }))).toBeInstanceOf(EncodeError);
    expect(broken.nextSeq).toBe(0);
  });

  it('honours maxBytes', () => {
    const sender = createSender({ session: 0, maxBytes: 50 });
    expect(thrown(() => sender.encode('cmd', { type: 'ping' }))).toMatchObject({ code: 'OVERSIZED' });
  });
});
