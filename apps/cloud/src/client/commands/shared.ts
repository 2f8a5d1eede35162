/**
 * What every client command shares: the `--url` / `--token` flags, one error handler that prints
 * the API's per-field messages and exits non-zero, and small parsers for `key=value` flags.
 *
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient, ApiClientError, DEFAULT_API_URL, describeError } from '../http';

/** `--url`/`--token` flags, falling back to `SDFL_URL` (default {@link DEFAULT_API_URL}) and `SDFL_TOKEN`. */
export function clientFrom(flags: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const url = flags.url ?? env.SDFL_URL ?? DEFAULT_API_URL;
  const token = flags.token ?? env.SDFL_TOKEN;
  return new ApiClient({ url, token: token === '' ? undefined : token });
}

/** Flags every client command takes. */
export interface ApiFlags {
  url?: string;
  token?: string;
  json?: boolean;
}

/** Adds `--url`, `--token` and `--json` to a command. */
export function apiOptions(c: Command): Command {
  return c
    .option('--url <url>', 'API base URL (env SDFL_URL, default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (env SDFL_TOKEN)')
    .option('--json', 'print the API answer as JSON');
}

/**
 * Wraps a command's action: builds the client from the flags (the command's options object is
 * the last-but-one argument commander passes), prints an {@link ApiClientError} with its field
 * messages and sets exit code 1.
 */
export function withClient<A extends unknown[]>(fn: (client: ApiClient, ...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    const flags = (args[args.length - 2] ?? {}) as ApiFlags;
    try {
      await fn(clientFrom(flags), ...args);
    } catch (error) {
      if (!(error instanceof ApiClientError)) throw error;
      console.error(describeError(error));
      process.exitCode = 1;
    }
  };
}

/** Prints `value` as JSON (for `--json` and scripts). */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Collects a repeatable option into an array. */
export const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

/** `key=value` -> `[key, value]`; `what` names the flag in the message. */
export function keyValue(text: string, what: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0 || i === text.length - 1) throw new InvalidArgumentError(`${what} must look like key=value, got '${text}'`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/** A finite number, or an argument error naming the flag. */
export function finiteNumber(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${what} must be a number, got '${text}'`);
  return n;
}

/** Positive integer option parser. */
export const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a positive integer`);
  return n;
};

/** Non-negative integer option parser. */
export const wholeNumber = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number`);
  return n;
};

/** The reason sent with a state change when the user gave none. */
export const defaultReason = (what: string) => `${what} from the sdfl CLI by ${process.env.USER ?? 'a user'}`;
