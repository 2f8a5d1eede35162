/**
 * The edge's SQLite store: schema, `openEdgeDb`, and the link's repositories (outbox, commands,
 * meta). The runner's queue/transitions repository lives in `runner/` against the same schema.
 *
 * @packageDocumentation
 */
export * as schema from './schema';
export {
  commands,
  meta,
  outbox,
  queue,
  transitions,
  QUEUE_STATUSES,
  type QueueStatus,
  type CommandRow,
  type OutboxRow,
  type QueueRow,
  type NewQueueRow,
  type TransitionRow,
  type NewTransitionRow,
} from './schema';
export { openEdgeDb, DEFAULT_MIGRATIONS_FOLDER, type EdgeDb, type EdgeDrizzle, type OpenEdgeDbOptions } from './open';
export { OutboxStore, type OutboxMessage, type OutboxStoreContract, type OutboxStoreOptions } from './outbox-store';
export { CommandStore, type CommandStoreOptions, type NewCommand } from './command-store';
export { MetaStore, META_KEYS } from './meta-store';
