import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  ProtocolError,
  createDecoder,
  decode,
  encode,
  messageSchemas,
  topics,
  type DecodeErrorCode,
  type DecodeResult,
} from '../src/index';
import { condition, envelope, ID_A, sample } from './fixtures';

const T = topics('rig-1');
const ping = encode('cmd', { type: 'ping' }, envelope);
const utf8 = new TextEncoder();

function expectError(r: DecodeResult, code: DecodeErrorCode): { detail: string; messageId?: string } {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.code).toBe(code);
  expect(r.error.detail).toBeTypeOf('string');
  expect(r.error.detail.length).toBeGreaterThan(0);
  return r.error;
}

/** A valid cmd message as a mutable JSON object. */
function pingJson(): Record<string, unknown> {
  return JSON.parse(ping) as Record<string, unknown>;
}

describe('decode: success', () => {
  it('accepts strings, Uint8Arrays and Buffers', () => {
    for (const payload of [ping, utf8.encode(ping), Buffer.from(ping)]) {
      const r = decode(T.cmd, payload);
      expect(r).toMatchObject({ ok: true, kind: 'cmd', topic: { platform: 'rig-1', kind: 'cmd' } });
    }
  });

  it('accepts a payload of exactly maxBytes, counting UTF-8 bytes', () => {
    const body = { type: 'pause', reason: 'é'.repeat(100) } as const;
    const payload = encode('cmd', body, envelope);
    const bytes = utf8.encode(payload).byteLength;
    expect(decode(T.cmd, payload, { maxBytes: bytes }).ok).toBe(true);
    expect(decode(T.cmd, utf8.encode(payload), { maxBytes: bytes }).ok).toBe(true);
  });

  it('skips a UTF-8 byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode(ping)]);
    expect(decode(T.cmd, bytes).ok).toBe(true);
  });
});

describe('decode: expect', () => {
  it('narrows to one kind and refuses the others as UNKNOWN_TOPIC', () => {
    const r = decode(T.cmd, ping, { expect: 'cmd' });
    expectTypeOf(r).toEqualTypeOf<DecodeResult<'cmd'>>();
    if (!r.ok) return expect.fail(r.error.detail);
    expectTypeOf(r.message.body.type).toEqualTypeOf<'enqueue' | 'cancel' | 'pause' | 'resume' | 'abort' | 'clearSafe' | 'modelSnapshot' | 'refilled' | 'ping'>();
    expect(r.message.body).toEqual({ type: 'ping' });
    const other = decode(T.result, ping, { expect: 'cmd' });
    expect(expectError(other, 'UNKNOWN_TOPIC').detail).toBe('expected a cmd topic, got result');
    expect(other.ok === false && other.topic).toEqual({ platform: 'rig-1', kind: 'result' });
    const strict = createDecoder({ expect: 'ack', maxBytes: 1024 });
    expectTypeOf(strict).returns.toEqualTypeOf<DecodeResult<'ack'>>();
    expectError(strict(T.cmd, ping), 'UNKNOWN_TOPIC');
  });
});

