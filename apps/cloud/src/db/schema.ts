/**
 * The cloud's database (PostgreSQL dialect; PGlite embedded or a real server). All state lives
 * here, so a cloud process can be killed at any moment and another continue.
 * After changing this file: `cd apps/cloud && npx drizzle-kit generate` and commit the migration.
 *
 * @module
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const created = () => ts('created_at').notNull().defaultNow();

/** One reactor (an edge agent). Its MQTT username is its id. */
export const platforms = pgTable('platforms', {
  id: text('id').primaryKey(),
  /** Pool a campaign may target instead of one platform. */
  pool: text('pool'),
  /** scrypt hash of the MQTT password; null = no credentials (cannot connect). */
  secretHash: text('secret_hash'),
  credentialsIssuedAt: ts('credentials_issued_at'),
  revokedAt: ts('revoked_at'),
  /** `online` | `offline` | `unknown` (never seen). */
  status: text('status').notNull().default('unknown'),
  /** Session of the last birth; an `offline` will of another session is stale. */
  session: integer('session'),
  /** Last `online` state body (devices, capabilities, limits, stage, SAFE). */
  birth: jsonb('birth'),
  stage: text('stage'),
  safe: boolean('safe'),
  safeReason: text('safe_reason'),
  /** Last telemetry body (not history: telemetry is a snapshot). */
  telemetry: jsonb('telemetry'),
  lastSeenAt: ts('last_seen_at'),
  lastStateAt: ts('last_state_at'),
  createdAt: created(),
});

/** A campaign: a condition space, an objective and a schedule, run on a platform or a pool. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    owner: text('owner').notNull(),
    /** `queued` | `running` | `paused` | `done` | `cancelled`. */
    status: text('status').notNull().default('queued'),
    statusReason: text('status_reason'),
    /** Condition-space bounds (chemistry config input: temperatureC, reactionTimeS, cuIStream, csStream). */
    space: jsonb('space').notNull(),
    /** `{ feature, direction }`. */
    objective: jsonb('objective').notNull(),
    /** Stages, e.g. `[{policy:'lhs',count:9},{policy:'mv',count:51},{policy:'ei',count:10}]`. */
    schedule: jsonb('schedule').notNull(),
    /** Informed prior: `{ observations: [{cube, value}] }` or a campaign id to take them from. */
    prior: jsonb('prior'),
    /** Optimizer options beyond the schedule (surrogate, pending strategy). */
    optimizer: jsonb('optimizer'),
    seed: integer('seed').notNull(),
    targetPlatform: text('target_platform'),
    targetPool: text('target_pool'),
    /** The platform running it (a pool campaign gets one when it starts). */
    platformId: text('platform_id'),
    queuePosition: integer('queue_position').notNull().default(0),
    /** Experiments kept accepted ahead of the running one. */
    queueDepth: integer('queue_depth').notNull().default(2),
    /** Failures in a row that pause the campaign. */
    maxConsecutiveFailures: integer('max_consecutive_failures').notNull().default(3),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Each proposal waits for a person's approval before it is dispatched. */
    approvalGate: boolean('approval_gate').notNull().default(false),
    /** With the gate: proposals kept waiting for approval beyond what the platform holds. */
    approvalAhead: integer('approval_ahead').notNull().default(2),
    /** Experiments planned by the schedule. */
    planned: integer('planned').notNull(),
    /** Process holding the decision lease, and until when (one decision at a time). */
    leaseOwner: text('lease_owner'),
    leaseUntil: ts('lease_until'),
    createdAt: created(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('campaigns_platform_status').on(t.targetPlatform, t.status, t.queuePosition)],
);

/**
 * One proposed experiment and its lifecycle:
 * [proposed -> (approved) | rejected] -> queued -> dispatched -> accepted -> running -> done | failed | aborted
 * (or withdrawn when its campaign is cancelled first). `proposed` exists only behind an approval gate.
 */
