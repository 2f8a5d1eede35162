/**
 * Campaigns as objects people create and steer: validated input, the per-platform queue of
 * campaigns (the next one starts when one ends; a pool campaign takes any idle platform of its
 * pool), pause / resume / cancel. Every change is written to the audit log with who and why.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Condition, createConditionSpace, CUBE_TOLERANCE, planFlows } from '@sdfl/chemistry';
import type { StageSpec } from '@sdfl/optimizer';
import { FEATURE_NAMES, platformIdSchema, type Limits } from '@sdfl/protocol';
import type { CloudDrizzle } from '../db/open';
import { auditLog, campaigns, events, experiments, modelSnapshots, platforms } from '../db/schema';
import { DEFAULT_SCHEDULE, parseSchedule, ScheduleError, STAGE_POLICIES } from './schedule';
import { CloudError } from '../errors';

const bounds = z.object({ min: z.number().finite(), max: z.number().finite() });

/** Condition-space bounds a campaign may narrow (the rest of the chemistry config is the platform's). */
export const spaceBoundsSchema = z
  .object({
    temperatureC: bounds.optional(),
    reactionTimeS: bounds.optional(),
    cuIStream: z.object({ cuI: bounds.optional(), oaCuI: bounds.optional(), oAm: bounds.optional() }).optional(),
    csStream: z.object({ csOleate: bounds.optional(), oaCs: bounds.optional() }).optional(),
  })
  .strict();

const stageSchema = z.object({ policy: z.enum(STAGE_POLICIES), count: z.int().min(1).max(10_000) });

/** What a person gives to create a campaign. Defaults: PL_I maximised, `lhs 6 -> ei 10`, depth 2. */
export const campaignInputSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    owner: z.string().min(1).max(128).default('cli'),
    space: spaceBoundsSchema.default({}),
    objective: z
      .object({ feature: z.enum(FEATURE_NAMES).default('plIntensity'), direction: z.enum(['maximize', 'minimize']).default('maximize') })
      .default({ feature: 'plIntensity', direction: 'maximize' }),
    schedule: z.union([z.string(), z.array(stageSchema).min(1)]).default(DEFAULT_SCHEDULE),
    seed: z.int().min(0).max(2 ** 31 - 1).optional(),
    platform: platformIdSchema.optional(),
    pool: z.string().min(1).max(64).optional(),
    queueDepth: z.int().min(0).max(10).default(2),
    maxConsecutiveFailures: z.int().min(1).max(1000).default(3),
    /** Every proposal waits for a person's approval before it is dispatched. */
    approvalGate: z.boolean().default(false),
    /** With the gate: proposals kept waiting for review beyond what the platform holds. */
    approvalAhead: z.int().min(0).max(20).default(2),
    /** The optimizer's surrogate: `gp`, `enn` (the paper's twin) or `auto`; default the optimizer's. */
    surrogate: z.enum(['enn', 'gp', 'auto']).optional(),
    /** Informed prior: every finished experiment of earlier campaigns on the same space. */
    priorCampaigns: z.array(z.string().min(1)).max(20).optional(),
    /** Informed prior: an earlier campaign's twin (a stored model version; default its latest), same space only. */
    priorModel: z.object({ campaign: z.string().min(1), version: z.int().min(0).optional() }).optional(),
  })
  .refine((c) => (c.platform === undefined) !== (c.pool === undefined), { message: 'give exactly one of platform or pool', path: ['platform'] });

export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignRow = typeof campaigns.$inferSelect;

/** A campaign that cannot be created or changed; `problems` lists every reason. */
export class CampaignError extends CloudError<'INVALID' | 'NOT_FOUND' | 'CONFLICT'> {}