describe('decode: error codes', () => {
  it('UNKNOWN_TOPIC for a topic outside the tree, before looking at the payload', () => {
    const r = decode('sdfl/v1/rig-1/bogus', 'not even json');
    expectError(r, 'UNKNOWN_TOPIC');
    expect(r.ok === false && r.topic).toBe(undefined);
    expectError(decode('sdfl/v1/a/b/cmd', ping), 'UNKNOWN_TOPIC');
    expectError(decode(undefined as unknown as string, ping), 'UNKNOWN_TOPIC');
  });

  it('OVERSIZED before parsing, for bytes and strings, default 1 MiB', () => {
    const huge = 'x'.repeat(DEFAULT_MAX_PAYLOAD_BYTES + 1); // not JSON: size must be checked first
    expectError(decode(T.cmd, huge), 'OVERSIZED');
    expectError(decode(T.cmd, new Uint8Array(DEFAULT_MAX_PAYLOAD_BYTES + 1)), 'OVERSIZED');
    expectError(decode(T.cmd, ping, { maxBytes: 10 }), 'OVERSIZED');
    expect(decode(T.cmd, ping, { maxBytes: 10 })).toMatchObject({ topic: { platform: 'rig-1', kind: 'cmd' } });
  });

  it('OVERSIZED counts multi-byte characters, not UTF-16 units', () => {
    const payload = JSON.stringify({ ...pingJson(), pad: '\u{1F600}'.repeat(100) }); // 4 bytes per 2 units
    const units = payload.length;
    const bytes = utf8.encode(payload).byteLength;
    expect(bytes).toBeGreaterThan(units);
    expectError(decode(T.cmd, payload, { maxBytes: units }), 'OVERSIZED');
    expect(decode(T.cmd, payload, { maxBytes: bytes }).ok).toBe(true);
    const cjk = JSON.stringify({ ...pingJson(), pad: '\u4e2d'.repeat(300) }); // 3 bytes per unit
    expectError(decode(T.cmd, cjk, { maxBytes: utf8.encode(cjk).byteLength - 1 }), 'OVERSIZED');
  });

  it('OVERSIZED counts an unpaired surrogate as 3 bytes, as UTF-8 encoders replace it', () => {
    const payload = JSON.stringify({ ...pingJson(), pad: '\ud800x'.repeat(200) });
    const bytes = utf8.encode(payload).byteLength;
    expect(decode(T.cmd, payload, { maxBytes: bytes }).ok).toBe(true);
    expectError(decode(T.cmd, payload, { maxBytes: bytes - 1 }), 'OVERSIZED');
  });

  it('MALFORMED_JSON for text that is not JSON', () => {
    for (const payload of ['', 'hello', '{"v":1', '{v:1}', "{'v':1}", '[1,]', 'NaN', '{"a":1}}']) {
      expectError(decode(T.cmd, payload), 'MALFORMED_JSON');
    }
  });

  it('MALFORMED_JSON for bytes that are not UTF-8', () => {
    const cases = [
      [0xff],
      [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d], // overlong '/'
      [0x22, 0xed, 0xa0, 0x80, 0x22], // encoded lone surrogate U+D800
      [0x22, 0xe2, 0x82, 0x22], // truncated sequence
      [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
    ];
    for (const bytes of cases) {
      expect(expectError(decode(T.cmd, new Uint8Array(bytes)), 'MALFORMED_JSON').detail).toMatch(/UTF-8/);
    }
  });

  it('MALFORMED_JSON for a payload that is neither bytes nor string', () => {
    for (const payload of [undefined, null, 42, {}, [1, 2]]) {
      expectError(decode(T.cmd, payload as string), 'MALFORMED_JSON');
    }
  });

  it('UNSUPPORTED_VERSION for another integer major, with the message id', () => {
    for (const v of [0, 2, 99, -1]) {
      const error = expectError(decode(T.cmd, JSON.stringify({ ...pingJson(), v })), 'UNSUPPORTED_VERSION');
      expect(error.messageId).toBe(ID_A);
      expect(error.detail).toContain(`v=${v}`);
    }
    // A v2 message may have any shape; only `v` is read.
    expectError(decode(T.cmd, '{"v":2,"whatever":[]}'), 'UNSUPPORTED_VERSION');
  });

  it('INVALID_PAYLOAD for a malformed v, a non-object, or a missing envelope', () => {
    for (const v of ['1', 1.5, null, true]) {
      expectError(decode(T.cmd, JSON.stringify({ ...pingJson(), v })), 'INVALID_PAYLOAD');
    }
    const { v: _v, ...noVersion } = pingJson();
    expectError(decode(T.cmd, JSON.stringify(noVersion)), 'INVALID_PAYLOAD');
    for (const payload of ['[]', 'null', '1', '"ping"', 'true']) {
      expect(expectError(decode(T.cmd, payload), 'INVALID_PAYLOAD').detail).toMatch(/expected a JSON object/);
    }
  });

  it('INVALID_PAYLOAD lists the paths of the violations', () => {
    const bad = {
      ...pingJson(),
      seq: -1,
      body: { type: 'enqueue', experiments: [{ experimentId: 'e', condition: { ...condition, temperatureC: 'hot' } }] },
    };
    const r = decode(T.cmd, JSON.stringify(bad));
    const error = expectError(r, 'INVALID_PAYLOAD');
    expect(error.detail).toContain('seq');
    expect(error.detail).toContain('body.experiments.0.condition.temperatureC');
    expect(error.messageId).toBe(ID_A);
    expect(r.ok === false && r.error.issues?.map((i) => i.path.join('.'))).toEqual([
      'seq',
      'body.experiments.0.condition.temperatureC',
    ]);
    expect(r.ok === false && r.topic).toEqual({ platform: 'rig-1', kind: 'cmd' });
  });

  it('INVALID_PAYLOAD checks the body against the topic kind', () => {
    // A valid command sent to the result topic.
    expectError(decode(T.result, ping), 'INVALID_PAYLOAD');
  });

  it('bounds the issue list and detail of a huge invalid payload', () => {
    const experiments = Array.from({ length: 5000 }, () => ({ experimentId: 1, condition: 'x' }));
    const r = decode(T.cmd, JSON.stringify({ ...pingJson(), body: { type: 'enqueue', experiments } }));
    expectError(r, 'INVALID_PAYLOAD');
    if (r.ok) return;
    expect(r.error.issues!.length).toBeLessThanOrEqual(20);
    expect(r.error.detail.length).toBeLessThanOrEqual(2100);
    const longKey = { ...pingJson(), body: { type: 'refilled', pump: 'k'.repeat(100_000), volumeUl: 1 } };
    const r2 = decode(T.cmd, JSON.stringify(longKey));
    expect(r2.ok === false && r2.error.detail.length).toBeLessThanOrEqual(2100);
  });

  it('omits messageId when the id is not a uuid', () => {
    const r = decode(T.cmd, JSON.stringify({ ...pingJson(), id: 'nope' }));
    expect(expectError(r, 'INVALID_PAYLOAD').messageId).toBeUndefined();
  });
});

describe('decode: forward compatibility', () => {
  it('ignores unknown fields in the envelope, the body and nested objects', () => {
    const done = sample('result done').body as Record<string, unknown> & { features: object; condition: object };
    const message = {
      v: 1,
      ...envelope,
      priority: 'high',
      body: {
        ...done,
        operatorNote: 'from v1.3',
        condition: { ...done.condition, pressureBar: 2 },
        features: { ...done.features, plQuantumYield: 0.4 },
      },
    };
    const r = decode(T.result, JSON.stringify(message));
    expect(r.ok).toBe(true);
    if (!r.ok || r.kind !== 'result') return;
    expect(r.message).not.toHaveProperty('priority');
    expect(r.message.body).not.toHaveProperty('operatorNote');
    expect(r.message.body.condition).toEqual(condition);
    expect(r.message.body.features).not.toHaveProperty('plQuantumYield');
  });

  it('ignores unknown fields in every command variant', () => {
    const r = decode(T.cmd, JSON.stringify({ ...pingJson(), body: { type: 'ping', echo: 'hello' } }));
    expect(r.ok && r.message.body).toEqual({ type: 'ping' });
  });

  it('keeps an opaque model snapshot as sent, without prototype pollution', () => {
    const payload = `{"v":1,"id":"${ID_A}","ts":"2025-01-31T12:00:00Z","seq":0,"session":0,"body":{"type":"modelSnapshot","version":"1","snapshot":{"__proto__":{"polluted":true},"w":[1,2]}}}`;
    const r = decode(T.cmd, payload);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (r.ok && r.kind === 'cmd' && r.message.body.type === 'modelSnapshot') {
      expect(r.message.body.snapshot.w).toEqual([1, 2]);
    }
  });
});

describe('decode: defence in depth', () => {
  it('turns an unexpected validator exception into INVALID_PAYLOAD instead of throwing', () => {
    const spy = vi.spyOn(messageSchemas.cmd, 'safeParse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      const error = expectError(decode(T.cmd, ping), 'INVALID_PAYLOAD');
      expect(error.detail).toContain('Maximum call stack');
    } finally {
      spy.mockRestore();
    }
    expect(decode(T.cmd, ping).ok).toBe(true);
  });
});

describe('decode options', () => {
  it('createDecoder validates options once', () => {
    expect(() => createDecoder({ maxBytes: -1 })).toThrow(ProtocolError);
    expect(() => createDecoder({ maxBytes: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    const small = createDecoder({ maxBytes: 16 });
    expectError(small(T.cmd, ping), 'OVERSIZED');
    expect(createDecoder()(T.cmd, ping).ok).toBe(true);
  });

  it('decode falls back to the default cap on nonsense options instead of throwing', () => {
    expect(decode(T.cmd, ping, { maxBytes: Number.NaN }).ok).toBe(true);
    expect(decode(T.cmd, ping, { maxBytes: 'big' as unknown as number }).ok).toBe(true);
    expectError(decode(T.cmd, ping, null as unknown as object), 'INVALID_PAYLOAD');
  });
});
