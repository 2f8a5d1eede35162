/** Machine-readable error codes of the chemistry package. */
export type ChemistryErrorCode = 'INVALID_CONFIG' | 'INVALID_CUBE_POINT' | 'INVALID_SPECTRUM';

/** Error raised for programming or configuration mistakes; rule violations are returned, not thrown. */
export class ChemistryError extends Error {
  override readonly name = 'ChemistryError';
  constructor(
    readonly code: ChemistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
