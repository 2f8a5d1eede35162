/** Serves the API over HTTP on the configured address (loopback by default). */
import { serve, type ServerType } from '@hono/node-server';
import { dashboardBundle } from '../web/bundle';
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
  // Build the dashboard now, so its first page does not wait for esbuild.
  dashboardBundle().then(
    (b) => deps.log.debug({ ms: Math.round(b.buildMs) }, 'dashboard bundle built'),
    (error: unknown) => deps.log.error({ err: error }, 'the dashboard bundle failed to build; /ui/ answers 500 until it does'),
  );
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