/** Validates and stores a new campaign (status `queued`). */
export async function createCampaign(db: CloudDrizzle, input: CampaignInput, actor: string): Promise<CampaignRow> {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) throw new CampaignError('INVALID', parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const c = parsed.data;
  const problems: string[] = [];
  let schedule: StageSpec[] | undefined;
  try {
    schedule = typeof c.schedule === 'string' ? parseSchedule(c.schedule) : c.schedule;
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    problems.push(...error.problems.map((p) => `schedule: ${p}`));
  }
  // The limit and prior checks plan in this space: without a valid one they are skipped.
  let spaceOk = true;
  try {
    createConditionSpace(c.space);
  } catch (error) {
    problems.push(...spaceProblems(error));
    spaceOk = false;
  }
  if (c.platform) {
    const [p] = await db.select().from(platforms).where(eq(platforms.id, c.platform));
    if (!p) problems.push(`platform: no platform '${c.platform}' is registered`);
    else if (spaceOk) problems.push(...limitProblems(c.space, p.birth, p.id));
  }
  if (c.pool) {
    // A pool campaign runs on any member whose limits hold the space (startNextCampaigns checks each).
    const members = await db.select({ id: platforms.id, birth: platforms.birth }).from(platforms).where(eq(platforms.pool, c.pool));
    if (members.length === 0) problems.push(`pool: no platform is in pool '${c.pool}'`);
    else if (spaceOk && !members.some((m) => limitProblems(c.space, m.birth, m.id).length === 0)) {
      problems.push(`pool: no platform of pool '${c.pool}' has validated limits that hold this space`);
    }
  }
  const prior = c.priorCampaigns && spaceOk ? await priorObservations(db, c.priorCampaigns, c.space, problems) : undefined;
  const model = c.priorModel && spaceOk ? await priorModel(db, c.priorModel, c.space, problems) : undefined;
  if (problems.length > 0 || !schedule) throw new CampaignError('INVALID', problems);
  const id = `c-${randomBytes(4).toString('hex')}`;
  const [{ position } = { position: 0 }] = await db
    .select({ position: sql<number>`coalesce(max(${campaigns.queuePosition}), 0) + 1` })
    .from(campaigns)
    .where(c.platform ? eq(campaigns.targetPlatform, c.platform) : eq(campaigns.targetPool, c.pool!));
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(campaigns)
      .values({
        id,
        name: c.name ?? `${c.objective.feature} ${c.objective.direction} on ${c.platform ?? `pool ${c.pool}`}`,
        owner: c.owner,
        space: c.space,
        objective: c.objective,
        schedule,
        prior: prior || model ? { ...(prior ? { observations: prior, campaigns: c.priorCampaigns } : {}), ...(model ? { model: model.snapshot, modelFrom: { campaign: model.campaign, version: model.version } } : {}) } : null,
        optimizer: c.surrogate ? { surrogate: c.surrogate } : null,
        seed: c.seed ?? randomBytes(4).readUInt32BE() % 2 ** 31,
        targetPlatform: c.platform ?? null,
        targetPool: c.pool ?? null,
        queuePosition: Number(position),
        queueDepth: c.queueDepth,
        maxConsecutiveFailures: c.maxConsecutiveFailures,
        approvalGate: c.approvalGate,
        approvalAhead: c.approvalAhead,
        planned: schedule.reduce((n, s) => n + s.count, 0),
      })
      .returning();
    await tx.insert(auditLog).values({ actor, action: 'campaign.create', target: id, detail: { schedule, platform: c.platform, pool: c.pool } });
    return created!;
  });
  return row;
}

/**
 * Starts the next queued campaign on every platform that runs none: by queue position, platform
 * campaigns first, then pool campaigns on an online platform of the pool. Returns started ids.
 */
