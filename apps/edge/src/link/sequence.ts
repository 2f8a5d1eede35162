/**
 * Session and sequence numbers of the edge's messages, persisted so that they survive restarts.
 *
 * - `session` (envelope `session`, like Sparkplug B's `bdSeq`): +1 for every MQTT connection and
 *   every process start. The birth and the last-will of one connection carry the same session, so
 *   the cloud can ignore a stale will of an earlier connection (see protocol `schemas/state.ts`).
 *   It is persisted BEFORE the CONNECT that carries it: a crash right after connecting can then
 *   never lead the next process to reuse the number.
 * - `seq` (envelope `seq`): +1 per message, never reset, across sessions and restarts. Writing it
 *   on every message would cost one fsync per telemetry sample, so blocks of `seqBlock` numbers are
 *   reserved at a time (hi/lo): after a crash the next process starts above the last reservation,
 *   which leaves a gap of at most `seqBlock` but never goes backwards.
 *
 * @module
 */
import { createSender, type BodyInput, type Encoded, type MessageKind, type Sender } from '@sdfl/protocol';
import { META_KEYS, type MetaStore } from '../store/index';

/** Options of {@link LinkSequence}. */
export interface LinkSequenceOptions {
  /** How many seq numbers are reserved per meta write. Default 1000. */
  readonly seqBlock?: number;
  /** Current time, ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Envelope id generator; default `crypto.randomUUID`. */
  readonly randomId?: () => string;
}

/**
 * Stamps envelopes with a persisted session and a restart-monotonic seq.
 *
 * @example
 * ```ts
 * const sequence = new LinkSequence(new MetaStore(edgeDb));
 * sequence.beginSession(); // before each CONNECT
 * const { payload } = sequence.encode('event', { type: 'stage', from: 'idle', to: 'heating' });
 * ```
 */
export class LinkSequence {
  readonly #meta: MetaStore;
  readonly #seqBlock: number;
  readonly #now: (() => number) | undefined;
  readonly #randomId: (() => string) | undefined;
  #sender: Sender | undefined;
  /** Seq numbers below this are covered by the persisted reservation. */
  #reserved = 0;

  constructor(meta: MetaStore, options: LinkSequenceOptions = {}) {
    this.#meta = meta;
    this.#seqBlock = Math.max(1, Math.trunc(options.seqBlock ?? 1000));
    this.#now = options.now;
    this.#randomId = options.randomId;
  }

  /** The current session, or 0 before the first {@link beginSession}. */
  get session(): number {
    return this.#sender?.session ?? 0;
  }

  /** The seq the next message will get. */
  get nextSeq(): number {
    return this.#sender?.nextSeq ?? this.#meta.getInt(META_KEYS.seqReserved, 0);
  }

  /**
   * Starts a new session: increments and persists the session counter and returns it. Seq
   * numbering continues; on the first call of a process it resumes above the last reservation.
   */
  beginSession(): number {
    const session = this.#meta.increment(META_KEYS.session);
    let startSeq = this.#sender?.nextSeq;
    if (startSeq === undefined) {
      startSeq = this.#meta.getInt(META_KEYS.seqReserved, 0);
      this.#reserved = startSeq;
    }
    this.#sender = createSender({
      session,
      startSeq,
      ...(this.#now === undefined ? {} : { now: this.#now }),
      ...(this.#randomId === undefined ? {} : { randomId: this.#randomId }),
    });
    return session;
  }

  /**
   * Validates and stamps one message (see `@sdfl/protocol` `createSender`).
   *
   * @throws {Error} before the first {@link beginSession}.
   * @throws {EncodeError} when `body` breaks the schema (a bug on our side); no seq is consumed.
   */
  encode<K extends MessageKind>(kind: K, body: BodyInput<K>): Encoded<K> {
    const sender = this.#sender;
    if (sender === undefined) throw new Error('LinkSequence.encode called before beginSession()');
    if (sender.nextSeq >= this.#reserved) {
      // Persist the reservation before any seq of the new block can leave the process.
      this.#reserved = sender.nextSeq + this.#seqBlock;
      this.#meta.setInt(META_KEYS.seqReserved, this.#reserved);
    }
    return sender.encode(kind, body);
  }
}