export const experiments = pgTable(
  'experiments',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    /** Order of proposal within the campaign (1, 2, ...). */
    seq: integer('seq').notNull(),
    /** The study's suggestion id. */
    suggestionId: text('suggestion_id').notNull(),
    platformId: text('platform_id'),
    status: text('status').notNull().default('queued'),
    attempt: integer('attempt').notNull().default(1),
    cube: jsonb('cube').notNull(),
    /** Physical condition sent to the edge (temperature + six flows). */
    condition: jsonb('condition').notNull(),
    policy: text('policy').notNull(),
    stage: integer('stage').notNull(),
    acquisitionValue: doublePrecision('acquisition_value'),
    predictedMean: doublePrecision('predicted_mean'),
    predictedStd: doublePrecision('predicted_std'),
    modelVersion: integer('model_version'),
    /** The `enqueue` command that carried it. */
    commandId: uuid('command_id'),
    failure: jsonb('failure'),
    /** Who approved or rejected it, and when (approval-gated campaigns). */
    reviewedBy: text('reviewed_by'),
    reviewedAt: ts('reviewed_at'),
    reviewNote: text('review_note'),
    /** The condition as proposed, when a reviewer edited it before approving. */
    proposedCondition: jsonb('proposed_condition'),
    /** Objective value told to the study (null for failures). */
    value: doublePrecision('value'),
    createdAt: created(),
    dispatchedAt: ts('dispatched_at'),
    acceptedAt: ts('accepted_at'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** When the outcome was told to the study (null = not yet). */
    toldAt: ts('told_at'),
  },
  (t) => [uniqueIndex('experiments_campaign_seq').on(t.campaignId, t.seq), index('experiments_platform_status').on(t.platformId, t.status)],
);

/** A result as the edge sent it: one row per experiment attempt. */
export const results = pgTable(
  'results',
  {
    /** Envelope id of the result message. */
    id: uuid('id').primaryKey(),
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id),
    attempt: integer('attempt').notNull(),
    platformId: text('platform_id').notNull(),
    status: text('status').notNull(),
    features: jsonb('features'),
    spectra: jsonb('spectra'),
    flowPlan: jsonb('flow_plan'),
    timings: jsonb('timings').notNull(),
    /** Measured steady-state evidence, when the edge sends it. */
    steadyState: jsonb('steady_state'),
    failure: jsonb('failure'),
    warnings: jsonb('warnings').notNull(),
    /** The whole body as received, less the spectra (stored once, in `spectra`). */
    body: jsonb('body').notNull(),
    sentAt: ts('sent_at').notNull(),
    receivedAt: created(),
  },
  (t) => [uniqueIndex('results_experiment_attempt').on(t.experimentId, t.attempt)],
);

/** Commands sent to platforms, for acks, re-sends and the audit trail. */
export const commands = pgTable(
  'commands',
  {
    id: uuid('id').primaryKey(),
    platformId: text('platform_id').notNull(),
    type: text('type').notNull(),
    body: jsonb('body').notNull(),
    /** The exact bytes sent: a re-send repeats them, so the edge sees the same command id. */
    payload: text('payload').notNull(),
    createdAt: created(),
    sentAt: ts('sent_at'),
    sendCount: integer('send_count').notNull().default(0),
    ackedAt: ts('acked_at'),
    accepted: boolean('accepted'),
    ackReason: text('ack_reason'),
    ackDetail: text('ack_detail'),
  },
  (t) => [index('commands_unacked').on(t.platformId, t.ackedAt)],
);

/** The optimizer's serialized study after every ask/tell. */
export const studyStates = pgTable(
  'study_states',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    version: integer('version').notNull(),
    state: jsonb('state').notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.version] })],
);

/** Every model version of a campaign: serialized surrogate + metrics. */
export const modelSnapshots = pgTable(
  'model_snapshots',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    metrics: jsonb('metrics').notNull(),
    /** The `modelSnapshot` command that shipped it to the platform. */
    commandId: uuid('command_id'),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.version] })],
);

