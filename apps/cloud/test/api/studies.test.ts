import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { addUser, createToken } from '../../src/api/identity';
import type { RunningCloud } from '../../src/cloud';
import { auditLog, labStudies, labStudyStates, labTrials } from '../../src/db/schema';
import { startTestCloud } from '../support/cloud';

const dir = mkdtempSync(join(tmpdir(), 'sdfl-studies-'));
let cloud: RunningCloud;
let app: ReturnType<typeof createApp>;
const tokens: Record<string, string> = {};

async function start(): Promise<void> {
  cloud = await startTestCloud({ databaseUrl: join(dir, 'db') });
  app = createApp({ db: cloud.db.db, engine: cloud.engine, log: cloud.log, brokerUp: () => true });
}

beforeAll(async () => {
  await start();
  for (const [name, role] of [['ada', 'admin'], ['sci', 'scientist'], ['sam', 'scientist'], ['vic', 'viewer']] as const) {
    await addUser(cloud.db.db, name, role, 'test');
    tokens[name] = (await createToken(cloud.db.db, name, { actor: 'test' })).token;
  }
}, 60_000);
afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, token?: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });

const STUDY = {
  name: 'mixing',
  parameters: [
    { name: 'x', min: -2, max: 2 },
    { name: 'n', type: 'integer', min: 0, max: 10 },
  ],
  objective: { name: 'yield', direction: 'maximize' },
  schedule: 'lhs 5 -> ei 5',
  seed: 11,
  surrogate: 'gp',
};

/** The lab's "experiment": a smooth peak at x = 0.7, n = 3. */
const experiment = (p: Record<string, number>) => 10 - (p.x! - 0.7) ** 2 - 0.1 * (p.n! - 3) ** 2;

async function rowsWritten() {
  const [s] = await cloud.db.db.select({ n: count() }).from(labStudies);
  const [t] = await cloud.db.db.select({ n: count() }).from(labTrials);
  const [a] = await cloud.db.db.select({ n: count() }).from(auditLog);
  return { studies: s!.n, trials: t!.n, audit: a!.n };
}

