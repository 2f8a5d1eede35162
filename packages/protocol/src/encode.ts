/**
 * `encode` and `createSender`: body -> validated JSON payload. Outgoing messages are validated
 * against the same schemas as incoming ones; a violation is a bug on our side and throws an
 * {@link EncodeError}.
 *
 * @module
 */
import { DEFAULT_MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, type MessageKind } from './constants';
import { EncodeError, ProtocolError } from './errors';
import { messageSchemas, type BodyInput, type Message } from './messages';
import type { Envelope } from './schemas/common';
import { formatIssues, toIssues, utf8ByteLengthExceeds } from './util';

/** Envelope fields a caller supplies to {@link encode}; `v` defaults to {@link PROTOCOL_VERSION}. */
export type EnvelopeFields = Omit<Envelope, 'v'> & { readonly v?: Envelope['v'] };

/** Options of {@link encode}. */
export interface EncodeOptions {
  /** Largest payload, UTF-8 bytes; default {@link DEFAULT_MAX_PAYLOAD_BYTES} (1 MiB), as for `decode`. */
  readonly maxBytes?: number;
}

/** A validated message and its JSON payload. */
export interface Encoded<K extends MessageKind> {
  /** The message as validated (unknown keys stripped). */
  readonly message: Message<K>;
  /** JSON text to publish (MQTT clients accept strings; UTF-8 on the wire). */
  readonly payload: string;
}

/**
 * Validates and serialises one message. Prefer {@link createSender}, which stamps the envelope.
 *
 * @returns the JSON payload.
 * @throws {EncodeError} `INVALID_MESSAGE` (schema violation, `issues` lists them), `UNSERIALIZABLE`,
 *   or `OVERSIZED` (payload larger than `maxBytes`).
 * @example
 * ```ts
 * const payload = encode('cmd', { type: 'ping' }, { id: crypto.randomUUID(), ts: new Date().toISOString(), seq: 0, session: 1 });
 * ```
 */
export function encode<K extends MessageKind>(
  kind: K,
  body: BodyInput<K>,
  envelope: EnvelopeFields,
  options: EncodeOptions = {},
): string {
  return encodeMessage(kind, body, envelope, options).payload;
}

/** Like {@link encode}, but returns the validated message too. */
export function encodeMessage<K extends MessageKind>(
  kind: K,
  body: BodyInput<K>,
  envelope: EnvelopeFields,
  options: EncodeOptions = {},
): Encoded<K> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const schema = messageSchemas[kind] as (typeof messageSchemas)[MessageKind] | undefined;
  if (schema === undefined) {
    throw new EncodeError('INVALID_MESSAGE', `unknown message kind ${JSON.stringify(kind)}`);
  }
  const candidate = { v: PROTOCOL_VERSION, ...envelope, body };
  let parsed;
  try {
    parsed = schema.safeParse(candidate);
  } catch (cause) {
    throw new EncodeError('UNSERIALIZABLE', `${kind} body could not be validated`, { cause });
  }
  if (!parsed.success) {
    const issues = toIssues(parsed.error.issues);
    throw new EncodeError(
      'INVALID_MESSAGE',
      `invalid outgoing ${kind}: ${formatIssues(issues, parsed.error.issues.length)}`,
      { issues, cause: parsed.error },
    );
  }
  let payload: string;
  try {
    payload = JSON.stringify(parsed.data);
  } catch (cause) {
    throw new EncodeError('UNSERIALIZABLE', `${kind} body is not JSON-serialisable`, { cause });
  }
  if (utf8ByteLengthExceeds(payload, maxBytes)) {
    throw new EncodeError('OVERSIZED', `${kind} payload exceeds ${maxBytes} bytes`);
  }
  return { message: parsed.data as Message<K>, payload };
}

/** Options of {@link createSender}. */
export interface SenderOptions {
  /** Session number of this sender (+1 per connection or process start), >= 0. */
  readonly session: number;
  /** First `seq` to use; default 0. */
  readonly startSeq?: number;
  /** Current time, ms since the epoch; default `Date.now`. Inject the shared `Clock` here. */
  readonly now?: () => number;
  /** Message id generator; default `crypto.randomUUID`. */
  readonly randomId?: () => string;
  /** Largest payload, UTF-8 bytes; default 1 MiB. */
  readonly maxBytes?: number;
}

/** Stamps envelopes (`id`, `ts`, `seq`, `session`) onto bodies; see {@link createSender}. */
export interface Sender {
  /** This sender's session. */
  readonly session: number;
  /** The `seq` the next message will get. */
  readonly nextSeq: number;
  /**
   * Validates, stamps and serialises one message. `seq` advances only on success, so a
   * rejected message leaves no gap.
   *
   * @throws {EncodeError} as {@link encode}.
   */
  encode<K extends MessageKind>(kind: K, body: BodyInput<K>): Encoded<K>;
}

/**
 * A sender for one session: every message gets a fresh uuid `id`, `ts` from `now()` and the
 * next `seq`. Create one per connection (or per process start) with the next session number.
 *
 * @throws {ProtocolError} code `INVALID_OPTIONS` when `session` or `startSeq` is not a non-negative integer.
 * @example
 * ```ts
 * const sender = createSender({ session: 3, now: () => clock.now() });
 * const { payload } = sender.encode('event', { type: 'stage', from: 'idle', to: 'heating' });
 * client.publish(topics('rig-1').event, payload, { qos: 1 });
 * ```
 */
export function createSender(options: SenderOptions): Sender {
  const { session, startSeq = 0, now = Date.now, randomId = () => globalThis.crypto.randomUUID() } = options;
  for (const [name, value] of [['session', session], ['startSeq', startSeq]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ProtocolError('INVALID_OPTIONS', `${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  const encodeOptions: EncodeOptions = options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes };
  let seq = startSeq;
  return {
    session,
    get nextSeq() {
      return seq;
    },
    encode(kind, body) {
      const ms = now();
      if (!Number.isFinite(ms)) throw new EncodeError('INVALID_MESSAGE', `now() returned ${String(ms)}, not a time`);
      const envelope = { id: randomId(), ts: new Date(ms).toISOString(), seq, session };
      const encoded = encodeMessage(kind, body, envelope, encodeOptions);
      seq += 1;
      return encoded;
    },
  };
}