/** Events from platforms (alarms, interlocks, stages) and from the engine (campaign stage changes). */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Envelope id for events from an edge (deduplication); null for the cloud's own. */
    envelopeId: uuid('envelope_id').unique(),
    source: text('source').notNull(),
    platformId: text('platform_id'),
    campaignId: text('campaign_id'),
    experimentId: text('experiment_id'),
    type: text('type').notNull(),
    severity: text('severity').notNull().default('info'),
    body: jsonb('body').notNull(),
    at: ts('at').notNull(),
    receivedAt: created(),
  },
  (t) => [index('events_platform').on(t.platformId, t.id), index('events_campaign').on(t.campaignId, t.id)],
);

/** Who did what and why: every state-changing action. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: created(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  reason: text('reason'),
  detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
});

/** People (and robots) that use the HTTP API. */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  /** Unique login name. */
  name: text('name').notNull().unique(),
  /** `admin` | `scientist` | `viewer`. */
  role: text('role').notNull(),
  createdAt: created(),
  disabledAt: ts('disabled_at'),
});

/** API tokens: only a SHA-256 of each is stored (tokens are 192-bit random, so no slow hash is needed). */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    hash: text('hash').notNull().unique(),
    /** The first characters, to tell tokens apart in lists. */
    prefix: text('prefix').notNull(),
    label: text('label'),
    createdAt: created(),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

// ---- twin reports, ask/tell studies (API items 5 and 6) ----

/** A campaign model version's twin report (R^2, parity, calibration, SHAP, surface), computed once. */
export const twinReports = pgTable(
  'twin_reports',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    version: integer('version').notNull(),
    report: jsonb('report').notNull(),
    /** Worker time spent computing it, ms. */
    computeMs: doublePrecision('compute_ms').notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.version] })],
);

/** An ask/tell study of the HTTP API: named parameters, an objective and a schedule; no platform. */
export const labStudies = pgTable('lab_studies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  owner: text('owner').notNull(),
  /** `[{ name, type: 'continuous' | 'integer', min, max }]`, in cube order. */
  parameters: jsonb('parameters').notNull(),
  /** `{ name, direction }`. */
  objective: jsonb('objective').notNull(),
  /** Optimizer stage specs. */
  schedule: jsonb('schedule').notNull(),
  surrogate: text('surrogate'),
  seed: integer('seed').notNull(),
  /** `active` | `done` (schedule exhausted, nothing pending). */
  status: text('status').notNull().default('active'),
  /** Latest stored state version (0 = none yet). */
  version: integer('version').notNull().default(0),
  /** Process holding the decision lease, and until when (one ask/tell at a time). */
  leaseOwner: text('lease_owner'),
  leaseUntil: ts('lease_until'),
  createdAt: created(),
  updatedAt: ts('updated_at'),
});

/** The optimizer state of a lab study after every ask and tell. */
export const labStudyStates = pgTable(
  'lab_study_states',
  {
    studyId: text('study_id')
      .notNull()
      .references(() => labStudies.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    state: jsonb('state').notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.studyId, t.version] })],
);

/** A suggestion of a lab study and its outcome: pending -> told | failed | abandoned. */
export const labTrials = pgTable(
  'lab_trials',
  {
    studyId: text('study_id')
      .notNull()
      .references(() => labStudies.id, { onDelete: 'cascade' }),
    /** The optimizer's suggestion id (unique within the study). */
    id: text('id').notNull(),
    seq: integer('seq').notNull(),
    params: jsonb('params').notNull(),
    cube: jsonb('cube').notNull(),
    policy: text('policy').notNull(),
    stage: integer('stage').notNull(),
    predictedMean: doublePrecision('predicted_mean'),
    predictedStd: doublePrecision('predicted_std'),
    modelVersion: integer('model_version'),
    status: text('status').notNull().default('pending'),
    value: doublePrecision('value'),
    reason: text('reason'),
    askedAt: created(),
    toldAt: ts('told_at'),
  },
  (t) => [primaryKey({ columns: [t.studyId, t.id] }), uniqueIndex('lab_trials_seq').on(t.studyId, t.seq)],
);

/** Small key/value facts of the deployment (id counters). */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});
