/**
 * The storage contract of the cloud, as one suite run on every database we support: embedded
 * PGlite and a real PostgreSQL server (the suite files call {@link describeStorage}).
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSender, type Message } from '@sdfl/protocol';
import type { CloudDb } from '../../src/db/open';
import { auditLog, campaigns, experiments, modelSnapshots, platforms, results, studyStates } from '../../src/db/schema';
import { CampaignError, createCampaign, startNextCampaigns } from '../../src/engine/campaigns';
import { Ingest } from '../../src/engine/ingest';
import { addPlatform, credentialVerifier, rotateCredentials } from '../../src/engine/platforms';
import { provenance } from '../../src/engine/provenance';
import { CampaignStepper } from '../../src/engine/stepper';
import { InlineOptimizerHost } from '../../src/optimizer-host/host';
import { onlineState } from '../support/protocol-edge';

const log = pino({ level: 'silent' });

/** Opens a fresh, migrated database; a second call opens another connection to the same one. */
export interface StorageTarget {
  open(): Promise<CloudDb>;
  /** True when two opens are two independent connections (a server); PGlite shares one. */
  readonly concurrent: boolean;
}

function result(experimentId: string, condition: unknown, plIntensity: number, attempt = 1): Message<'result'> {
  const now = new Date().toISOString();
  const { message } = createSender({ session: 1 }).encode('result', {
    experimentId,
    attempt,
    condition: condition as never,
    status: 'done',
    flowPlan: { ratesUlMin: { cuI: 100, pfo: 400 }, residenceTimeS: 30, reactionTimeS: 28, equilibrationS: 36 },
    features: { abs300: 0.4, plPeakNm: 450, plIntensity, plArea: plIntensity * 40, fwhmNm: 45, sidePeak380: 0, sidePeak600: 0, flags: [] },
    spectra: { absorbance: { wavelengthNm: [300, 301], values: [0.4, 0.39] }, pl: { wavelengthNm: [450, 451], values: [plIntensity, plIntensity] } },
    timings: { startedAt: now, steadyAt: now, acquiredAt: now, finishedAt: now, durations: { heatingS: 1, equilibrationS: 36, acquisitionS: 2, totalS: 40 } },
    warnings: [],
  });
  return message;
}

