/**
 * Internal helpers: bounded rendering of untrusted input and zod issue conversion.
 * Not exported from the package index.
 *
 * @module
 */
import type { z } from 'zod';
import type { PayloadIssue } from './errors';

/** Most issues kept in a failure, so that a huge bad payload yields a bounded error. */
export const MAX_ISSUES = 20;

/** Longest path segment kept in an issue (record keys come from the wire and may be huge). */
const MAX_SEGMENT = 64;

/** A bounded, quoted rendering of untrusted input for error messages. */
export function describe(value: unknown, max = 80): string {
  if (typeof value !== 'string') return typeof value;
  const shown = value.length > max ? `${value.slice(0, max)}...(${value.length} chars)` : value;
  return JSON.stringify(shown);
}

/** Converts zod issues to bounded {@link PayloadIssue}s (at most {@link MAX_ISSUES}). */
export function toIssues(issues: readonly z.core.$ZodIssue[]): PayloadIssue[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map((segment) =>
      typeof segment === 'number' ? segment : String(segment).slice(0, MAX_SEGMENT),
    ),
    message: issue.message.slice(0, 200),
  }));
}

/** One line per issue, `path: message`, with a count of the issues left out. */
export function formatIssues(issues: readonly PayloadIssue[], total: number): string {
  const lines = issues.map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`);
  const more = total > issues.length ? `; and ${total - issues.length} more` : '';
  return `${lines.join('; ')}${more}`;
}

/**
 * True when the UTF-8 encoding of `s` is longer than `max` bytes, without encoding it: every
 * UTF-16 unit takes 1..3 bytes (a surrogate pair 4 bytes for 2 units), so `length` bounds it.
 */
export function utf8ByteLengthExceeds(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}
