import fc from 'fast-check';
import { CLOUD_TO_EDGE_KINDS, EDGE_TO_CLOUD_KINDS, MESSAGE_KINDS, topicFor } from '@sdfl/protocol';
import { describe, expect, it } from 'vitest';
import { mayPublish, mayReceive, maySubscribe, topicFilterProblem } from '../../src/broker/acl';
import { brokerPlatformIdProblem, clientIdProblem, platformClientId, type BrokerIdentity } from '../../src/broker/identity';

const cloud: BrokerIdentity = { kind: 'cloud' };
const rigA: BrokerIdentity = { kind: 'platform', platformId: 'rig-a' };

const allowed = (d: { allowed: boolean }) => d.allowed;

describe('broker ACL: platforms', () => {
  it('publishes exactly its own edge-to-cloud kinds', () => {
    for (const kind of MESSAGE_KINDS) {
      const own = (EDGE_TO_CLOUD_KINDS as readonly string[]).includes(kind);
      expect(allowed(mayPublish(rigA, topicFor('rig-a', kind))), kind).toBe(own);
      expect(allowed(mayPublish(rigA, topicFor('rig-b', kind))), `rig-b ${kind}`).toBe(false);
    }
  });

  it("may not publish another platform's result or retained state", () => {
    const d = mayPublish(rigA, 'sdfl/v1/rig-b/result');
    expect(d).toEqual({ allowed: false, reason: expect.stringContaining('rig-b') });
    expect(allowed(mayPublish(rigA, 'sdfl/v1/rig-b/state'))).toBe(false);
  });

  it('subscribes only to the exact topics of its own commands and receipts', () => {
    for (const kind of CLOUD_TO_EDGE_KINDS) expect(allowed(maySubscribe(rigA, topicFor('rig-a', kind)))).toBe(true);
    const denied = [
      'sdfl/#',
      '#',
      '+/#',
      'sdfl/v1/#',
      'sdfl/v1/+/cmd',
      'sdfl/v1/rig-a/#',
      'sdfl/v1/rig-a/+',
      'sdfl/v1/rig-b/cmd',
      'sdfl/v1/rig-a/result',
      'sdfl/v1/rig-a/state',
      '$share/g/sdfl/v1/rig-a/cmd',
      '$SYS/#',
      'sdfl/v1/rig-a/cmd/extra',
      'sdfl/v1/rig-a//cmd',
      'SDFL/v1/rig-a/cmd',
    ];
    for (const filter of denied) expect(allowed(maySubscribe(rigA, filter)), filter).toBe(false);
  });

  it('receives only its own commands and receipts', () => {
    expect(mayReceive(rigA, 'sdfl/v1/rig-a/cmd')).toBe(true);
    expect(mayReceive(rigA, 'sdfl/v1/rig-a/receipt')).toBe(true);
    expect(mayReceive(rigA, 'sdfl/v1/rig-b/cmd')).toBe(false);
    expect(mayReceive(rigA, 'sdfl/v1/rig-a/result')).toBe(false);
  });
});

describe('broker ACL: the cloud', () => {
  it('publishes commands, receipts and state for any platform, nothing edge-side', () => {
    for (const kind of MESSAGE_KINDS) {
      const ok = kind === 'cmd' || kind === 'receipt' || kind === 'state';
      expect(allowed(mayPublish(cloud, topicFor('rig-b', kind))), kind).toBe(ok);
    }
    expect(allowed(mayPublish(cloud, 'other/topic'))).toBe(false);
    expect(allowed(mayPublish(cloud, '$SYS/broker/x'))).toBe(false);
  });

  it('subscribes to anything under sdfl/v1/, wildcards and shared subscriptions included', () => {
    const ok = ['sdfl/v1/+/result', 'sdfl/v1/#', 'sdfl/v1/rig-a/state', '$share/ingest/sdfl/v1/+/result', 'sdfl/v1/+/+'];
    for (const filter of ok) expect(allowed(maySubscribe(cloud, filter)), filter).toBe(true);
    const denied = ['#', 'sdfl/#', '+/v1/#', '$SYS/#', 'other/#', '$share/ingest/#', '$share//sdfl/v1/#', '$share/ingest', 'sdfl/v1/a#', 'sdfl/v1/#/x', 'sdfl/v1/+x/result'];
    for (const filter of denied) expect(allowed(maySubscribe(cloud, filter)), filter).toBe(false);
  });

  it('receives every protocol topic and nothing else', () => {
    expect(mayReceive(cloud, 'sdfl/v1/rig-a/result')).toBe(true);
    expect(mayReceive(cloud, 'sdfl/v1/rig-a/nonsense')).toBe(false);
    expect(mayReceive(cloud, '$SYS/broker/uptime')).toBe(false);
  });
});

