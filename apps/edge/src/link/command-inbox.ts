/**
 * Incoming commands: decode, persist, deduplicate, hand to the handler one at a time, and ack.
 *
 * Exactly-once effect over an at-least-once transport: the broker may deliver a QoS 1 command
 * again (MQTT 3.1.1 section 4.3.2: a PUBACK lost to a disconnect means redelivery), and the cloud
 * may re-send it. The command row is written synchronously in the `message` listener, which mqtt.js
 * runs before it sends our PUBACK, so a command that was PUBACKed is always on disk; the handler
 * runs once per id and a repeated id gets the stored ack again.
 *
 * @module
 */
import type { Logger } from 'pino';
import { decode, type AckBody, type AckReason, type DecodeFailure, type Message } from '@sdfl/protocol';
import type { CommandStore } from '../store/index';

/** `commandId` of an ack for a command whose envelope id could not be read: the nil UUID (RFC 9562 section 5.9). */
export const UNKNOWN_COMMAND_ID = '00000000-0000-0000-0000-000000000000';

/** Longest `detail` the ack schema accepts (characters). */
const MAX_DETAIL = 1000;

/** A decoded command, as the handler receives it. */
export type CommandMessage = Message<'cmd'>;

/**
 * Decides a command. For `enqueue`, resolve only after the experiments are persisted (the cloud
 * reads `accepted: true` as "on the edge's disk"). A throw becomes `accepted: false, reason:
 * 'INTERNAL'`. The returned `commandId` is overwritten with the command's envelope id.
 */
export type CommandHandler = (command: CommandMessage) => Promise<AckBody> | AckBody;

/** What the inbox needs from the link to persist and queue an ack. */
export interface AckSink {
  /**
   * Encodes `ack`, and in one transaction stores it as the command's decided ack (when
   * `commandId` is not {@link UNKNOWN_COMMAND_ID}) and appends it to the outbox; then sends it.
   *
   * @throws {EncodeError} when `ack` breaks the schema; nothing is stored then.
   */
  sendAck(ack: AckBody): void;
}

/** Options of {@link CommandInbox}. */
export interface CommandInboxOptions {
  /** This platform's `cmd` topic. */
  readonly topic: string;
  readonly commands: CommandStore;
  readonly sink: AckSink;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
}

/** Receives `cmd` messages; see the module comment. */
export class CommandInbox {
  readonly #options: CommandInboxOptions;
  #handler: CommandHandler | undefined;
  /** Serialises handling so that commands take effect in arrival order. */
  #chain: Promise<void> = Promise.resolve();
  /** Ids whose handler is queued or running in this process. */
  readonly #inProgress = new Set<string>();

  constructor(options: CommandInboxOptions) {
    this.#options = options;
  }

  /** Registers the handler (one; a second call replaces it). */
  setHandler(handler: CommandHandler): void {
    this.#handler = handler;
  }

  /** Resolves when every command received so far has been handled and acked. */
  async idle(): Promise<void> {
    await this.#chain;
  }

  /**
   * Re-queues commands that were persisted but never acked (the process died while handling
   * them): they were PUBACKed, so the broker will not deliver them again.
   */
  recover(): void {
    for (const row of this.#options.commands.pending()) {
      this.#options.log.warn({ commandId: row.id, type: row.type }, 'resuming a command left unacked by a previous run');
      this.receive(this.#options.topic, row.payload);
    }
  }

  /** Handles one received message. Synchronous up to (and including) persisting the command. */
  receive(topic: string, payload: Uint8Array | string): void {
    const { commands, log } = this.#options;
    if (topic !== this.#options.topic) {
      log.warn({ topic }, 'message on an unexpected topic ignored');
      return;
    }
    const result = decode(topic, payload);
    if (result.ok && result.kind !== 'cmd') return; // unreachable: the topic is our cmd topic
    const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
    const id = result.ok ? result.message.id : result.error.messageId;
    const stored = id === undefined ? undefined : commands.get(id);

    if (id !== undefined && stored !== undefined && stored.ack !== null) {
      log.info({ commandId: id }, 'duplicate command: re-sending the stored ack');
      this.#options.sink.sendAck(JSON.parse(stored.ack) as AckBody);
      return;
    }
    if (!result.ok) {
      if (id !== undefined && stored === undefined) commands.insert({ id, type: null, payload: text });
      log.warn({ commandId: id, code: result.error.code, detail: result.error.detail }, 'command rejected');
      this.#options.sink.sendAck(rejection(id ?? UNKNOWN_COMMAND_ID, result.error));
      return;
    }
    const command = result.message;
    if (this.#inProgress.has(command.id)) {
      log.debug({ commandId: command.id }, 'duplicate of a command being handled: ignored');
      return;
    }
    if (stored === undefined) commands.insert({ id: command.id, type: command.body.type, payload: text });
    this.#inProgress.add(command.id);
    this.#chain = this.#chain
      .then(() => this.#handle(command))
      .catch((error: unknown) => {
        // Only a storage failure gets here; keep the chain alive for the next command.
        this.#inProgress.delete(command.id);
        log.error({ err: error, commandId: command.id }, 'command could not be acked');
      });
  }

  async #handle(command: CommandMessage): Promise<void> {
    let ack: AckBody;
    try {
      const handler = this.#handler;
      ack =
        handler === undefined
          ? { commandId: command.id, accepted: false, reason: 'INTERNAL', detail: 'no command handler registered' }
          : await handler(command);
    } catch (error) {
      this.#options.log.error({ err: error, commandId: command.id }, 'command handler threw');
      ack = { commandId: command.id, accepted: false, reason: 'INTERNAL', detail: truncate(errorText(error)) };
    }
    try {
      this.#options.sink.sendAck({ ...ack, commandId: command.id });
    } catch (error) {
      // The handler returned an ack that breaks the schema: answer INTERNAL rather than nothing.
      this.#options.log.error({ err: error, commandId: command.id }, 'invalid ack from the command handler');
      this.#options.sink.sendAck({ commandId: command.id, accepted: false, reason: 'INTERNAL', detail: truncate(errorText(error)) });
    } finally {
      this.#inProgress.delete(command.id);
    }
  }
}

function rejection(commandId: string, failure: DecodeFailure): AckBody {
  // A newer major version gets its own reason so that the cloud can tell "upgrade the edge" apart.
  const reason: AckReason = failure.code === 'UNSUPPORTED_VERSION' ? 'UNSUPPORTED_VERSION' : 'INVALID_COMMAND';
  return { commandId, accepted: false, reason, detail: truncate(`${failure.code}: ${failure.detail}`) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 3)}...`;
}
