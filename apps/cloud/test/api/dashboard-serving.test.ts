/** The dashboard's files over real HTTP: served without a token, the API behind them still guarded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { startTestCloud } from '../support/cloud';

describe('dashboard serving', () => {
  let cloud: RunningCloud;
  let url: string;
  beforeAll(async () => {
    cloud = await startTestCloud();
    url = cloud.api!.url;
  }, 30_000);
  afterAll(() => cloud?.stop());

  it('redirects / to /ui/ and answers every page path with the same shell', async () => {
    const root = await fetch(url, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const a = await (await fetch(`${url}/ui/`)).text();
    const b = await fetch(`${url}/ui/campaigns/c-unknown`);
    expect(b.status).toBe(200);
    expect(await b.text()).toBe(a);
    expect(a).toContain('<script type="module" src="/ui/assets/app.js">');
    expect(a).not.toMatch(/https?:\/\//);
  });

  it('serves the bundle gzipped, and a clear 404 for an unknown asset', async () => {
    const js = await fetch(`${url}/ui/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const body = await js.text();
    expect(body.length).toBeGreaterThan(100_000);
    // Nothing in the bundle loads a script or stylesheet from elsewhere.
    expect(body).not.toMatch(/<script[^>]+src=["']https?:/);
    const css = await fetch(`${url}/ui/assets/app.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const missing = await fetch(`${url}/ui/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no dashboard asset nope.js' } });
  });

  it('keeps the API behind its token', async () => {
    expect((await fetch(`${url}/platforms`)).status).toBe(401);
    expect((await fetch(`${url}/uiplatforms`)).status).toBe(401);
  });
});
