/**
 * `decode`: topic + payload bytes -> a typed message, or a typed failure. Never throws.
 *
 * Checks run in this order, and the first failing one names the error:
 * 1. `UNKNOWN_TOPIC` — not `sdfl/v1/{valid platform}/{kind}`;
 * 2. `OVERSIZED` — payload larger than `maxBytes` (UTF-8 bytes), checked before any parsing;
 * 3. `MALFORMED_JSON` — not valid UTF-8, or not JSON;
 * 4. `UNSUPPORTED_VERSION` — an integer `v` other than {@link PROTOCOL_VERSION};
 * 5. `INVALID_PAYLOAD` — the kind's schema rejects it (the detail lists the paths).
 * Unknown keys are dropped, not rejected, so newer senders of the same major version still decode.
 *
 * @module
 */
import { DEFAULT_MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, type MessageKind } from './constants';
import { ProtocolError, type DecodeErrorCode, type DecodeFailure, type PayloadIssue } from './errors';
import { messageSchemas, type Message } from './messages';
import { uuid } from './schemas/common';
import { parseTopic, type ParsedTopic } from './topics';
import { describe, formatIssues, toIssues, utf8ByteLengthExceeds } from './util';

/** Options of {@link decode} and {@link createDecoder}. */
export interface DecodeOptions<K extends MessageKind = MessageKind> {
  /**
   * The only kind the caller accepts (an edge: `'cmd'`). A valid topic of another kind is
   * `UNKNOWN_TOPIC`, and the result type narrows to `K` without a `kind` check.
   */
  readonly expect?: K;
  /**
   * Largest accepted payload, UTF-8 bytes. Default {@link DEFAULT_MAX_PAYLOAD_BYTES} (1 MiB).
   * `decode` falls back to the default when this is not a non-negative number; `createDecoder`
   * throws instead.
   */
  readonly maxBytes?: number;
}

/** A decoded message; narrow on `kind` to get the typed `message`. */
export type DecodeSuccess<Kinds extends MessageKind = MessageKind> = {
  [K in Kinds]: {
    readonly ok: true;
    /** The message kind (same as `topic.kind`, repeated here so that `switch (r.kind)` narrows). */
    readonly kind: K;
    readonly topic: ParsedTopic & { readonly kind: K };
    readonly message: Message<K>;
  };
}[Kinds];

/** A refused message. `topic` is present when the topic itself was valid. */
export interface DecodeRejected {
  readonly ok: false;
  readonly error: DecodeFailure;
  readonly topic?: ParsedTopic;
}

/** Result of {@link decode}; `K` narrows when `options.expect` is given. */
export type DecodeResult<K extends MessageKind = MessageKind> = DecodeSuccess<K> | DecodeRejected;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one received MQTT message. Never throws, whatever `topic` and `payload` hold.
 *
 * @param topic - the topic the message arrived on.
 * @param payload - raw bytes (`Buffer` is a `Uint8Array`) or an already-decoded string.
 * @param options - `maxBytes` cap (default 1 MiB) and `expect`, the one kind accepted.
 * @example
 * ```ts
 * client.on('message', (topic, bytes) => {
 *   const r = decode(topic, bytes);
 *   if (!r.ok) return log.warn(r.error.code, r.error.detail);
 *   if (r.kind === 'result') store(r.topic.platform, r.message.body);
 * });
 * // An edge: r.message is a Message<'cmd'> once r.ok.
 * const r = decode(topic, bytes, { expect: 'cmd' });
 * ```
 */
export function decode<K extends MessageKind = MessageKind>(
  topic: string,
  payload: Uint8Array | string,
  options: DecodeOptions<K> = {},
): DecodeResult<K> {
  try {
    const maxBytes = isValidMaxBytes(options.maxBytes) ? options.maxBytes : DEFAULT_MAX_PAYLOAD_BYTES;
    return decodeChecked(topic, payload, maxBytes, options.expect) as DecodeResult<K>;
  } catch (cause) {
    // Defence in depth: nothing above is expected to throw, but the contract is "never throws".
    const detail = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: { code: 'INVALID_PAYLOAD', detail: `could not validate: ${detail.slice(0, 200)}` } };
  }
}

/**
 * A `decode` bound to options validated once, at start-up.
 *
 * @throws {ProtocolError} code `INVALID_OPTIONS` when `maxBytes` is not a non-negative number.
 * @example
 * ```ts
 * const decodeSmall = createDecoder({ maxBytes: 64 * 1024 });
 * ```
 */
export function createDecoder<K extends MessageKind = MessageKind>(
  options: DecodeOptions<K> = {},
): (topic: string, payload: Uint8Array | string) => DecodeResult<K> {
  if (options.maxBytes !== undefined && !isValidMaxBytes(options.maxBytes)) {
    throw new ProtocolError('INVALID_OPTIONS', `maxBytes must be a non-negative number, got ${String(options.maxBytes)}`);
  }
  return (topic, payload) => decode(topic, payload, options);
}

function decodeChecked(
  topic: string,
  payload: Uint8Array | string,
  maxBytes: number,
  expect: MessageKind | undefined,
): DecodeResult {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic.ok) return { ok: false, error: parsedTopic.error };
  const where = parsedTopic.topic;
  const fail = (code: DecodeErrorCode, detail: string, extra: Partial<DecodeFailure> = {}): DecodeRejected => ({
    ok: false,
    topic: where,
    error: { code, detail, ...extra },
  });
  if (expect !== undefined && where.kind !== expect) {
    return fail('UNKNOWN_TOPIC', `expected a ${expect} topic, got ${where.kind}`);
  }

  let text: string;
  if (typeof payload === 'string') {
    if (utf8ByteLengthExceeds(payload, maxBytes)) return fail('OVERSIZED', `payload exceeds ${maxBytes} bytes`);
    text = payload;
  } else if (payload instanceof Uint8Array) {
    if (payload.byteLength > maxBytes) {
      return fail('OVERSIZED', `payload is ${payload.byteLength} bytes, more than ${maxBytes}`);
    }
    try {
      text = utf8.decode(payload);
    } catch {
      return fail('MALFORMED_JSON', 'payload is not valid UTF-8');
    }
  } else {
    return fail('MALFORMED_JSON', `payload must be bytes or a string, got ${typeof payload}`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : 'invalid JSON';
    return fail('MALFORMED_JSON', detail.slice(0, 200));
  }

  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('INVALID_PAYLOAD', `(root): expected a JSON object, got ${Array.isArray(json) ? 'array' : json === null ? 'null' : typeof json}`);
  }
  const record = json as Record<string, unknown>;
  const messageId = typeof record.id === 'string' && uuid.safeParse(record.id).success ? record.id : undefined;
  const idField = messageId === undefined ? {} : { messageId };

  const v = record.v;
  if (typeof v === 'number' && Number.isInteger(v) && v !== PROTOCOL_VERSION) {
    return fail('UNSUPPORTED_VERSION', `v=${v}; this receiver supports v=${PROTOCOL_VERSION}`, idField);
  }

  const parsed = messageSchemas[where.kind].safeParse(json);
  if (!parsed.success) {
    const issues: PayloadIssue[] = toIssues(parsed.error.issues);
    const detail = formatIssues(issues, parsed.error.issues.length).slice(0, 2000);
    return fail('INVALID_PAYLOAD', `${where.kind} ${describe(where.platform)}: ${detail}`, { issues, ...idField });
  }
  return { ok: true, kind: where.kind, topic: where, message: parsed.data } as DecodeSuccess;
}

function isValidMaxBytes(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value) && value >= 0;
}

