/**
 * The API's description: the OpenAPI 3.1 document at `/openapi.json` (generated from the route
 * schemas) and a reference page at `/docs` (Swagger UI, its assets served from node_modules: nothing
 * is fetched from a CDN). No token needed to read them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../app';

export const PUBLIC_DOC_PATHS = ['/openapi.json', '/docs', /^\/docs\/assets\/[a-z0-9.-]+$/];

const ASSETS = new Map([
  ['swagger-ui.css', 'text/css'],
  ['swagger-ui-bundle.js', 'text/javascript'],
]);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sdfl API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="api"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api' });`;

export function docsRoutes(app: OpenAPIHono<ApiEnv>): void {
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'sdfl cloud API', version: '0.1.0', description: 'Campaigns, platforms, experiments and ask/tell studies of a self-driving fluidic lab.' },
  });
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    if (file === 'init.js') return c.body(INIT, 200, { 'content-type': 'text/javascript' });
    const type = ASSETS.get(file);
    if (!type) return c.json({ error: { code: 'NOT_FOUND' as const, message: `no asset ${file}` } }, 404);
    return c.body(await readFile(join(dir, file)), 200, { 'content-type': type, 'cache-control': 'max-age=86400' });
  });
}
