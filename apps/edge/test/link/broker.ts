/**
 * A real MQTT broker for tests: aedes 1.2 (MQTT 3.1.1) on a TCP server on 127.0.0.1.
 * `stop()` closes the listener and destroys every client socket (an outage as the clients see it);
 * `restart()` listens again on the same port with the same aedes instance, so persistent sessions
 * (clean: false) and their queued QoS 1 messages survive, as with a broker that persists sessions.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  readonly aedes: Aedes;
  readonly port: number;
  readonly url: string;
  /** Closes the listener and destroys every connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /** Destroys the socket of one client (abrupt disconnect: the broker publishes its will). */
  dropClient(clientId: string): void;
  /** Stops and closes aedes. */
  close(): Promise<void>;
}

export async function startBroker(): Promise<TestBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  // aedes 1.2's typings do not expose `clients`; track connections by client id from its events.
  const connections = new Map<string, Socket>();
  aedes.on('client', (client) => connections.set(client.id, client.conn as Socket));
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        aedes.handle(socket);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        const address = s.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  const port = await listen(0);
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    aedes,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop,
    async restart() {
      await listen(port);
    },
    dropClient(clientId) {
      const socket = connections.get(clientId);
      if (socket === undefined) throw new Error(`no client ${clientId}`);
      socket.destroy();
    },
    async close() {
      await stop();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