describe('broker identities', () => {
  it('reserves the cloud username and keeps the protocol id rules', () => {
    expect(brokerPlatformIdProblem('sdfl-cloud')).toMatch(/reserved/);
    expect(brokerPlatformIdProblem('rig/1')).toBeDefined();
    expect(brokerPlatformIdProblem('rig-1')).toBeUndefined();
  });

  it('binds a platform to its client id so no one else can take over its session', () => {
    expect(clientIdProblem(rigA, platformClientId('rig-a'))).toBeUndefined();
    expect(clientIdProblem(rigA, 'sdfl-edge-rig-b')).toBeDefined();
    expect(clientIdProblem(rigA, 'anything')).toBeDefined();
    expect(clientIdProblem(cloud, 'sdfl-cloud-engine-1')).toBeUndefined();
    expect(clientIdProblem(cloud, 'sdfl-edge-rig-a')).toBeDefined();
  });

  it('validates filters as MQTT 3.1.1 section 4.7 does', () => {
    for (const f of ['a/b', '#', '+', 'a/+/b', 'a/#', '/']) expect(topicFilterProblem(f), f).toBeUndefined();
    for (const f of ['', 'a#', 'a/#/b', 'a+/b', 'a/b+', 'a\u0000b']) expect(topicFilterProblem(f), f).toBeDefined();
  });
});

/** Topic levels that hostile clients try: wildcards, separators, $SYS, unicode, control characters. */
const hostileLevel = fc.oneof(
  fc.constantFrom('+', '#', '', '$SYS', 'sdfl', 'v1', 'rig-a', 'rig-b', 'cmd', 'result', 'state', '..', ' ', '\u0000', '\u200b', 'rig-a\u0000', 'ríg-á', '🧪'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const hostileTopic = fc.array(hostileLevel, { minLength: 1, maxLength: 7 }).map((levels) => levels.join('/'));
const withPrefix = fc.tuple(fc.constantFrom('', 'sdfl/v1/', 'sdfl/v1/rig-a/', '$share/g/', '$share/g/sdfl/v1/', '/'), hostileTopic).map(([p, t]) => p + t);

describe('broker ACL properties (hostile topics)', () => {
  const ownTopics = new Set([...EDGE_TO_CLOUD_KINDS].map((k) => `sdfl/v1/rig-a/${k}`));
  const ownSubscriptions = new Set([...CLOUD_TO_EDGE_KINDS].map((k) => `sdfl/v1/rig-a/${k}`));

  it('a platform publishes on exactly its five own topics', () => {
    fc.assert(
      fc.property(withPrefix, (topic) => {
        expect(allowed(mayPublish(rigA, topic))).toBe(ownTopics.has(topic));
      }),
      { numRuns: 3000 },
    );
  });

  it('a platform subscribes to exactly its two own topics', () => {
    fc.assert(
      fc.property(withPrefix, (filter) => {
        expect(allowed(maySubscribe(rigA, filter))).toBe(ownSubscriptions.has(filter));
      }),
      { numRuns: 3000 },
    );
  });

  it('nothing allowed to a platform names another platform, and no allowed topic has a wildcard', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.constantFrom(...MESSAGE_KINDS), (id, kind) => {
        const topic = `sdfl/v1/${id}/${kind}`;
        if (id !== 'rig-a') {
          expect(allowed(mayPublish(rigA, topic))).toBe(false);
          expect(allowed(maySubscribe(rigA, topic))).toBe(false);
          expect(mayReceive(rigA, topic)).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('whatever the cloud may subscribe to lies under sdfl/v1/ and is a valid filter', () => {
    fc.assert(
      fc.property(withPrefix, (filter) => {
        if (!allowed(maySubscribe(cloud, filter))) return;
        const plain = filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter;
        expect(plain.startsWith('sdfl/v1/')).toBe(true);
        expect(topicFilterProblem(plain)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('the cloud never publishes on a wildcard, $SYS or an edge-to-cloud kind other than state', () => {
    fc.assert(
      fc.property(withPrefix, (topic) => {
        if (!allowed(mayPublish(cloud, topic))) return;
        expect(topic).not.toMatch(/[+#]/);
        expect(topic).toMatch(/^sdfl\/v1\/[^/]+\/(cmd|receipt|state)$/);
      }),
      { numRuns: 3000 },
    );
  });
});
