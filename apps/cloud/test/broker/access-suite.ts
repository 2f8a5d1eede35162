/**
 * One access-control suite, run against every broker we support (the embedded aedes and a real
 * Mosquitto configured by writeMosquittoFiles), in the manner of aedes' abstract persistence
 * suites: each backend only says how to start a broker for a set of users.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/broker/secrets';
import { platformClientId } from '../../src/broker/identity';
import { connectClient, connectCloud, connectOutcome, connectPlatform, options, settle, type TestClient } from './clients';

/** The users every backend is started with. */
export interface BrokerUsers {
  readonly cloudPassword: string;
  readonly platforms: readonly { readonly id: string; readonly password: string }[];
}

/** A started broker under test. */
export interface BrokerUnderTest {
  readonly url: string;
  stop(): Promise<void>;
}

/** What differs between backends, stated by each backend. */
export interface BackendTraits {
  /** CONNACK code for a wrong password or unknown user: aedes (our hooks) 4; Mosquitto 2.0 answers 5. */
  readonly badCredentialsCode: number;
  /** CONNACK code for a CONNECT without username. */
  readonly noCredentialsCode: number;
  /**
   * SUBACK code of a filter the ACL denies: aedes (our hooks) 128, failure. Mosquitto 2.0's ACL
   * file grants every filter (its default check ignores subscriptions) and filters each delivery
   * by the read rules instead, so it answers the requested QoS and delivers nothing.
   */
  readonly deniedSubackCode: number;
}

const A = 'rig-a';
const B = 'rig-b';

/**
 * Registers the access suite for one backend.
 *
 * @param start - starts a broker that knows exactly `users` (and the cloud user `sdfl-cloud`).
 */
