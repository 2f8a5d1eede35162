import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/** An in-process MQTT 3.1.1 broker (aedes) on 127.0.0.1, for `--sim` and tests. */
export interface EmbeddedBroker {
  /** The current aedes instance (a new one after {@link restartWithoutPersistence}). */
  readonly aedes: Aedes;
  readonly port: number;
  readonly url: string;
  /** Closes the listener and destroys every connection: an outage as clients see it. */
  stop(): Promise<void>;
  /** Listens again on the same port; aedes keeps its sessions (clean: false) and retained messages. */
  restart(): Promise<void>;
  /**
   * An outage followed by a broker that remembers nothing: a fresh aedes on the same port, without
   * the old sessions, subscriptions, queued QoS 1 messages or retained messages (a broker run
   * without persistence, restarted).
   */
  restartWithoutPersistence(): Promise<void>;
  /** Destroys one client's socket (an abrupt disconnect: the broker publishes its will). */
  dropClient(clientId: string): void;
  /** Stops and closes aedes. */
  close(): Promise<void>;
}

/** Options of {@link startEmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  /** TCP port on 127.0.0.1; 0 (default) = ephemeral. */
  readonly port?: number;
  /** When given, a CONNECT must carry one of these username/password pairs (else: bad credentials). */
  readonly users?: Readonly<Record<string, string>>;
}

/** Starts aedes on `port` (0 = ephemeral) of 127.0.0.1; a number is taken as the port. */
export async function startEmbeddedBroker(options: number | EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const { port = 0, users } = typeof options === 'number' ? { port: options } : options;
  const sockets = new Set<Socket>();
  // aedes 1.2's typings do not expose `clients`: track connections by client id from its events.
  const connections = new Map<string, Socket>();
  const createAedes = async () => {
    const broker = await Aedes.createBroker(
      users === undefined
        ? {}
        : {
            authenticate: (_client, username, password, done) => {
              const ok = username !== undefined && Object.hasOwn(users, username) && password?.toString('utf8') === users[username];
              if (ok) done(null, true);
              else done(Object.assign(new Error('bad username or password'), { returnCode: 4 }), false);
            },
          },
    );
    broker.on('client', (client) => connections.set(client.id, client.conn as Socket));
    return broker;
  };
  let aedes = await createAedes();
  let server: Server | undefined;
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        aedes.handle(socket);
      });
      s.once('error', reject);
      s.listen(p, '127.0.0.1', () => {
        server = s;
        const address = s.address();
        resolve(typeof address === 'object' && address !== null ? address.port : p);
      });
    });
  const bound = await listen(port);
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const closeAedes = (instance: Aedes) => new Promise<void>((resolve) => instance.close(() => resolve()));
  return {
    get aedes() {
      return aedes;
    },
    port: bound,
    url: `mqtt://127.0.0.1:${bound}`,
    stop,
    restart: async () => void (await listen(bound)),
    restartWithoutPersistence: async () => {
      await stop();
      await closeAedes(aedes);
      connections.clear();
      aedes = await createAedes();
      await listen(bound);
    },
    dropClient: (clientId) => {
      const socket = connections.get(clientId);
      if (!socket) throw new Error(`no client ${clientId}`);
      socket.destroy();
    },
    close: async () => {
      await stop();
      await closeAedes(aedes);
    },
  };
}