export async function startNextCampaigns(db: CloudDrizzle): Promise<string[]> {
  const busy = new Set(
    (await db.select({ p: campaigns.platformId }).from(campaigns).where(inArray(campaigns.status, ['running', 'paused']))).map((r) => r.p).filter((p): p is string => p !== null),
  );
  const queued = await db.select().from(campaigns).where(eq(campaigns.status, 'queued')).orderBy(asc(campaigns.queuePosition), asc(campaigns.createdAt));
  const all = await db.select({ id: platforms.id, pool: platforms.pool, status: platforms.status, revokedAt: platforms.revokedAt, birth: platforms.birth }).from(platforms);
  const started: string[] = [];
  for (const c of queued) {
    const fits = (p: (typeof all)[number]) => limitProblems(c.space as z.infer<typeof spaceBoundsSchema>, p.birth, p.id).length === 0;
    const platformId = c.targetPlatform ?? all.find((p) => p.pool === c.targetPool && p.status === 'online' && p.revokedAt === null && !busy.has(p.id) && fits(p))?.id;
    if (!platformId || busy.has(platformId)) continue;
    // Two callers (the tick and a steer) may race here: the platform row lock makes "is it free?"
    // and "start this one" one step, so a platform never runs two campaigns.
    const moved = await db.transaction(async (tx) => {
      await tx.select({ id: platforms.id }).from(platforms).where(eq(platforms.id, platformId)).for('update');
      const [other] = await tx
        .select({ id: campaigns.id })
        .from(campaigns)
        .where(and(eq(campaigns.platformId, platformId), inArray(campaigns.status, ['running', 'paused'])))
        .limit(1);
      if (other) return null;
      return tx
        .update(campaigns)
        .set({ status: 'running', platformId, startedAt: new Date() })
        .where(and(eq(campaigns.id, c.id), eq(campaigns.status, 'queued')))
        .returning({ id: campaigns.id });
    });
    if (moved === null) busy.add(platformId);
    if (!moved || moved.length === 0) continue;
    busy.add(platformId);
    started.push(c.id);
    await db.insert(events).values({ source: 'cloud', campaignId: c.id, platformId, type: 'campaignStarted', body: { platformId }, at: new Date() });
  }
  return started;
}

/** Pause (no new proposals; what the edge holds keeps running), resume or cancel a campaign. */
export async function setCampaignStatus(
  db: CloudDrizzle,
  id: string,
  action: 'pause' | 'resume' | 'cancel',
  actor: string,
  reason: string,
): Promise<{ campaign: CampaignRow; withdrawn: string[] }> {
  return db.transaction(async (tx) => {
    const [c] = await tx.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
    if (!c) throw new CampaignError('NOT_FOUND', [`no campaign '${id}'`]);
    const allowed: Record<typeof action, string[]> = { pause: ['running', 'queued'], resume: ['paused'], cancel: ['queued', 'running', 'paused'] };
    if (!allowed[action].includes(c.status)) throw new CampaignError('CONFLICT', [`cannot ${action} a ${c.status} campaign`]);
    const status = action === 'pause' ? 'paused' : action === 'resume' ? (c.platformId ? 'running' : 'queued') : 'cancelled';
    const [updated] = await tx
      .update(campaigns)
      .set({ status, statusReason: reason, consecutiveFailures: action === 'resume' ? 0 : c.consecutiveFailures, ...(action === 'cancel' ? { finishedAt: new Date() } : {}) })
      .where(eq(campaigns.id, id))
      .returning();
    let withdrawn: string[] = [];
    if (action === 'cancel') {
      // Experiments the edge does not hold yet (queued, or waiting for approval) are withdrawn here;
      // what it holds is cancelled by command.
      withdrawn = (
        await tx
          .update(experiments)
          .set({ status: 'withdrawn', finishedAt: new Date() })
          .where(and(eq(experiments.campaignId, id), inArray(experiments.status, ['queued', 'proposed']), isNull(experiments.toldAt)))
          .returning({ id: experiments.id })
      ).map((r) => r.id);
    }
    await tx.insert(auditLog).values({ actor, action: `campaign.${action}`, target: id, reason });
    await tx.insert(events).values({ source: 'cloud', campaignId: id, platformId: c.platformId, type: `campaign${action[0]!.toUpperCase()}${action.slice(1)}`, body: { reason, by: actor }, at: new Date() });
    return { campaign: updated!, withdrawn };
  });
}

/** A chemistry config error as one `space.{path}: message` problem per line, so each names its field. */
function spaceProblems(error: unknown): string[] {
  const lines = (error as Error).message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 ? lines.map((l) => `space.${l}`) : [`space: ${(error as Error).message}`];
}

/**
 * The space must lie inside a platform's validated limits (from its last birth): the temperature
 * window, and every pump rate at every corner of the space (the flows are monotone in each input,
 * so the corners bound them). A platform that never reported its limits cannot be checked: refused.
 */
