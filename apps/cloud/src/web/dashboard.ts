/**
 * Serves the dashboard: `/` redirects to `/ui/`, `/ui/` (and every page below it, the router is
 * client-side) is one HTML shell, `/ui/assets/*` the esbuild bundle. The pages call the same HTTP
 * API as the CLI with the token the user signs in with; serving them needs no token.
 *
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import type { ApiEnv } from '../api/app';
import { ApiError } from '../api/errors';
import { dashboardBundle } from './bundle';

/** Paths the dashboard serves without a token. */
export const PUBLIC_DASHBOARD_PATHS = ['/', /^\/ui(\/.*)?$/];

const SHELL = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sdfl dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/assets/app.css">
</head><body><div id="app"><p class="boot">Loading the dashboard…</p></div>
<noscript>The dashboard needs JavaScript; the same data is in the HTTP API (/docs) and the sdfl CLI.</noscript>
<script type="module" src="/ui/assets/app.js"></script></body></html>`;

export function dashboardRoutes(app: OpenAPIHono<ApiEnv>): void {
  app.get('/', (c) => c.redirect('/ui/'));
  app.get('/ui', (c) => c.redirect('/ui/'));
  // The bundle is ~850 kB (vega is most of it); gzip takes it to about a quarter.
  app.use('/ui/assets/*', compress());
  app.get('/ui/assets/:file', async (c) => {
    const file = (await dashboardBundle()).files.get(c.req.param('file'));
    if (!file) throw new ApiError('NOT_FOUND', `no dashboard asset ${c.req.param('file')}`);
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': file.type, 'cache-control': 'no-cache' });
  });
  app.get('/ui/*', (c) => c.html(SHELL));
}