export function describeBrokerAccess(
  name: string,
  start: (users: BrokerUsers) => Promise<BrokerUnderTest>,
  traits: BackendTraits,
  skip = false,
): void {
  describe.skipIf(skip)(`broker access control: ${name}`, () => {
    const users: BrokerUsers = {
      cloudPassword: generateSecret(),
      platforms: [
        { id: A, password: generateSecret() },
        { id: B, password: generateSecret() },
      ],
    };
    const pw = (id: string) => users.platforms.find((p) => p.id === id)!.password;
    let broker: BrokerUnderTest;
    const open: TestClient[] = [];
    const track = async (c: Promise<TestClient>) => {
      const client = await c;
      open.push(client);
      return client;
    };
    const cloud = () => track(connectCloud(broker.url, users.cloudPassword));
    const platform = (id: string) => track(connectPlatform(broker.url, id, pw(id)));

    beforeAll(async () => {
      broker = await start(users);
    }, 30_000);
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.end()));
    });
    afterAll(async () => broker?.stop());

    it('accepts the cloud and each platform with their own credentials', async () => {
      expect(await connectOutcome(broker.url, options('sdfl-cloud', users.cloudPassword, 'sdfl-cloud-ok'))).toBe('connected');
      expect(await connectOutcome(broker.url, options(A, pw(A), platformClientId(A)))).toBe('connected');
    });

    it('refuses a wrong password, an unknown user, and no credentials', async () => {
      const wrong = await connectOutcome(broker.url, options(A, `${pw(A)}x`, platformClientId(A)));
      const othersPassword = await connectOutcome(broker.url, options(A, pw(B), platformClientId(A)));
      const unknown = await connectOutcome(broker.url, options('rig-z', pw(A), platformClientId('rig-z')));
      const cloudWrong = await connectOutcome(broker.url, options('sdfl-cloud', pw(A), 'sdfl-cloud-x'));
      const none = await connectOutcome(broker.url, options(undefined, undefined, 'anonymous-1'));
      expect({ wrong, othersPassword, unknown, cloudWrong, none }).toEqual({
        wrong: traits.badCredentialsCode,
        othersPassword: traits.badCredentialsCode,
        unknown: traits.badCredentialsCode,
        cloudWrong: traits.badCredentialsCode,
        none: traits.noCredentialsCode,
      });
    });

    it("lets nothing through when platform A publishes on B's topics", async () => {
      const observer = await cloud();
      expect(await observer.subscribe(['sdfl/v1/+/result', 'sdfl/v1/+/state', 'sdfl/v1/+/cmd', 'sdfl/v1/#'])).toEqual([1, 1, 1, 1]);
      // Forged result and retained state for B, a command to B or to A, a topic outside the tree.
      // Each on a fresh connection: aedes drops a connection after a denied publish, Mosquitto does not.
      const forgeries = [
        { topic: `sdfl/v1/${B}/result`, payload: 'forged-result', qos: 1, retain: false },
        { topic: `sdfl/v1/${B}/state`, payload: 'forged-state', qos: 1, retain: true },
        { topic: `sdfl/v1/${B}/cmd`, payload: 'forged-cmd', qos: 0, retain: false },
        { topic: `sdfl/v1/${A}/cmd`, payload: 'forged-own-cmd', qos: 1, retain: false },
        { topic: `sdfl/v1/${A}/receipt`, payload: 'forged-own-receipt', qos: 0, retain: false },
        { topic: 'sdfl/v1/forged', payload: 'forged-short', qos: 0, retain: false },
        { topic: '$SYS/forged', payload: 'forged-sys', qos: 0, retain: false },
      ] as const;
      for (const f of forgeries) {
        const a = await platform(A);
        a.client.publish(f.topic, f.payload, { qos: f.qos, retain: f.retain });
        await settle(50);
      }
      const b = await platform(B);
      // B's genuine result is the sentinel: once it is in, wait a grace period for stragglers.
      await b.client.publishAsync(`sdfl/v1/${B}/result`, 'genuine-b', { qos: 1 });
      await observer.waitFor((m) => m.payload === 'genuine-b');
      await settle();
      expect(observer.received.filter((m) => m.payload.includes('forged'))).toEqual([]);
      // A late subscriber sees no forged retained state for B either.
      const late = await cloud();
      await late.subscribe([`sdfl/v1/${B}/state`]);
      await settle();
      expect(late.received).toEqual([]);
    });

    it("publishes A's own will, never a will A set on B's state", async () => {
      const observer = await cloud();
      await observer.subscribe(['sdfl/v1/+/state']);
      const withWill = async (topic: string, payload: string) => {
        const c = await connectClient(broker.url, {
          ...options(A, pw(A), platformClientId(A)),
          will: { topic, payload: Buffer.from(payload), qos: 1, retain: true },
        });
        c.client.stream.destroy(); // an abrupt loss: the broker publishes the will (MQTT 3.1.1 section 3.1.2.5)
        await c.end();
      };
      // Neither broker checks the will at CONNECT; both check it when they would publish it.
      await withWill(`sdfl/v1/${B}/state`, 'forged-will');
      await withWill(`sdfl/v1/${A}/state`, 'own-will');
      await observer.waitFor((m) => m.payload === 'own-will');
      await settle();
      expect(observer.received.map((m) => m.payload)).toEqual(['own-will']);
      await observer.client.publishAsync(`sdfl/v1/${A}/state`, '', { qos: 1, retain: true });
    });

    it("gives platform A none of B's traffic through sdfl/# or B's own topics", async () => {
      const a = await platform(A);
      const b = await platform(B);
      const granted = await a.subscribe(['sdfl/#', `sdfl/v1/${B}/cmd`, `sdfl/v1/${B}/receipt`, 'sdfl/v1/+/cmd', '#']);
      // aedes refuses each filter with 0x80 (MQTT 3.1.1 section 3.9.3); A stays connected either way.
      expect(granted).toEqual(Array(5).fill(traits.deniedSubackCode));
      expect(await b.subscribe([`sdfl/v1/${B}/cmd`])).toEqual([1]);
      const c = await cloud();
      await c.client.publishAsync(`sdfl/v1/${B}/cmd`, 'cmd-for-b', { qos: 1 });
      await c.client.publishAsync(`sdfl/v1/${B}/receipt`, 'receipt-for-b', { qos: 1 });
      await b.client.publishAsync(`sdfl/v1/${B}/result`, 'result-of-b', { qos: 1 });
      await b.waitFor((m) => m.payload === 'cmd-for-b');
      await settle();
      expect(a.received).toEqual([]);
      expect(a.client.connected).toBe(true);
    });

    it("carries A's own traffic both ways", async () => {
      const c = await cloud();
      await c.subscribe([`sdfl/v1/${A}/result`, `sdfl/v1/${A}/state`]);
      const a = await platform(A);
      expect(await a.subscribe([`sdfl/v1/${A}/cmd`, `sdfl/v1/${A}/receipt`])).toEqual([1, 1]);
      await a.client.publishAsync(`sdfl/v1/${A}/state`, 'birth-a', { qos: 1, retain: true });
      await a.client.publishAsync(`sdfl/v1/${A}/result`, 'result-a', { qos: 1 });
      await c.client.publishAsync(`sdfl/v1/${A}/cmd`, 'cmd-a', { qos: 1 });
      await c.client.publishAsync(`sdfl/v1/${A}/receipt`, 'receipt-a', { qos: 1 });
      await c.waitFor((m) => m.payload === 'result-a');
      await c.waitFor((m) => m.payload === 'birth-a');
      await a.waitFor((m) => m.payload === 'cmd-a');
      await a.waitFor((m) => m.payload === 'receipt-a');
      // The retained birth reaches a cloud that subscribes later.
      const late = await cloud();
      await late.subscribe([`sdfl/v1/+/state`]);
      expect((await late.waitFor((m) => m.topic === `sdfl/v1/${A}/state`)).payload).toBe('birth-a');
      await c.client.publishAsync(`sdfl/v1/${A}/state`, '', { qos: 1, retain: true }); // the cloud clears it
    });

    it('shows the cloud every platform through sdfl/v1/+/result', async () => {
      const c = await cloud();
      expect(await c.subscribe(['sdfl/v1/+/result'])).toEqual([1]);
      const a = await platform(A);
      const b = await platform(B);
      await a.client.publishAsync(`sdfl/v1/${A}/result`, 'from-a', { qos: 1 });
      await b.client.publishAsync(`sdfl/v1/${B}/result`, 'from-b', { qos: 1 });
      const fromA = await c.waitFor((m) => m.payload === 'from-a');
      const fromB = await c.waitFor((m) => m.payload === 'from-b');
      expect([fromA.topic, fromB.topic]).toEqual([`sdfl/v1/${A}/result`, `sdfl/v1/${B}/result`]);
    });

    it('keeps the cloud out of $SYS and a platform out of its own result topic', async () => {
      const c = await cloud();
      expect(await c.subscribe(['$SYS/#', 'sdfl/v1/+/result'])).toEqual([traits.deniedSubackCode, 1]);
      const a = await platform(A);
      expect(await a.subscribe([`sdfl/v1/${A}/result`, `sdfl/v1/${A}/cmd`])).toEqual([traits.deniedSubackCode, 1]);
      await a.client.publishAsync(`sdfl/v1/${A}/result`, 'echo?', { qos: 1 });
      await c.waitFor((m) => m.payload === 'echo?');
      await settle();
      // Both brokers publish $SYS topics (aedes heartbeats every minute, Mosquitto every 10 s); none may arrive.
      expect(c.received.filter((m) => m.topic.startsWith('$SYS'))).toEqual([]);
      expect(a.received).toEqual([]);
    });
  });
}