describe('studies API: rules', () => {
  it('lists the study, event and model routes in the OpenAPI document', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const p of ['/studies', '/studies/{id}', '/studies/{id}/ask', '/studies/{id}/tell', '/studies/{id}/best', '/studies/{id}/observations', '/events', '/campaigns/{id}/models', '/campaigns/{id}/models/{version}/report', '/campaigns/{id}/models/{version}/snapshot']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(Object.keys(doc.paths['/studies/{id}']!).sort()).toEqual(['delete', 'get']);
  });

  it('refuses bad bodies with a message per field and writes nothing', async () => {
    const before = await rowsWritten();
    const cases: [unknown, string][] = [
      [{ ...STUDY, parameters: [{ name: 'x', min: 2, max: 1 }] }, 'parameters.0.max'],
      [{ ...STUDY, parameters: [{ name: 'n', type: 'integer', min: 0.5, max: 3 }] }, 'parameters.0.min'],
      [{ ...STUDY, parameters: [{ name: 'x', min: 0, max: 1 }, { name: 'x', min: 0, max: 1 }] }, 'parameters.1.name'],
      [{ ...STUDY, objective: { name: 'yield', direction: 'up' } }, 'objective.direction'],
      [{ ...STUDY, schedule: 'lhs 5 -> magic 3' }, 'schedule'],
      [{ ...STUDY, parameters: 'x' }, 'parameters'],
      [{ ...STUDY, parameters: [{ name: 'solvent', type: 'categorical', choices: ['a', 'b'] }] }, 'parameters.0.type'],
    ];
    for (const [body, field] of cases) {
      const r = await call('POST', '/studies', tokens.sci, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const e = (await r.json()) as { error: { code: string; fields: Record<string, string[]> } };
      expect(e.error.code).toBe('VALIDATION');
      expect(Object.keys(e.error.fields), JSON.stringify(e.error.fields)).toContain(field);
    }
    const cat = (await (await call('POST', '/studies', tokens.sci, cases[6]![0])).json()) as { error: { fields: Record<string, string[]> } };
    expect(cat.error.fields['parameters.0.type']![0]).toMatch(/categorical parameters are not supported/);
    expect((await call('POST', '/studies', tokens.sci, '{"name": ')).status).toBe(400);
    expect(await rowsWritten()).toEqual(before);
  });

  it('401 without a token, 403 for a viewer creating or telling and for another scientist steering', async () => {
    expect((await call('POST', '/studies', undefined, STUDY)).status).toBe(401);
    expect((await call('GET', '/studies')).status).toBe(401);
    expect((await call('POST', '/studies', tokens.vic, STUDY)).status).toBe(403);
    const created = await call('POST', '/studies', tokens.sci, STUDY);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call('GET', `/studies/${id}`, tokens.vic)).status).toBe(200);
    expect((await call('POST', `/studies/${id}/ask`, tokens.vic)).status).toBe(403);
    expect((await call('POST', `/studies/${id}/ask`, tokens.sam)).status).toBe(403);
    const asked = await call('POST', `/studies/${id}/ask?n=1`, tokens.ada);
    expect(asked.status).toBe(200);
    const [s] = ((await asked.json()) as { suggestions: { id: string }[] }).suggestions;
    expect((await call('POST', `/studies/${id}/tell`, tokens.vic, { trialId: s!.id, value: 1 })).status).toBe(403);
    expect((await call('DELETE', `/studies/${id}`, tokens.sam)).status).toBe(403);
    expect((await call('POST', `/studies/nope/ask`, tokens.sci)).status).toBe(404);
    expect((await call('POST', `/studies/${id}/ask?n=0`, tokens.sci)).status).toBe(400);
    const audit = await cloud.db.db.select().from(auditLog).where(eq(auditLog.target, id));
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['sci', 'study.create'],
      ['ada', 'study.ask'],
    ]);
  });

  it('tells: repeated outcome is a no-op, a different one a conflict, a bad one 400; a study leased elsewhere is busy', async () => {
    const { id } = (await (await call('POST', '/studies', tokens.sci, STUDY)).json()) as { id: string };
    const [a, b] = ((await (await call('POST', `/studies/${id}/ask?n=2`, tokens.sci)).json()) as { suggestions: { id: string; status: string }[] }).suggestions;
    expect(a!.status).toBe('pending');
    expect((await call('POST', `/studies/${id}/tell`, tokens.sci, { trialId: a!.id, value: 1, failed: true })).status).toBe(400);
    expect((await call('POST', `/studies/${id}/tell`, tokens.sci, { trialId: 'trial-999', value: 1 })).status).toBe(404);
    expect(((await (await call('POST', `/studies/${id}/tell`, tokens.sci, { trialId: a!.id, value: 3.5 })).json()) as { unchanged: boolean }).unchanged).toBe(false);
    expect(((await (await call('POST', `/studies/${id}/tell`, tokens.sci, { trialId: a!.id, value: 3.5 })).json()) as { unchanged: boolean }).unchanged).toBe(true);
    expect((await call('POST', `/studies/${id}/tell`, tokens.sci, { trialId: a!.id, value: 4 })).status).toBe(409);
    await cloud.db.db.update(labStudies).set({ leaseOwner: 'another-process', leaseUntil: new Date(Date.now() + 60_000) }).where(eq(labStudies.id, id));
    const busy = await call('POST', `/studies/${id}/tell`, tokens.sci, { trialId: b!.id, value: 2 });
    expect(busy.status).toBe(409);
    expect(await busy.text()).toMatch(/another process/);
    const [t] = await cloud.db.db.select().from(labTrials).where(eq(labTrials.id, b!.id));
    expect(t!.status).toBe('pending');
    await cloud.db.db.update(labStudies).set({ leaseOwner: null, leaseUntil: null }).where(eq(labStudies.id, id));
    // Parallel asks are decided one at a time: distinct ids, consecutive order.
    const many = await Promise.all([1, 2, 3].map(() => (async () => (await call('POST', `/studies/${id}/ask`, tokens.sci)).json() as Promise<{ suggestions: { id: string; seq: number }[] }>)()));
    const seqs = many.flatMap((m) => m.suggestions.map((s) => s.seq)).sort();
    expect(seqs).toEqual([3, 4, 5]);
    const del = await call('DELETE', `/studies/${id}?reason=done%20testing`, tokens.sci);
    expect(del.status).toBe(204);
    expect((await call('GET', `/studies/${id}`, tokens.sci)).status).toBe(404);
    expect(await cloud.db.db.select().from(labTrials).where(eq(labTrials.studyId, id))).toEqual([]);
    const [audit] = await cloud.db.db.select().from(auditLog).where(eq(auditLog.action, 'study.delete'));
    expect(audit).toMatchObject({ actor: 'sci', target: id, reason: 'done testing' });
  });
});

