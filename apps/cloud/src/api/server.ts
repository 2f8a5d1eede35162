/** Serves the API over HTTP on the configured address (loopback by default). */
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type ApiDeps } from './app';

/** A listening API server. */
export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the HTTP API; port 0 picks a free one. */
export async function startApiServer(deps: ApiDeps, host: string, port: number): Promise<ApiServer> {
  const app = createApp(deps);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
