import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, auditLog } from '../../src/db/schema';
import { startHarness, type Harness } from './api-harness';

let h: Harness;
const logged: string[] = [];
beforeAll(async () => {
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (logged.push(chunk.toString()), done()) }));
  h = await startHarness({ log });
}, 60_000);
afterAll(() => h.stop());

describe('tokens', () => {
  it('creates a token shown once, lists tokens without secrets, and revokes one at once', async () => {
    const created = await h.call('POST', '/tokens', 'vic', { label: 'laptop', ttlDays: 7 });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^sdfl_/);
    expect(new Date(created.body.expiresAt as string).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect((await h.call('GET', '/me', token)).body).toMatchObject({ name: 'vic' });

    const list = await h.call('GET', '/tokens', token);
    expect(list.status).toBe(200);
    const mine = (list.body.tokens as { id: string; label: string; lastUsedAt: string | null }[]).find((t) => t.id === created.body.id)!;
    expect(mine).toMatchObject({ label: 'laptop', user: 'vic' });
    expect(mine.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(token);

    const revoked = await h.call('DELETE', `/tokens/${created.body.id}`, 'vic');
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await h.call('GET', '/me', token);
    expect(after.status).toBe(401);
    expect(after.body.error.message).toBe('token revoked');
    expect((await h.call('DELETE', `/tokens/${created.body.id}`, 'vic')).status).toBe(404);
  });

  it("keeps others' tokens apart: a scientist cannot list or revoke them; an admin can, and can issue one", async () => {
    const [samToken] = await h.cloud.db.db.select().from(apiTokens).where(eq(apiTokens.prefix, h.tokens.sam.slice(0, 11)));
    expect((await h.call('GET', '/tokens?user=sam', 'sci')).status).toBe(403);
    expect((await h.call('DELETE', `/tokens/${samToken!.id}`, 'sci')).status).toBe(404);
    expect((await h.call('POST', '/tokens', 'sci', { label: 'for sam', user: 'sam' })).status).toBe(403);
    expect((await h.call('GET', '/me', 'sam')).status).toBe(200);

    const issued = await h.call('POST', '/tokens', 'ada', { label: 'robot', user: 'sam', ttlDays: null });
    expect(issued.status).toBe(201);
    expect(issued.body.expiresAt).toBeNull();
    expect((await h.call('GET', '/me', issued.body.token as string)).body).toMatchObject({ name: 'sam', role: 'scientist' });
    expect(((await h.call('GET', '/tokens?user=sam', 'ada')).body.tokens as unknown[]).length).toBe(2);
    expect((await h.call('DELETE', `/tokens/${issued.body.id}`, 'ada')).status).toBe(200);
    expect((await h.call('GET', '/me', issued.body.token as string)).status).toBe(401);
    expect((await h.call('POST', '/tokens', 'ada', { label: 'x', user: 'nobody' })).status).toBe(404);
  });

  it('refuses a call without a token (401) and an expired token (401)', async () => {
    expect((await h.call('GET', '/tokens')).status).toBe(401);
    const t = await h.call('POST', '/tokens', 'sci', { label: 'short' });
    await h.cloud.db.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(apiTokens.id, t.body.id as string));
    const r = await h.call('GET', '/tokens', t.body.token as string);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('token expired');
  });

  it('validates bodies with a message per field', async () => {
    const r = await h.call('POST', '/tokens', 'sci', { label: '', ttlDays: 0, extra: 1 });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.error.fields as object)).toEqual(expect.arrayContaining(['label', 'ttlDays']));
  });
});

describe('users (admin)', () => {
  it('lists and adds users; others get 403; a duplicate is 409 and an invalid name 400', async () => {
    expect((await h.call('GET', '/users', 'sci')).status).toBe(403);
    expect((await h.call('POST', '/users', 'vic', { name: 'eve', role: 'admin' })).status).toBe(403);
    const added = await h.call('POST', '/users', 'ada', { name: 'bob', role: 'scientist' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'bob', role: 'scientist' });
    expect((await h.call('POST', '/users', 'ada', { name: 'bob', role: 'viewer' })).status).toBe(409);
    expect((await h.call('POST', '/users', 'ada', { name: 'b o b', role: 'viewer' })).status).toBe(400);
    expect((await h.call('POST', '/users', 'ada', { name: 'carl', role: 'root' })).status).toBe(400);
    const names = ((await h.call('GET', '/users', 'ada')).body.users as { name: string }[]).map((u) => u.name);
    expect(names).toEqual(['ada', 'bob', 'sam', 'sci', 'vic']);
    const audit = await h.cloud.db.db.select().from(auditLog).where(eq(auditLog.action, 'user.add'));
    expect(audit.find((a) => a.target === 'bob')?.actor).toBe('ada');
  });

  it('never writes a token into the logs', () => {
    const all = logged.join('\n');
    expect(all).not.toMatch(/sdfl_[A-Za-z0-9_-]{20,}/);
    for (const t of Object.values(h.tokens)) expect(all).not.toContain(t);
  });
});
