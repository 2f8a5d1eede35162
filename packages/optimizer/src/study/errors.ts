/** Machine-readable codes of {@link StudyError}. */
export type StudyErrorCode = 'UNKNOWN_ID' | 'ALREADY_TOLD' | 'INVALID_RESULT' | 'INVALID_OPTIONS' | 'INVALID_STATE' | 'NO_MODEL';

/** Errors of the ask/tell study, with a `code` for API error mapping. */
export class StudyError extends Error {
  override readonly name = 'StudyError';
  constructor(
    readonly code: StudyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
