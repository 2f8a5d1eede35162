/**
 * Drizzle schema of the edge database (SQLite via better-sqlite3). Migrations in `apps/edge/drizzle`
 * are generated from this file with `npx drizzle-kit generate` (config: `apps/edge/drizzle.config.ts`)
 * and applied by {@link openEdgeDb}; never edit a generated migration, add a new one.
 *
 * Times are integers, ms since the Unix epoch. JSON columns hold text exactly as sent or received.
 *
 * @module
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Durable outbox of QoS 1 messages (results, events, acks). A row is written before the first
 * publish attempt, so it survives a broker outage or a process crash and is re-sent, byte for byte,
 * on the next connection. An ack (or any kind the cloud does not receipt) is deleted on its PUBACK;
 * a result or event (protocol `RECEIPTED_KINDS`) stays, with `brokerAckedAt` set, until the cloud's
 * `receipt` names its envelope id: a PUBACK only says the broker had it.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    /**
     * Delivery order. AUTOINCREMENT (not just ROWID) so that a seq is never reused, even after the
     * newest rows were deleted: a resend can then never be mistaken for a newer message.
     */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** MQTT topic, built by `@sdfl/protocol`. */
    topic: text('topic').notNull(),
    /** Message kind (`result`, `event`, `ack`, ...). */
    kind: text('kind').notNull(),
    /** The exact encoded payload (JSON text); re-sent unchanged so the envelope `id` is stable. */
    payload: text('payload').notNull(),
    /** When the row was appended, ms since the epoch. */
    createdAt: integer('created_at').notNull(),
    /** Envelope `id` of the payload, which a `receipt` names; `null` only for payloads without one. */
    envelopeId: text('envelope_id'),
    /**
     * When the broker last PUBACKed it, ms since the epoch: the row now waits for the cloud's receipt.
     * `null` while the broker has not acknowledged it (queued or in flight).
     */
    brokerAckedAt: integer('broker_acked_at'),
  },
  (t) => [index('outbox_envelope_id_idx').on(t.envelopeId)],
);

/**
 * Commands received from the cloud, keyed by envelope id: persisted before the handler runs and
 * completed with the ack it decided, so that a redelivered command gets the same ack again.
 */
export const commands = sqliteTable(
  'commands',
  {
    /** Envelope `id` of the command (uuid). */
    id: text('id').primaryKey(),
    /** When it was received, ms since the epoch. */
    receivedAt: integer('received_at').notNull(),
    /** Command `type` (`enqueue`, ...); `null` for a command that failed to decode. */
    type: text('type'),
    /** The payload as received (JSON text, or the raw text of a malformed one). */
    payload: text('payload').notNull(),
    /** The ack body (JSON) once decided; `null` while the handler runs. */
    ack: text('ack'),
  },
  (t) => [index('commands_pending_idx').on(t.ack, t.receivedAt)],
);

/** Small key/value state: the link's session counter and reserved sender seq, and the like. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Statuses of a queued experiment on the edge. */
export const QUEUE_STATUSES = ['queued', 'running', 'done', 'failed', 'aborted', 'cancelled'] as const;
/** One of {@link QUEUE_STATUSES}. */
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** The edge's persisted experiment queue (repository owned by the runner). */
export const queue = sqliteTable(
  'queue',
  {
    experimentId: text('experiment_id').notNull(),
    /** 1 for the first try, +1 per retry. */
    attempt: integer('attempt').notNull(),
    /** Run order; lower runs first. */
    position: integer('position').notNull(),
    /** The condition as JSON (temperature C, flows uL/min). */
    condition: text('condition').notNull(),
    campaignId: text('campaign_id'),
    status: text('status', { enum: QUEUE_STATUSES }).notNull(),
    /** Runner stage while `running`. */
    stage: text('stage'),
    /** Last change, ms since the epoch. */
    updatedAt: integer('updated_at').notNull(),
    /** Envelope id of the published result, once there is one. */
    resultId: text('result_id'),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.attempt] }),
    index('queue_status_position_idx').on(t.status, t.position),
    check(
      'queue_status_check',
      sql.raw(`${t.status.name} IN (${QUEUE_STATUSES.map((s) => `'${s}'`).join(', ')})`),
    ),
  ],
);

/** Audit trail of state-machine transitions (runner and link). */
export const transitions = sqliteTable(
  'transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    experimentId: text('experiment_id'),
    attempt: integer('attempt'),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    /** When, ms since the epoch. */
    at: integer('at').notNull(),
    /** Free-form JSON or text. */
    detail: text('detail'),
  },
  (t) => [index('transitions_experiment_idx').on(t.experimentId, t.attempt)],
);

/** Row types, for repositories. */
export type OutboxRow = typeof outbox.$inferSelect;
export type CommandRow = typeof commands.$inferSelect;
export type QueueRow = typeof queue.$inferSelect;
export type NewQueueRow = typeof queue.$inferInsert;
export type TransitionRow = typeof transitions.$inferSelect;
export type NewTransitionRow = typeof transitions.$inferInsert;