/** A plain HTTP client, as another lab would write it. */
function client(base: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
}

type Trial = { id: string; params: Record<string, number>; status: string; value: number | null };

/**
 * Drives a study to completion over HTTP: asks two at a time, tells each (the 3rd fails, the 4th
 * is abandoned once), and calls `between` after the given number of asks.
 */
async function drive(http: ReturnType<typeof client>, id: string, options: { afterAsks?: number; between?: () => Promise<ReturnType<typeof client>> } = {}) {
  const asked: Trial[] = [];
  let asks = 0;
  let abandoned = false;
  let seen = 0;
  for (;;) {
    const r = await http<{ suggestions: Trial[]; done: boolean }>('POST', `/studies/${id}/ask?n=2`);
    asks++;
    asked.push(...r.suggestions);
    for (const s of r.suggestions) {
      seen++;
      if (seen === 3) await http('POST', `/studies/${id}/tell`, { trialId: s.id, failed: true, reason: 'clogged' });
      else if (seen === 4 && !abandoned) {
        abandoned = true;
        await http('POST', `/studies/${id}/tell`, { trialId: s.id, abandoned: true });
      } else await http('POST', `/studies/${id}/tell`, { trialId: s.id, value: experiment(s.params) });
    }
    if (options.between && asks === options.afterAsks) http = await options.between();
    if (r.suggestions.length === 0) return { asked, http };
  }
}

describe('studies API over HTTP', () => {
  it('drives an optimizer to completion from a plain HTTP client, and a restart continues exactly', async () => {
    const sci = client(cloud.api!.url, tokens.sci!);
    // Undisturbed run.
    const one = await sci<{ id: string }>('POST', '/studies', STUDY);
    const a = await drive(sci, one.id);
    const study = await sci<{ status: string; progress: { issued: number; total: number; pending: number; observations: number; failed: number }; best: Trial }>('GET', `/studies/${one.id}`);
    expect(study.status).toBe('done');
    // The abandoned trial gave its slot back: 10 slots, 10 outcomes, 11 suggestions in all.
    expect(study.progress).toMatchObject({ issued: 10, total: 10, pending: 0, observations: 10, failed: 1 });
    expect(a.asked).toHaveLength(11);
    const { trials } = await sci<{ trials: Trial[] }>('GET', `/studies/${one.id}/observations`);
    expect(trials.map((t) => t.status).filter((s) => s === 'abandoned')).toHaveLength(1);
    for (const t of trials) {
      expect(Number.isInteger(t.params.n)).toBe(true);
      expect(t.params.x).toBeGreaterThanOrEqual(-2);
      expect(t.params.x).toBeLessThanOrEqual(2);
    }
    const told = trials.filter((t) => t.status === 'told').map((t) => t.value!);
    expect(study.best.value).toBe(Math.max(...told));
    expect((await sci<{ best: Trial }>('GET', `/studies/${one.id}/best`)).best.id).toBe(study.best.id);
    const states = await cloud.db.db.select({ v: labStudyStates.version }).from(labStudyStates).where(eq(labStudyStates.studyId, one.id));
    expect(states.length).toBe(6 + 11); // one state per ask (6) and per tell (11)

    // Same study again, with the cloud stopped and started on the same database after two asks.
    const two = await sci<{ id: string }>('POST', '/studies', STUDY);
    const b = await drive(sci, two.id, {
      afterAsks: 2,
      between: async () => {
        await cloud.stop();
        await start();
        return client(cloud.api!.url, tokens.sci!);
      },
    });
    expect(b.asked.map((t) => t.params)).toEqual(a.asked.map((t) => t.params));
  }, 240_000);
});
