/**
 * Errors of the MQTT link (docs/conventions.md §7). Bad input from the wire is not an error here:
 * it becomes an ack with `accepted: false`.
 *
 * @module
 */

/**
 * Machine-readable codes.
 * - `NOT_STARTED`: a publish before `start()` or after `stop()` (a wiring bug).
 * - `DISCONNECTED`: the connection closed before the broker acknowledged a publish.
 */
export type LinkErrorCode = 'NOT_STARTED' | 'DISCONNECTED';

/** An error of the link, with a `code` to branch on. */
export class LinkError extends Error {
  override readonly name = 'LinkError';

  constructor(
    readonly code: LinkErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
