/**
 * Response schemas of the API's resources (the OpenAPI components) and the functions that turn
 * database rows into them (timestamps as ISO 8601 strings, secrets never included).
 *
 * @module
 */
import { z } from '@hono/zod-openapi';
import type { CampaignProgress } from '../../demo/progress';
import type { apiTokens, campaigns, experiments, users } from '../../db/schema';
import type { PlatformStatus } from '../../engine/platform-status';
import type { Provenance } from '../../engine/provenance';
import { ROLES } from '../identity';
import { iso } from './common';

const when = z.string().nullable().openapi({ format: 'date-time' });
const json = z.unknown();

export const userSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES), createdAt: when, disabledAt: when }).openapi('User');
export const toUser = (u: typeof users.$inferSelect) => ({ id: u.id, name: u.name, role: u.role as (typeof ROLES)[number], createdAt: iso(u.createdAt), disabledAt: iso(u.disabledAt) });

export const tokenSchema = z
  .object({ id: z.string(), user: z.string(), prefix: z.string(), label: z.string().nullable(), createdAt: when, expiresAt: when, revokedAt: when, lastUsedAt: when })
  .openapi('Token');
export const toToken = (t: typeof apiTokens.$inferSelect, user: string) => ({
  id: t.id,
  user,
  prefix: t.prefix,
  label: t.label,
  createdAt: iso(t.createdAt),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
  lastUsedAt: iso(t.lastUsedAt),
});

export const platformSchema = z
  .object({
    id: z.string(),
    pool: z.string().nullable(),
    status: z.string().openapi({ description: 'online | offline | unknown (never seen)' }),
    revoked: z.boolean(),
    lastSeenAt: when,
    stage: z.string().nullable(),
    temperature: z.object({ pvC: z.number().nullable(), spC: z.number().nullable() }).nullable().openapi({ description: 'plate temperature and setpoint, C' }),
    safe: z.boolean().nullable(),
    safeReason: z.string().nullable(),
    current: z
      .object({
        experimentId: z.string(),
        startedAt: when,
        expectedEndAt: when.openapi({ description: 'start + median run time of the last 20 done experiments (edge clock)' }),
        steadyInS: z.number().nullable().openapi({ description: 'while equilibrating: edge-clock seconds to the planned steady state, as of the last telemetry' }),
        endInS: z.number().nullable().openapi({ description: 'edge-clock seconds to expectedEndAt, as of the last telemetry (negative: overdue)' }),
      })
      .nullable(),
    queueDepth: z.number().int().openapi({ description: 'experiments the edge holds' }),
    reagentsUl: z.record(z.string(), z.number()).nullable().openapi({ description: 'liquid left per syringe, uL' }),
    activeAlarms: z.array(z.object({ id: z.number(), type: z.string(), severity: z.string(), at: when, body: json })),
    limits: json,
    credentialsIssuedAt: when,
  })
  .openapi('Platform');
export const toPlatform = (p: PlatformStatus) => ({
  ...p,
  lastSeenAt: iso(p.lastSeenAt),
  credentialsIssuedAt: iso(p.credentialsIssuedAt),
  current: p.current ? { ...p.current, startedAt: iso(p.current.startedAt), expectedEndAt: iso(p.current.expectedEndAt) } : null,
  activeAlarms: p.activeAlarms.map((a) => ({ ...a, at: iso(a.at) })),
});

export const credentialsSchema = z
  .object({ platformId: z.string(), username: z.string(), password: z.string().openapi({ description: 'shown once; store it on the edge' }) })
  .openapi('PlatformCredentials');

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.string(),
    status: z.string().openapi({ description: 'queued | running | paused | done | cancelled' }),
    statusReason: z.string().nullable(),
    space: json,
    objective: z.object({ feature: z.string(), direction: z.string() }),
    schedule: z.array(z.object({ policy: z.string(), count: z.number() })),
    priorCampaigns: z.array(z.string()).nullable(),
    surrogate: z.string().nullable(),
    seed: z.number(),
    targetPlatform: z.string().nullable(),
    targetPool: z.string().nullable(),
    platformId: z.string().nullable(),
    queuePosition: z.number(),
    queueDepth: z.number(),
    maxConsecutiveFailures: z.number(),
    consecutiveFailures: z.number(),
    approvalGate: z.boolean(),
    approvalAhead: z.number(),
    planned: z.number(),
    createdAt: when,
    startedAt: when,
    finishedAt: when,
  })
  .openapi('Campaign');
export const toCampaign = (c: typeof campaigns.$inferSelect) => ({
  id: c.id,
  name: c.name,
  owner: c.owner,
  status: c.status,
  statusReason: c.statusReason,
  space: c.space,
  objective: c.objective as { feature: string; direction: string },
  schedule: c.schedule as { policy: string; count: number }[],
  priorCampaigns: (c.prior as { campaigns?: string[] } | null)?.campaigns ?? null,
  surrogate: (c.optimizer as { surrogate?: string } | null)?.surrogate ?? null,
  seed: c.seed,
  targetPlatform: c.targetPlatform,
  targetPool: c.targetPool,
  platformId: c.platformId,
  queuePosition: c.queuePosition,
  queueDepth: c.queueDepth,
  maxConsecutiveFailures: c.maxConsecutiveFailures,
  consecutiveFailures: c.consecutiveFailures,
  approvalGate: c.approvalGate,
  approvalAhead: c.approvalAhead,
  planned: c.planned,
  createdAt: iso(c.createdAt),
  startedAt: iso(c.startedAt),
  finishedAt: iso(c.finishedAt),
});

