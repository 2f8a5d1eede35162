/**
 * The embedded MQTT 3.1.1 broker (aedes) with per-connection authentication and the ACL of
 * acl.ts: the broker of `npm start` and of the tests.
 *
 * @module
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import { mayPublish, mayReceive, maySubscribe } from './acl';
import { clientIdProblem, describeIdentity, type BrokerIdentity, type CredentialVerifier } from './identity';

/** CONNACK return codes (MQTT 3.1.1 section 3.2.2.3). */
const CONNACK = { IDENTIFIER_REJECTED: 2, SERVER_UNAVAILABLE: 3, BAD_USERNAME_OR_PASSWORD: 4 } as const satisfies Record<
  string,
  AuthenticateError['returnCode']
>;

/** Options of {@link startEmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** TCP port; 0 picks an ephemeral port (kept across {@link EmbeddedBroker.restart}). Default 1883. */
  readonly port?: number;
  /** Checks each CONNECT's username and password. */
  readonly verify: CredentialVerifier;
  /** Root or parent logger; the broker logs under `{ module: 'cloud:broker' }`. */
  readonly log: Logger;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** `mqtt://{host}:{port}`. */
  readonly url: string;
  /** The bound port (the real one when started with port 0). */
  readonly port: number;
  /** The current aedes instance (a new one after `restart()` without `keepSessions`). */
  readonly aedes: Aedes;
  /** Whether the listener is up. */
  readonly listening: boolean;
  /**
   * An outage as clients see it: closes the listener and destroys every connection without a
   * DISCONNECT. Sessions stay in memory until {@link EmbeddedBroker.restart}. Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Stops (if running) and listens again on the same port. By default with a fresh aedes: sessions,
   * queued QoS 1 messages and retained messages are gone, like a broker restarted without
   * persistence. With `keepSessions: true` the same aedes instance serves again (memory kept).
   */
  restart(options?: { readonly keepSessions?: boolean }): Promise<void>;
  /**
   * Destroys every connection authenticated as `platformId` (after its credentials were revoked,
   * say; the verifier must refuse it from now on, or it simply reconnects).
   *
   * @returns how many connections were closed.
   */
  disconnectPlatform(platformId: string): number;
  /** Stops for good and closes aedes; `restart()` throws afterwards. Idempotent. */
  close(): Promise<void>;
}

