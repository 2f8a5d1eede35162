/**
 * The cloud's errors below the API: each has a machine-readable `code` (mapped onto an HTTP status
 * by the API's one error handler) and, where several things are wrong at once, every problem.
 *
 * @module
 */

/** Codes any cloud error may carry. */
export type CloudErrorCode = 'INVALID' | 'NOT_FOUND' | 'EXISTS' | 'CONFLICT' | 'BUSY';

/** Base of the cloud's errors; subclasses narrow the codes and name the area. */
export class CloudError<C extends CloudErrorCode = CloudErrorCode> extends Error {
  /** Every problem, for callers that list them (the message joins them). */
  readonly problems: string[];

  constructor(
    readonly code: C,
    problems: string | string[],
  ) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('; '));
    this.problems = list;
    this.name = new.target.name;
  }
}
