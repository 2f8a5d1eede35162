import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { addUser, createToken, revokeToken } from '../../src/api/identity';
import type { RunningCloud } from '../../src/cloud';
import { apiTokens } from '../../src/db/schema';
import { startTestCloud } from '../support/cloud';

let cloud: RunningCloud;
let app: ReturnType<typeof createApp>;
const logged: string[] = [];
let brokerUp = true;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  cloud = await startTestCloud({}, { api: false });
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (logged.push(chunk.toString()), done()) }));
  app = createApp({ db: cloud.db.db, engine: cloud.engine, log, brokerUp: () => brokerUp });
  for (const [name, role] of [['ada', 'admin'], ['sci', 'scientist'], ['vic', 'viewer']] as const) {
    await addUser(cloud.db.db, name, role, 'test');
    tokens[name] = (await createToken(cloud.db.db, name, { actor: 'test' })).token;
  }
}, 60_000);
afterAll(() => cloud.stop());

const get = (path: string, token?: string, client = '10.0.0.1') =>
  app.request(path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-forwarded-for': client } });

describe('API authentication', () => {
  it('serves health without a token and refuses everything else without one (401)', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const r = await get('/me');
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await app.request('/me', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('knows the caller by a valid token and records its use', async () => {
    const r = await get('/me', tokens.sci);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ name: 'sci', role: 'scientist' });
    const [row] = await cloud.db.db.select().from(apiTokens).where(eq(apiTokens.prefix, tokens.sci!.slice(0, 11)));
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it('refuses unknown, expired and revoked tokens with 401 and says which', async () => {
    expect(await (await get('/me', 'sdfl_nonsense')).json()).toMatchObject({ error: { message: 'token unknown' } });
    const expired = await createToken(cloud.db.db, 'vic', { actor: 'test' });
    await cloud.db.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expired.id));
    const e = await get('/me', expired.token);
    expect(e.status).toBe(401);
    expect(await e.json()).toMatchObject({ error: { message: 'token expired' } });
    const revoked = await createToken(cloud.db.db, 'vic', { actor: 'test' });
    expect((await get('/me', revoked.token)).status).toBe(200);
    await revokeToken(cloud.db.db, revoked.id, 'test');
    expect(await (await get('/me', revoked.token)).json()).toMatchObject({ error: { message: 'token revoked' } });
  });

  it('rate-limits failed authentications per client (429), not other clients', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await get('/me', 'sdfl_guess' + i, '10.9.9.9')).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await get('/me', tokens.ada, '10.9.9.9')).status).toBe(429);
    expect((await get('/me', tokens.ada, '10.1.1.1')).status).toBe(200);
  });

  it('reports readiness of the database and the broker', async () => {
    expect(await (await get('/readyz')).json()).toEqual({ ready: true, database: true, broker: true });
    brokerUp = false;
    const r = await get('/readyz');
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ ready: false, broker: false });
    brokerUp = true;
  });

  it('answers unknown routes and oversized bodies with JSON errors', async () => {
    const r = await get('/nope', tokens.ada);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const big = await app.request('/me', { method: 'POST', body: 'x'.repeat(1_100_000), headers: { authorization: `Bearer ${tokens.ada}`, 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
  });

  it('refuses NUL characters in any body with a 400 (PostgreSQL text cannot hold them)', async () => {
    const post = (body: string) => app.request('/tokens', { method: 'POST', body, headers: { authorization: `Bearer ${tokens.ada}`, 'content-type': 'application/json' } });
    const r = await post(JSON.stringify({ label: 'a\u0000b' }));
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: { code: 'VALIDATION', message: /NUL/ } });
    expect((await post(JSON.stringify({ label: 'fine' }))).status).toBe(201);
  });

  it('never writes a token or a password into the logs', async () => {
    expect(logged.join('\n')).not.toMatch(/sdfl_[A-Za-z0-9_-]{20,}/);
    for (const t of Object.values(tokens)) expect(logged.join('\n')).not.toContain(t);
  });
});

describe('API description', () => {
  it('publishes a valid OpenAPI 3.1 document listing every route, and a reference page with local assets', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    const { validate } = await import('@readme/openapi-parser');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz', '/readyz', '/me', '/tokens', '/tokens/{id}', '/users',
        '/platforms', '/platforms/{id}', '/platforms/{id}/credentials', '/platforms/{id}/revoke', '/platforms/{id}/clear-safe', '/platforms/{id}/campaign-order',
        '/campaigns', '/campaigns/{id}', '/campaigns/{id}/cancel', '/campaigns/{id}/approvals', '/campaigns/{id}/export.csv', '/campaigns/{id}/export.json',
        '/experiments', '/experiments/{id}', '/experiments/{id}/approve', '/experiments/{id}/reject',
        '/campaigns/{id}/models', '/campaigns/{id}/models/{version}/report', '/campaigns/{id}/models/{version}/snapshot',
        '/studies', '/studies/{id}', '/studies/{id}/ask', '/studies/{id}/tell', '/events',
      ]),
    );
    const page = await (await get('/docs')).text();
    expect(page).not.toMatch(/https?:\/\//);
    expect((await get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });
});