/** The suite. `name` labels the backend. */
export function describeStorage(name: string, target: () => StorageTarget | undefined): void {
  describe(`cloud storage on ${name}`, () => {
    const t = () => {
      const x = target();
      if (!x) throw new Error('storage target not started');
      return x;
    };

    it('applies the committed migrations to a new database, and re-opening is a no-op', async () => {
      const a = await t().open();
      await a.db.insert(platforms).values({ id: 'p-mig' });
      await a.close();
      const b = await t().open();
      expect((await b.db.select().from(platforms).where(eq(platforms.id, 'p-mig'))).length).toBe(1);
      await b.close();
    });

    it('stores platform credentials hashed and checks them; rotation retires the old password', async () => {
      const db = await t().open();
      try {
        const creds = await addPlatform(db.db, 'p-cred', { actor: 'test' });
        const [row] = await db.db.select().from(platforms).where(eq(platforms.id, 'p-cred'));
        expect(row!.secretHash).not.toContain(creds.password);
        const verify = credentialVerifier(db.db, { password: 'cloud-secret' }, 0);
        expect(await verify('p-cred', creds.password)).toEqual({ kind: 'platform', platformId: 'p-cred' });
        expect(await verify('p-cred', 'wrong')).toBeNull();
        expect(await verify('sdfl-cloud', 'cloud-secret')).toEqual({ kind: 'cloud' });
        const rotated = await rotateCredentials(db.db, 'p-cred', 'test');
        expect(await verify('p-cred', creds.password)).toBeNull();
        expect(await verify('p-cred', rotated.password)).not.toBeNull();
        await expect(addPlatform(db.db, 'p-cred', { actor: 'test' })).rejects.toThrow(/already registered/);
        expect((await db.db.select().from(auditLog).where(eq(auditLog.target, 'p-cred'))).map((r) => r.action)).toEqual(['platform.add', 'platform.rotate']);
      } finally {
        await db.close();
      }
    });

    it('refuses a space outside the platform validated limits, and a platform that never reported them', async () => {
      const db = await t().open();
      try {
        await addPlatform(db.db, 'p-lim', { actor: 'test' });
        await expect(createCampaign(db.db, { platform: 'p-lim', schedule: 'lhs 2' }, 'test')).rejects.toThrow(/has not reported its validated limits/);
        const birth = onlineState() as { limits: { temperature: object; pumps: object } };
        await db.db
          .update(platforms)
          .set({ birth: { ...birth, limits: { temperature: { minC: 20, maxC: 140, ceilingC: 160 }, pumps: { pfo: { minRateUlMin: 5, maxRateUlMin: 800, syringeVolumeUl: 100_000 } } } } })
          .where(eq(platforms.id, 'p-lim'));
        const error = (await createCampaign(db.db, { platform: 'p-lim', schedule: 'lhs 2' }, 'test').catch((e: unknown) => e)) as CampaignError;
        expect(error.problems.join('\n')).toMatch(/100-170 C is outside p-lim's validated 20-140 C/);
        expect(error.problems.join('\n')).toMatch(/pump pfo would need up to \d+/);
        const ok = await createCampaign(db.db, { platform: 'p-lim', schedule: 'lhs 2', space: { temperatureC: { min: 100, max: 140 }, reactionTimeS: { min: 40, max: 42 } } }, 'test');
        await db.db.update(campaigns).set({ status: 'cancelled' }).where(eq(campaigns.id, ok.id)); // out of the later tests' way
      } finally {
        await db.close();
      }
    });

    it('lists every problem of a bad campaign and stores nothing', async () => {
      const db = await t().open();
      try {
        const error = await createCampaign(db.db, { platform: 'nobody', schedule: 'lhs 0 -> magic 3', space: { temperatureC: { min: 150, max: 120 } } }, 'test').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CampaignError);
        const problems = (error as CampaignError).problems.join('\n');
        expect(problems).toMatch(/count must be/);
        expect(problems).toMatch(/"magic" is not one of/);
        expect(problems).toMatch(/no platform 'nobody'/);
        expect(problems).toMatch(/space/);
        expect(await db.db.select().from(campaigns).where(eq(campaigns.targetPlatform, 'nobody'))).toHaveLength(0);
      } finally {
        await db.close();
      }
    });

    it('queues campaigns per platform and starts pool campaigns on an idle platform of the pool', async () => {
      const db = await t().open();
      try {
        await addPlatform(db.db, 'p-q1', { actor: 'test', pool: 'pool-q' });
        await addPlatform(db.db, 'p-q2', { actor: 'test', pool: 'pool-q' });
        await db.db.update(platforms).set({ status: 'online', birth: onlineState() }).where(eq(platforms.pool, 'pool-q'));
        const first = await createCampaign(db.db, { platform: 'p-q1', schedule: 'lhs 2' }, 'test');
        const second = await createCampaign(db.db, { platform: 'p-q1', schedule: 'lhs 2' }, 'test');
        const pooled = await createCampaign(db.db, { pool: 'pool-q', schedule: 'lhs 2' }, 'test');
        const started = await startNextCampaigns(db.db);
        expect(started.sort()).toEqual([first.id, pooled.id].sort());
        const rows = await db.db.select().from(campaigns).where(eq(campaigns.targetPool, 'pool-q'));
        expect(rows[0]!.platformId).toBe('p-q2');
        expect((await db.db.select().from(campaigns).where(eq(campaigns.id, second.id)))[0]!.status).toBe('queued');
        await db.db.update(campaigns).set({ status: 'done' }).where(eq(campaigns.id, first.id));
        expect(await startNextCampaigns(db.db)).toEqual([second.id]);
      } finally {
        await db.close();
      }
    });

    it('lets exactly one of two concurrent deciders step a campaign, and stores the decision with its provenance', async () => {
      const a = await t().open();
      const b = t().concurrent ? await t().open() : a;
      try {
        await addPlatform(a.db, 'p-lock', { actor: 'test' });
        await a.db.update(platforms).set({ birth: onlineState() }).where(eq(platforms.id, 'p-lock'));
        const c = await createCampaign(a.db, { platform: 'p-lock', schedule: 'lhs 5', seed: 4, queueDepth: 2 }, 'test');
        await startNextCampaigns(a.db);
        const one = new CampaignStepper({ db: a.db, host: new InlineOptimizerHost(), log, owner: 'process-1' });
        const two = new CampaignStepper({ db: b.db, host: new InlineOptimizerHost(), log, owner: 'process-2' });
        const outcomes = await Promise.all([one.step(c.id), two.step(c.id)]);
        expect(outcomes.filter((o) => o.dispatchTo === 'p-lock')).toHaveLength(1);
        const rows = await a.db.select().from(experiments).where(eq(experiments.campaignId, c.id)).orderBy(asc(experiments.seq));
        expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
        expect(await a.db.select().from(studyStates).where(eq(studyStates.campaignId, c.id))).toHaveLength(1);
        // Lease released: the next step may be taken by either process.
        expect((await a.db.select().from(campaigns).where(eq(campaigns.id, c.id)))[0]!.leaseOwner).toBeNull();

        // A result, stored once whatever the number of deliveries, then told by the next step.
        const ingest = new Ingest(a.db, log);
        await a.db.update(experiments).set({ status: 'accepted' }).where(eq(experiments.id, rows[0]!.id));
        const m = result(rows[0]!.id, rows[0]!.condition, 1234);
        expect(await ingest.result('p-lock', m)).toMatchObject({ kind: 'receipt', newResult: true });
        expect(await ingest.result('p-lock', m)).toEqual({ kind: 'receipt', envelopeId: m.id });
        expect(await ingest.result('p-lock', { ...m, id: randomUUID() })).toEqual({ kind: 'receipt', envelopeId: expect.any(String) });
        expect(await ingest.result('p-other', { ...m, id: randomUUID() })).toEqual({ kind: 'none' });
        expect(await a.db.select().from(results)).toHaveLength(1);
        await two.step(c.id);
        const told = (await a.db.select().from(experiments).where(eq(experiments.id, rows[0]!.id)))[0]!;
        expect(told.value).toBe(1234);
        expect(told.toldAt).not.toBeNull();
        expect(await a.db.select().from(experiments).where(eq(experiments.campaignId, c.id))).toHaveLength(4);

        const p = await provenance(a.db, rows[0]!.id);
        expect(p!.decision.policy).toBe('lhs');
        expect(p!.results[0]!.flowPlan).toEqual(m.body.status === 'done' ? m.body.flowPlan : null);
        expect(p!.results[0]!.spectra).toEqual(m.body.spectra);
        expect(await provenance(a.db, 'no-such')).toBeUndefined();
        expect(await a.db.select().from(modelSnapshots).where(eq(modelSnapshots.campaignId, c.id))).toHaveLength(0);
      } finally {
        if (b !== a) await b.close();
        await a.close();
      }
    });
  });
}