export const progressSchema = z
  .object({
    stage: z.object({ index: z.number(), policy: z.string(), count: z.number() }).nullable(),
    done: z.number(),
    failed: z.number(),
    planned: z.number(),
    best: z.object({ value: z.number(), experimentId: z.string(), condition: json, policy: z.string() }).nullable(),
    current: z.object({ experimentId: z.string(), policy: z.string(), status: z.string() }).nullable(),
    platformStage: z.string().nullable(),
    platformOnline: z.boolean(),
    pendingApprovals: z.number(),
  })
  .openapi('CampaignProgress');
export const toProgress = (p: CampaignProgress, pendingApprovals: number) => ({
  stage: p.stage,
  done: p.done,
  failed: p.failed,
  planned: p.planned,
  best: p.best,
  current: p.current,
  platformStage: p.platformStage,
  platformOnline: p.platformOnline,
  pendingApprovals,
});

export const experimentSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    seq: z.number(),
    platformId: z.string().nullable(),
    status: z.string().openapi({ description: 'proposed | rejected | queued | dispatched | accepted | running | done | failed | aborted | withdrawn' }),
    attempt: z.number(),
    condition: json,
    cube: z.array(z.number()),
    policy: z.string(),
    stage: z.number(),
    acquisitionValue: z.number().nullable(),
    predictedMean: z.number().nullable(),
    predictedStd: z.number().nullable(),
    modelVersion: z.number().nullable(),
    value: z.number().nullable(),
    failure: json,
    reviewedBy: z.string().nullable(),
    reviewedAt: when,
    reviewNote: z.string().nullable(),
    proposedCondition: json,
    createdAt: when,
    dispatchedAt: when,
    acceptedAt: when,
    startedAt: when,
    finishedAt: when,
  })
  .openapi('Experiment');
export const toExperiment = (e: typeof experiments.$inferSelect) => ({
  id: e.id,
  campaignId: e.campaignId,
  seq: e.seq,
  platformId: e.platformId,
  status: e.status,
  attempt: e.attempt,
  condition: e.condition,
  cube: e.cube as number[],
  policy: e.policy,
  stage: e.stage,
  acquisitionValue: e.acquisitionValue,
  predictedMean: e.predictedMean,
  predictedStd: e.predictedStd,
  modelVersion: e.modelVersion,
  value: e.value,
  failure: e.failure,
  reviewedBy: e.reviewedBy,
  reviewedAt: iso(e.reviewedAt),
  reviewNote: e.reviewNote,
  proposedCondition: e.proposedCondition,
  createdAt: iso(e.createdAt),
  dispatchedAt: iso(e.dispatchedAt),
  acceptedAt: iso(e.acceptedAt),
  startedAt: iso(e.startedAt),
  finishedAt: iso(e.finishedAt),
});

export const experimentDetailSchema = z
  .object({
    experiment: experimentSchema,
    decision: z.object({
      policy: z.string(),
      stage: z.number(),
      acquisitionValue: z.number().nullable(),
      predicted: z.object({ mean: z.number(), std: z.number() }).nullable(),
      modelVersion: z.number().nullable(),
    }),
    model: z.object({ version: z.number(), metrics: json, createdAt: when }).nullable(),
    command: z.object({ id: z.string(), body: json, sentAt: when, sendCount: z.number(), ackedAt: when, accepted: z.boolean().nullable(), ackReason: z.string().nullable() }).nullable(),
    results: z.array(
      z.object({
        id: z.string(),
        attempt: z.number(),
        status: z.string(),
        features: json,
        spectra: json,
        flowPlan: json,
        timings: json,
        steadyState: json,
        failure: json,
        warnings: json,
        sentAt: when,
        receivedAt: when,
      }),
    ),
  })
  .openapi('ExperimentDetail');
export const toExperimentDetail = (p: Provenance) => ({
  experiment: toExperiment(p.experiment),
  decision: p.decision,
  model: p.model ? { version: p.model.version, metrics: p.model.metrics, createdAt: iso(p.model.createdAt) } : null,
  command: p.command ? { ...p.command, sentAt: iso(p.command.sentAt), ackedAt: iso(p.command.ackedAt) } : null,
  results: p.results.map((r) => ({
    id: r.id,
    attempt: r.attempt,
    status: r.status,
    features: r.features,
    spectra: r.spectra,
    flowPlan: r.flowPlan,
    timings: r.timings,
    steadyState: r.steadyState,
    failure: r.failure,
    warnings: r.warnings,
    sentAt: iso(r.sentAt),
    receivedAt: iso(r.receivedAt),
  })),
});