export function limitProblems(spaceBounds: z.infer<typeof spaceBoundsSchema>, birth: unknown, platformId: string): string[] {
  const limits = (birth as { limits?: Limits } | null)?.limits;
  if (!limits) return [`platform: ${platformId} has not reported its validated limits yet (never connected); create the campaign once it has been online`];
  const space = createConditionSpace(spaceBounds);
  const problems: string[] = [];
  const t = space.config.temperatureC;
  if (t.min < limits.temperature.minC || t.max > limits.temperature.maxC) {
    problems.push(`space.temperatureC: ${t.min}-${t.max} C is outside ${platformId}'s validated ${limits.temperature.minC}-${limits.temperature.maxC} C`);
  }
  const worst = new Map<string, { min: number; max: number }>();
  for (let corner = 0; corner < 2 ** space.dim; corner++) {
    const u = Array.from({ length: space.dim }, (_, i) => (corner >> i) & 1);
    const plan = planFlows(space.fromCube(u), space);
    if (!plan.plan) continue;
    for (const [pump, rate] of Object.entries(plan.plan.ratesUlMin)) {
      const w = worst.get(pump) ?? { min: Infinity, max: -Infinity };
      worst.set(pump, { min: Math.min(w.min, rate), max: Math.max(w.max, rate) });
    }
  }
  for (const [pump, w] of worst) {
    const l = (limits.pumps as Record<string, { minRateUlMin: number; maxRateUlMin: number } | undefined>)[pump];
    if (!l) continue;
    if (w.max > l.maxRateUlMin) problems.push(`space: pump ${pump} would need up to ${w.max.toFixed(1)} uL/min; ${platformId} is validated to ${l.maxRateUlMin} uL/min`);
    if (w.min > 0 && w.min < l.minRateUlMin) problems.push(`space: pump ${pump} would run as slow as ${w.min.toFixed(1)} uL/min; ${platformId} is validated from ${l.minRateUlMin} uL/min`);
  }
  return problems;
}

/**
 * Every finished experiment of earlier campaigns, placed in the new campaign's space by its
 * physical condition (campaigns may have different bounds); those outside the new space are left out.
 */
async function priorObservations(db: CloudDrizzle, ids: string[], spaceBounds: z.infer<typeof spaceBoundsSchema>, problems: string[]): Promise<{ cube: number[]; value: number | null }[]> {
  const found = await db.select({ id: campaigns.id }).from(campaigns).where(inArray(campaigns.id, ids));
  for (const id of ids) if (!found.some((f) => f.id === id)) problems.push(`priorCampaigns: no campaign '${id}'`);
  const rows = await db
    .select({ condition: experiments.condition, value: experiments.value, status: experiments.status })
    .from(experiments)
    .where(and(inArray(experiments.campaignId, ids), inArray(experiments.status, ['done', 'failed'])));
  const space = createConditionSpace(spaceBounds);
  return rows
    .map((r) => ({ cube: space.toCube(r.condition as Condition), value: r.status === 'done' ? r.value : null }))
    .filter((o) => o.cube.every((x) => x >= -CUBE_TOLERANCE && x <= 1 + CUBE_TOLERANCE))
    .map((o) => ({ ...o, cube: o.cube.map((x) => Math.min(1, Math.max(0, x))) }));
}

/** An earlier campaign's model version as the informed prior; it transfers only to the same space. */
async function priorModel(db: CloudDrizzle, from: { campaign: string; version?: number | undefined }, spaceBounds: unknown, problems: string[]): Promise<{ snapshot: unknown; campaign: string; version: number } | undefined> {
  const [source] = await db.select({ space: campaigns.space }).from(campaigns).where(eq(campaigns.id, from.campaign));
  if (!source) return void problems.push(`priorModel.campaign: no campaign '${from.campaign}'`);
  if (JSON.stringify(createConditionSpace(source.space as never).dimensions) !== JSON.stringify(createConditionSpace(spaceBounds as never).dimensions)) {
    return void problems.push(`priorModel: campaign ${from.campaign} has another condition space; a model transfers only to the same space (use priorCampaigns to transfer its data)`);
  }
  const [m] = await db
    .select()
    .from(modelSnapshots)
    .where(and(eq(modelSnapshots.campaignId, from.campaign), ...(from.version === undefined ? [] : [eq(modelSnapshots.version, from.version)])))
    .orderBy(desc(modelSnapshots.version))
    .limit(1);
  if (!m) return void problems.push(`priorModel: campaign ${from.campaign} has no model${from.version === undefined ? '' : ` version ${from.version}`}`);
  return { snapshot: m.snapshot, campaign: from.campaign, version: m.version };
}

