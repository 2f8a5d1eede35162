/**
 * Tests that need a system binary (mosquitto, PostgreSQL): under CI=true a missing binary fails
 * the run with the install hint (the CI script installs it); elsewhere the suite is skipped and
 * says what to install.
 *
 * @module
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The first of `candidates` that exists and is executable, or `undefined`. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Candidates in every `PATH` directory plus `extraDirs`. */
export function pathCandidates(name: string, extraDirs: readonly string[] = []): string[] {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d.length > 0), ...extraDirs];
  return dirs.map((dir) => join(dir, name));
}

/** Debian's versioned PostgreSQL bin folders, newest first. */
export function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

/**
 * Finds a binary for a test suite. Returns its path; when it is missing, throws under CI=true
 * (message `{name} not found: {installHint} (required under CI=true)`) and otherwise warns and
 * returns `undefined`, for `describe.skipIf(path === undefined)`.
 */
export function requireBinary(name: string, candidates: readonly string[], installHint: string): string | undefined {
  const found = findExecutable(candidates);
  if (found !== undefined) return found;
  const message = `${name} not found: ${installHint}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true)`);
  console.warn(`skipping tests that need ${name}: ${message}`);
  return undefined;
}
