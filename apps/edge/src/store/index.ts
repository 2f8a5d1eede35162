/**
 * The edge's SQLite store: schema, `openEdgeDb`, and the link's repositories (outbox, commands,
 * meta). The runner's queue/transitions repository lives in `runner/` against the same schema.
 *
 * @packageDocumentation
 */
export * as schema from './schema.js';
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
} from './schema.js';
export { openEdgeDb, DEFAULT_MIGRATIONS_FOLDER, type EdgeDb, type EdgeDrizzle, type OpenEdgeDbOptions } from './open.js';
export { OutboxStore, type OutboxMessage, type OutboxStoreContract, type OutboxStoreOptions } from './outbox-store.js';
export { CommandStore, type CommandStoreOptions, type NewCommand } from './command-store.js';
export { MetaStore, META_KEYS } from './meta-store.js';
