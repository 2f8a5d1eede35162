import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_TOPICS_FILTER,
  CLOUD_SUBSCRIPTIONS,
  MESSAGE_KINDS,
  ProtocolError,
  TopicError,
  assertPlatformId,
  edgeSubscriptions,
  isPlatformId,
  parseTopic,
  platformIdProblem,
  platformIdSchema,
  sharedSubscription,
  subscriptionFilter,
  topicFor,
  topics,
} from '../src/index';

/** MQTT 3.1.1 section 4.7 topic filter matching, enough to check our filters. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const INVALID_IDS: [string, string][] = [
  ['empty', ''],
  ['slash', 'rig/1'],
  ['plus', 'rig+1'],
  ['hash', 'rig#1'],
  ['lone wildcard', '+'],
  ['leading space', ' rig'],
  ['inner space', 'rig 1'],
  ['tab', 'rig\t1'],
  ['newline', 'rig\n'],
  ['NUL', 'rig\u0000'],
  ['DEL', 'rig\u007f'],
  ['C1 control (NEL)', 'rig\u0085'],
  ['no-break space', 'rig\u00a0'],
  ['ideographic space', 'rig\u3000'],
  ['zero-width space', 'rig\u200b'],
  ['byte order mark', '\ufeffrig'],
  ['lone high surrogate', 'rig\ud800'],
  ['lone low surrogate', '\udc00rig'],
  ['non-character', 'rig\uffff'],
  ['65 characters', 'a'.repeat(65)],
  ['65 astral characters', '\u{1F600}'.repeat(65)],
  ['a megabyte', 'a'.repeat(1_048_576)],
];

const VALID_IDS = ['a', 'rig-1', 'Rig_01.lab-b', 'a'.repeat(64), 'réacteur-1', '\u{1F600}'.repeat(64), '$SYS', 'v1'];

describe('platform ids', () => {
  it.each(INVALID_IDS)('rejects %s', (_label, id) => {
    expect(isPlatformId(id)).toBe(false);
    expect(platformIdProblem(id)).toBeTypeOf('string');
    expect(() => assertPlatformId(id)).toThrow(TopicError);
    expect(() => topics(id)).toThrow(TopicError);
    expect(() => topicFor(id, 'state')).toThrow(TopicError);
    expect(platformIdSchema.safeParse(id).success).toBe(false);
  });

  it.each(VALID_IDS)('accepts %s', (id) => {
    expect(platformIdProblem(id)).toBeUndefined();
    expect(() => assertPlatformId(id)).not.toThrow();
    expect(platformIdSchema.parse(id)).toBe(id);
  });

  it('rejects non-strings without throwing from the predicate', () => {
    for (const value of [undefined, null, 1, {}, ['rig']]) {
      expect(isPlatformId(value)).toBe(false);
      expect(() => assertPlatformId(value)).toThrow(TopicError);
    }
  });

  it('throws a TopicError with the INVALID_PLATFORM code and a bounded message', () => {
    const error = (() => {
      try {
        topics('x'.repeat(100_000));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'INVALID_PLATFORM', name: 'TopicError' });
    expect((error as Error).message.length).toBeLessThan(300);
  });
});

describe('topic builders', () => {
  it('builds all seven topics of a platform', () => {
    const t = topics('rig-1');
    expect(t).toEqual({
      state: 'sdfl/v1/rig-1/state',
      telemetry: 'sdfl/v1/rig-1/telemetry',
      cmd: 'sdfl/v1/rig-1/cmd',
      ack: 'sdfl/v1/rig-1/ack',
      result: 'sdfl/v1/rig-1/result',
      event: 'sdfl/v1/rig-1/event',
      receipt: 'sdfl/v1/rig-1/receipt',
    });
    expect(Object.isFrozen(t)).toBe(true);
    expect(topicFor('rig-1', 'ack')).toBe(t.ack);
  });

  it('parses every kind it builds, for arbitrary valid platform ids', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }).filter(isPlatformId),
        fc.constantFrom(...MESSAGE_KINDS),
        (platform, kind) => {
          expect(parseTopic(topicFor(platform, kind))).toEqual({ ok: true, topic: { platform, kind } });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseTopic', () => {
  it.each(MESSAGE_KINDS)('parses sdfl/v1/rig-1/%s', (kind) => {
    expect(parseTopic(`sdfl/v1/rig-1/${kind}`)).toEqual({ ok: true, topic: { platform: 'rig-1', kind } });
  });

  it.each([
    'sdfl/v1/rig-1/unknown',
    'sdfl/v1/rig-1/State',
    'sdfl/v2/rig-1/state',
    'SDFL/v1/rig-1/state',
    '/sdfl/v1/rig-1/state',
    'sdfl/v1/rig-1/state/',
    'sdfl/v1/rig-1/state/extra',
    'sdfl/v1/rig-1',
    'sdfl/v1/state',
    'sdfl/v1//state',
    'sdfl/v1/a/b/state',
    'sdfl/v1/+/state',
    'sdfl/v1/#',
    'sdfl/v1/rig 1/state',
    `sdfl/v1/${'a'.repeat(65)}/state`,
    '$share/g/sdfl/v1/rig-1/state',
    '',
  ])('rejects %j as UNKNOWN_TOPIC', (topic) => {
    const r = parseTopic(topic);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNKNOWN_TOPIC');
      expect(r.error.detail.length).toBeGreaterThan(0);
    }
  });

  it('never throws, whatever it is given', () => {
    for (const value of [undefined, null, 42, {}, Symbol('x'), 'sdfl/v1/' + 'x'.repeat(1_000_000) + '/state']) {
      const r = parseTopic(value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.detail.length).toBeLessThan(400);
    }
  });
});

describe('subscription filters', () => {
  it('has one wildcard filter per kind', () => {
    expect(subscriptionFilter('result')).toBe('sdfl/v1/+/result');
    expect(ALL_TOPICS_FILTER).toBe('sdfl/v1/#');
  });

  it('gives the cloud every edge-to-cloud kind and not commands', () => {
    expect([...CLOUD_SUBSCRIPTIONS].sort()).toEqual(
      ['sdfl/v1/+/ack', 'sdfl/v1/+/event', 'sdfl/v1/+/result', 'sdfl/v1/+/state', 'sdfl/v1/+/telemetry'].sort(),
    );
    const t = topics('rig-7');
    for (const kind of ['state', 'telemetry', 'ack', 'result', 'event'] as const) {
      expect(CLOUD_SUBSCRIPTIONS.some((f) => matches(f, t[kind]))).toBe(true);
    }
    expect(CLOUD_SUBSCRIPTIONS.some((f) => matches(f, t.cmd))).toBe(false);
    expect(CLOUD_SUBSCRIPTIONS.some((f) => matches(f, t.receipt))).toBe(false);
  });

  it('gives an edge only its own command and receipt topics', () => {
    expect(edgeSubscriptions('rig-1')).toEqual(['sdfl/v1/rig-1/cmd', 'sdfl/v1/rig-1/receipt']);
    expect(matches(edgeSubscriptions('rig-1')[0]!, topics('rig-2').cmd)).toBe(false);
    expect(() => edgeSubscriptions('a/b')).toThrow(TopicError);
  });

  it('builds shared subscriptions with a validated group', () => {
    expect(sharedSubscription('ingest', subscriptionFilter('result'))).toBe('$share/ingest/sdfl/v1/+/result');
    expect(() => sharedSubscription('a/b', ALL_TOPICS_FILTER)).toThrow(TopicError);
    expect(() => sharedSubscription('', ALL_TOPICS_FILTER)).toThrow(TopicError);
  });

  it('matches filters against built topics as MQTT does', () => {
    expect(matches(ALL_TOPICS_FILTER, topics('x').telemetry)).toBe(true);
    expect(matches(subscriptionFilter('event'), topics('x').event)).toBe(true);
    expect(matches(subscriptionFilter('event'), topics('x').state)).toBe(false);
  });
});
