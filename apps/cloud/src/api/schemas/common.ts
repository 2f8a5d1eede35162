/**
 * Building blocks shared by the route files: safe text (no NUL: PostgreSQL text and jsonb refuse
 * it, so it must be a 400, not a database error), path ids, reasons, pages, and the mapping of
 * engine errors to API errors.
 *
 * @module
 */
import { z } from '@hono/zod-openapi';
import { CampaignError } from '../../engine/campaigns';
import { PlatformError } from '../../engine/platforms';
import { IdentityError } from '../identity';
import { ApiError } from '../errors';

const NUL = '\u0000';

/** Text of at most `max` characters without NUL characters. */
export const safeText = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes(NUL), 'must not contain NUL characters');

/** Why a person changes something: required, 1-1000 characters; written to the audit log. */
export const reasonSchema = safeText(1000, 1).openapi({ description: 'why (written to the audit log)', example: 'reagent batch changed' });

/** An id in a path: letters, digits and `._:@-`, 1-128 characters. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'letters, digits and . _ : @ - only');

/** `{ id }` path parameters. */
export const idParams = z.object({ id: idSchema.openapi({ param: { name: 'id', in: 'path' } }) });

/** True when some string anywhere in `value` contains NUL (deep; arrays and objects). */
export function containsNul(value: unknown, depth = 0): boolean {
  if (depth > 64) return false; // deeper structures are refused by their schemas anyway
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes(NUL) || containsNul(v, depth + 1));
  return false;
}

/** Page of a list: `limit` (1-500, default 50) and `offset` (default 0). */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0).openapi({ param: { name: 'offset', in: 'query' } }),
};

/** ISO 8601 or null. */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** `['space.temperatureC: outside', 'x']` -> `{ 'space.temperatureC': ['outside'], '(body)': ['x'] }`. */
export function problemFields(problems: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) {
    const m = /^([A-Za-z0-9_.()[\]]+): (.*)$/s.exec(p);
    const [key, message] = m ? [m[1]!, m[2]!] : ['(body)', p];
    (out[key] ??= []).push(message);
  }
  return out;
}

/** Turns an engine error into the API's; anything else is rethrown unchanged (a 500). */
export function toApiError(error: unknown): never {
  if (error instanceof CampaignError) {
    const code = error.code === 'INVALID' ? 'VALIDATION' : error.code;
    throw new ApiError(code, error.message, code === 'NOT_FOUND' ? undefined : problemFields(error.problems));
  }
  if (error instanceof PlatformError || error instanceof IdentityError) {
    const code = error.code === 'INVALID' ? 'VALIDATION' : error.code === 'EXISTS' ? 'CONFLICT' : 'NOT_FOUND';
    throw new ApiError(code, error.message);
  }
  throw error;
}