function authError(returnCode: AuthenticateError['returnCode'], message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

/**
 * Starts aedes on `host:port` with authentication and ACL hooks:
 * - `authenticate`: every client needs a username and password that `verify` accepts, else CONNACK
 *   4 (bad username or password); a verifier failure gives 3 (server unavailable); a platform must
 *   use client id `sdfl-edge-{id}`, else 2 (identifier rejected).
 * - `authorizePublish`: a denied PUBLISH (and a denied will) is dropped and logged; aedes then
 *   closes that client's connection (an error from this hook always does, MQTT 3.1.1 section 3.3.5
 *   allows it), so a misbehaving platform also goes offline until it reconnects.
 * - `authorizeSubscribe`: a denied filter is granted as failure (SUBACK 0x80), the connection stays.
 *   Shared subscriptions (`$share/...`) are refused too: aedes 1.2 does not implement them.
 * - `authorizeForward`: every delivery is re-checked against the receiver's identity.
 *
 * @throws when the port cannot be bound (e.g. `EADDRINUSE`).
 * @example
 * ```ts
 * const broker = await startEmbeddedBroker({ port: 0, verify, log });
 * const client = await mqtt.connectAsync(broker.url, { username: 'sdfl-cloud', password, protocolVersion: 4 });
 * ```
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log.child({ module: 'cloud:broker' });
  const { verify } = options;
  const identities = new WeakMap<Client, BrokerIdentity>();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let closed = false;

  const createAedes = () =>
    new Aedes({
      // MQTT 3.1 only: the default 23 cuts `sdfl-edge-{64-character id}`.
      maxClientsIdLength: 256,
      authenticate: (client, username, password, done) => {
        if (username === undefined || password === undefined) {
          log.warn({ clientId: client.id }, 'connect refused: no credentials');
          done(authError(CONNACK.BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
          return;
        }
        verify(username, password.toString('utf8')).then(
          (identity) => {
            if (identity === null) {
              log.warn({ clientId: client.id, username }, 'connect refused: bad username or password');
              done(authError(CONNACK.BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
              return;
            }
            const problem = clientIdProblem(identity, client.id);
            if (problem !== undefined) {
              log.warn({ clientId: client.id, identity: describeIdentity(identity) }, `connect refused: ${problem}`);
              done(authError(CONNACK.IDENTIFIER_REJECTED, problem), false);
              return;
            }
            identities.set(client, identity);
            log.info({ clientId: client.id, identity: describeIdentity(identity) }, 'client authenticated');
            done(null, true);
          },
          (error: unknown) => {
            log.error({ clientId: client.id, username, err: error }, 'connect refused: credential check failed');
            done(authError(CONNACK.SERVER_UNAVAILABLE, 'server unavailable'), false);
          },
        );
      },
      authorizePublish: (client: Client | null, packet: PublishPacket, done) => {
        // client is null only for a will left by a previous broker process; we cannot tell whose.
        const identity = client === null ? undefined : identities.get(client);
        const decision =
          identity === undefined
            ? { allowed: false as const, reason: 'no authenticated identity' }
            : mayPublish(identity, packet.topic);
        if (decision.allowed) {
          done(null);
          return;
        }
        log.warn(
          { clientId: client?.id, identity: describeIdentity(identity), topic: packet.topic, retain: packet.retain },
          `publish denied: ${decision.reason}`,
        );
        done(new Error(`publish denied on ${packet.topic}: ${decision.reason}`));
      },
      authorizeSubscribe: (client: Client, subscription: Subscription, done) => {
        const identity = identities.get(client);
        const decision =
          identity === undefined
            ? { allowed: false as const, reason: 'no authenticated identity' }
            : subscription.topic.startsWith('$share/')
              ? // aedes 1.2 would take it as a literal filter that matches nothing: fail loudly instead.
                { allowed: false as const, reason: 'the embedded broker (aedes 1.2) has no shared subscriptions' }
              : maySubscribe(identity, subscription.topic);
        if (decision.allowed) {
          done(null, subscription);
          return;
        }
        log.warn(
          { clientId: client.id, identity: describeIdentity(identity), filter: subscription.topic },
          `subscribe denied: ${decision.reason}`,
        );
        // null = SUBACK return code 0x80 for this filter (MQTT 3.1.1 section 3.9.3).
        done(null, null);
      },
      authorizeForward: (client, packet) => {
        const identity = identities.get(client);
        return identity !== undefined && mayReceive(identity, packet.topic) ? packet : null;
      },
    });

  let aedes = createAedes();
  await aedes.listen();

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const current = aedes;
      const s = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        current.handle(socket);
      });
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        s.on('error', (error) => log.error({ err: error }, 'listener error'));
        server = s;
        const address = s.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });

  const port = await listen(options.port ?? 1883);
  const url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url }, 'embedded broker listening');

  const stop = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s !== undefined) {
      await new Promise<void>((resolve) => s.close(() => resolve()));
      log.info({ url }, 'embedded broker stopped');
    }
  };
  const closeAedes = (instance: Aedes) => new Promise<void>((resolve) => instance.close(() => resolve()));

  return {
    url,
    port,
    get aedes() {
      return aedes;
    },
    get listening() {
      return server !== undefined;
    },
    stop,
    restart: async (restartOptions) => {
      if (closed) throw new Error('embedded broker is closed');
      await stop();
      if (restartOptions?.keepSessions !== true) {
        await closeAedes(aedes);
        aedes = createAedes();
        await aedes.listen();
      }
      await listen(port);
      log.info({ url, keepSessions: restartOptions?.keepSessions === true }, 'embedded broker restarted');
    },
    disconnectPlatform: (platformId) => {
      // aedes 1.2's typings do not declare `clients` (connected clients by id), but aedes.js has it.
      const clients = (aedes as unknown as { clients: Record<string, Client> }).clients;
      let count = 0;
      for (const client of Object.values(clients)) {
        const identity = identities.get(client);
        if (identity?.kind === 'platform' && identity.platformId === platformId) {
          client.conn.destroy();
          count += 1;
        }
      }
      if (count > 0) log.info({ platformId, connections: count }, 'platform disconnected');
      return count;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await stop();
      await closeAedes(aedes);
    },
  };
}
