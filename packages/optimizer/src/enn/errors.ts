/** Machine-readable error codes of the ENN. */
export type EnnErrorCode = 'INVALID_DATA' | 'INVALID_STRUCTURE' | 'STRUCTURE_MISMATCH' | 'INVALID_JSON';

/** Error raised for bad training data, structures or serialized models. */
export class EnnError extends Error {
  override readonly name = 'EnnError';
  constructor(
    readonly code: EnnErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