/** Filters of {@link listCampaigns}; all optional, combined with AND. */
export interface CampaignFilter {
  readonly status?: string;
  /** Target or running platform. */
  readonly platform?: string;
  readonly owner?: string;
  /** Most rows, default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

/** Campaigns matching a filter, newest first. */
export async function listCampaigns(db: CloudDrizzle, f: CampaignFilter = {}): Promise<CampaignRow[]> {
  const where = and(
    f.status ? eq(campaigns.status, f.status) : undefined,
    f.owner ? eq(campaigns.owner, f.owner) : undefined,
    f.platform ? or(eq(campaigns.targetPlatform, f.platform), eq(campaigns.platformId, f.platform)) : undefined,
  );
  return db
    .select()
    .from(campaigns)
    .where(where)
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(f.limit ?? 100)
    .offset(f.offset ?? 0);
}

/**
 * Sets the order of a platform's queued campaigns: `order` must name every queued campaign that
 * targets the platform exactly once (CONFLICT otherwise, with each difference listed). Positions
 * become 1..n in that order (running campaigns keep theirs). Returns the queued campaigns in order.
 */
export async function reorderQueuedCampaigns(db: CloudDrizzle, platformId: string, order: readonly string[], actor: string, reason: string): Promise<CampaignRow[]> {
  return db.transaction(async (tx) => {
    const [p] = await tx.select({ id: platforms.id }).from(platforms).where(eq(platforms.id, platformId));
    if (!p) throw new CampaignError('NOT_FOUND', [`no platform '${platformId}'`]);
    const queued = await tx
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.targetPlatform, platformId), eq(campaigns.status, 'queued')))
      .for('update');
    const ids = new Set(queued.map((c) => c.id));
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const id of order) {
      if (seen.has(id)) problems.push(`order: '${id}' is listed twice`);
      else if (!ids.has(id)) problems.push(`order: '${id}' is not a queued campaign of ${platformId}`);
      seen.add(id);
    }
    for (const id of ids) if (!seen.has(id)) problems.push(`order: queued campaign '${id}' is missing`);
    if (problems.length > 0) throw new CampaignError('CONFLICT', problems);
    for (const [i, id] of order.entries()) await tx.update(campaigns).set({ queuePosition: i + 1 }).where(eq(campaigns.id, id));
    await tx.insert(auditLog).values({ actor, action: 'platform.reorderCampaigns', target: platformId, reason, detail: { order: [...order] } });
    return tx
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.targetPlatform, platformId), eq(campaigns.status, 'queued')))
      .orderBy(asc(campaigns.queuePosition));
  });
}

/** What a campaign does after failures: pause after this many in a row (1-1000). */
export interface FailureSettings {
  readonly maxConsecutiveFailures: number;
}

/** Changes a campaign's continue-on-failure settings (not of a finished campaign: CONFLICT). */
export async function updateFailureSettings(db: CloudDrizzle, id: string, settings: FailureSettings, actor: string, reason: string): Promise<CampaignRow> {
  return db.transaction(async (tx) => {
    const [c] = await tx.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
    if (!c) throw new CampaignError('NOT_FOUND', [`no campaign '${id}'`]);
    if (c.status === 'done' || c.status === 'cancelled') throw new CampaignError('CONFLICT', [`campaign ${id} is ${c.status}`]);
    const [updated] = await tx.update(campaigns).set({ maxConsecutiveFailures: settings.maxConsecutiveFailures }).where(eq(campaigns.id, id)).returning();
    await tx.insert(auditLog).values({ actor, action: 'campaign.failureSettings', target: id, reason, detail: { from: c.maxConsecutiveFailures, to: settings.maxConsecutiveFailures } });
    return updated!;
  });
}
