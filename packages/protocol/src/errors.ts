/**
 * Error hierarchy of the protocol package. Thrown errors signal programming errors on *our* side
 * (an invalid platform id, an outgoing message that breaks its schema). Bad input from the wire is
 * never thrown: `decode` returns a {@link DecodeFailure} value instead.
 *
 * @module
 */

/** One schema violation: where (path into the message) and what. */
export interface PayloadIssue {
  /** Path into the message, e.g. `['body', 'experiments', 0, 'condition', 'temperatureC']`. */
  readonly path: readonly (string | number)[];
  /** Human-readable description from the validator. */
  readonly message: string;
}

/** Machine-readable codes of thrown {@link ProtocolError}s. */
export type ProtocolErrorCode =
  /** A platform id or shared-subscription group that cannot be a single topic level. */
  | 'INVALID_PLATFORM'
  /** An outgoing message that does not match its schema. */
  | 'INVALID_MESSAGE'
  /** An outgoing message whose JSON is larger than the payload cap. */
  | 'OVERSIZED'
  /** An outgoing body that `JSON.stringify` cannot serialise (BigInt, cycles). */
  | 'UNSERIALIZABLE'
  /** Options passed to a factory (`createDecoder`, `createSender`) are invalid. */
  | 'INVALID_OPTIONS';

/** Options for {@link ProtocolError}. */
export interface ProtocolErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Schema violations, for `INVALID_MESSAGE`. */
  readonly issues?: readonly PayloadIssue[];
}

/**
 * Base class of every error this package throws. Branch on `code`, not on the class.
 *
 * @example
 * ```ts
 * try { encode('cmd', body, envelope); }
 * catch (e) { if (e instanceof ProtocolError && e.code === 'INVALID_MESSAGE') log(e.issues); }
 * ```
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
  /** Machine-readable error code. */
  readonly code: ProtocolErrorCode;
  /** Schema violations (empty unless `code` is `INVALID_MESSAGE`). */
  readonly issues: readonly PayloadIssue[];

  constructor(code: ProtocolErrorCode, message: string, options: ProtocolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** A platform id or topic level was rejected (code `INVALID_PLATFORM`). */
export class TopicError extends ProtocolError {
  override readonly name: string = 'TopicError';
  constructor(message: string, options: ProtocolErrorOptions = {}) {
    super('INVALID_PLATFORM', message, options);
  }
}

/** An outgoing message could not be encoded (codes `INVALID_MESSAGE`, `OVERSIZED`, `UNSERIALIZABLE`). */
export class EncodeError extends ProtocolError {
  override readonly name: string = 'EncodeError';
  constructor(
    code: Extract<ProtocolErrorCode, 'INVALID_MESSAGE' | 'OVERSIZED' | 'UNSERIALIZABLE'>,
    message: string,
    options: ProtocolErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** Codes of a failed `decode`; each is a distinct way an incoming message can be bad. */
export const DECODE_ERROR_CODES = [
  'UNKNOWN_TOPIC',
  'OVERSIZED',
  'MALFORMED_JSON',
  'UNSUPPORTED_VERSION',
  'INVALID_PAYLOAD',
] as const;
/** One of {@link DECODE_ERROR_CODES}. */
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

/**
 * Why an incoming message was refused. A plain value, not an `Error`: bad input from the network
 * is expected, so it is returned rather than thrown.
 */
export interface DecodeFailure {
  /** Machine-readable code. */
  readonly code: DecodeErrorCode;
  /** Short human-readable explanation (bounded length; for `INVALID_PAYLOAD` it lists paths). */
  readonly detail: string;
  /** Schema violations, for `INVALID_PAYLOAD` (at most 20). */
  readonly issues?: readonly PayloadIssue[];
  /**
   * The envelope `id` when the payload was JSON with a well-formed uuid `id`, so that an edge can
   * reject a bad command with an ack that names it.
   */
  readonly messageId?: string;
}
