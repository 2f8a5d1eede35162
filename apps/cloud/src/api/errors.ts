/**
 * The API's one error type and its JSON shape. Routes throw {@link ApiError}; the app's single
 * error handler turns it (and anything unexpected) into `{ error: { code, message, fields? } }`.
 *
 * @module
 */
import { z } from '@hono/zod-openapi';

/** Machine-readable error codes and their HTTP statuses. */
export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error the API reports to its caller. `fields` maps a body/query path to its messages. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

/** The error body every failing route returns. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
    }),
  })
  .openapi('Error');

/** Per-field messages from zod issues: `{ 'schedule.0.count': ['Too small: ...'] }`. */
export function fieldMessages(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '(body)';
    (out[key] ??= []).push(i.message);
  }
  return out;
}

/** Standard error responses for route definitions. */
export const errorResponses = (...codes: ErrorCode[]) =>
  Object.fromEntries(codes.map((c) => [ERROR_STATUS[c], { description: c, content: { 'application/json': { schema: errorSchema } } }]));
