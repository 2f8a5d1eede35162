/**
 * The edge's MQTT link: birth/will with persisted sessions, durable in-order outbox, idempotent
 * command inbox, QoS 0 telemetry.
 *
 * @packageDocumentation
 */
export { Link } from './link';
export type { BirthState, LinkEvents, LinkOptions, QueuedMessage } from './link-options';
export { CommandInbox, UNKNOWN_COMMAND_ID, type AckSink, type CommandHandler, type CommandInboxOptions, type CommandMessage } from './command-inbox';
export { OutboxPump, type OutboxPumpOptions, type PublishRow } from './outbox-pump';
export { ReceiptTimer, DEFAULT_MAX_RECEIPT_TIMEOUT_MS, DEFAULT_RECEIPT_TIMEOUT_MS, type ReceiptTimerOptions } from './receipt-timer';
export { LinkSequence, type LinkSequenceOptions } from './sequence';
export { NullStore } from './null-store';
export { LinkError, type LinkErrorCode } from './errors';
