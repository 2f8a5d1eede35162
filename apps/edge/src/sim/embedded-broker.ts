import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/** An in-process MQTT 3.1.1 broker (aedes) on 127.0.0.1, for `--sim` and tests. */
export interface EmbeddedBroker {
  readonly aedes: Aedes;
  readonly port: number;
  readonly url: string;
  /** Closes the listener and destroys every connection: an outage as clients see it. */
  stop(): Promise<void>;
  /** Listens again on the same port; aedes keeps its sessions (clean: false) and retained messages. */
  restart(): Promise<void>;
  /** Destroys one client's socket (an abrupt disconnect: the broker publishes its will). */
  dropClient(clientId: string): void;
  /** Stops and closes aedes. */
  close(): Promise<void>;
}

/** Starts aedes on `port` (0 = ephemeral) of 127.0.0.1. */
export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  // aedes 1.2's typings do not expose `clients`: track connections by client id from its events.
  const connections = new Map<string, Socket>();
  aedes.on('client', (client) => connections.set(client.id, client.conn as Socket));
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
  return {
    aedes,
    port: bound,
    url: `mqtt://127.0.0.1:${bound}`,
    stop,
    restart: async () => void (await listen(bound)),
    dropClient: (clientId) => {
      const socket = connections.get(clientId);
      if (!socket) throw new Error(`no client ${clientId}`);
      socket.destroy();
    },
    close: async () => {
      await stop();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
