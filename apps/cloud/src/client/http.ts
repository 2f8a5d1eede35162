/**
 * A small typed fetch wrapper around the cloud's HTTP API: bearer token, JSON in and out, and the
 * API's error body `{ error: { code, message, fields } }` turned into an {@link ApiClientError}.
 *
 * @module
 */

/** The API's address when neither `--url` nor `SDFL_URL` is given. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** Where the API is and who calls it. */
export interface ApiClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080` (a trailing slash is ignored). */
  readonly url: string;
  /** Bearer token from `sdfl user add` / `sdfl token create`; absent only for public routes. */
  readonly token?: string | undefined;
}

/** A failed call: the API's code, message and per-field messages, or a network failure (status 0). */
export class ApiClientError extends Error {
  constructor(
    /** HTTP status; 0 when the API could not be reached. */
    readonly status: number,
    /** The API's error code (`VALIDATION`, `FORBIDDEN`, ...) or `NETWORK` / `BAD_RESPONSE`. */
    readonly code: string,
    message: string,
    /** Body or query path -> messages, as the API reported them. */
    readonly fields: Readonly<Record<string, readonly string[]>> = {},
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** Calls the API; every method throws {@link ApiClientError} on a non-2xx answer. */
export class ApiClient {
  readonly url: string;
  readonly #token: string | undefined;

  constructor(o: ApiClientOptions) {
    this.url = o.url.replace(/\/+$/, '');
    this.#token = o.token;
  }

  /** GET a JSON resource. */
  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, undefined, query);
  }

  /** POST a JSON body, read a JSON answer. */
  post<T>(path: string, body: unknown = {}, query?: Query): Promise<T> {
    return this.json<T>('POST', path, body, query);
  }

  /** Any method with an optional JSON body. */
  async json<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const res = await this.raw(method, path, { body, query });
    const text = await res.text();
    try {
      return (text === '' ? null : JSON.parse(text)) as T;
    } catch {
      throw new ApiClientError(res.status, 'BAD_RESPONSE', `${method} ${path}: the API answered ${res.status} with something that is not JSON`);
    }
  }

  /**
   * The raw response of a call (for streams: exports and `/events`), already checked: a non-2xx
   * answer is read and thrown as {@link ApiClientError}.
   */
  async raw(method: string, path: string, o: { body?: unknown; query?: Query; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.#address(path, o.query), { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    } catch (error) {
      if (o.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiClientError(0, 'NETWORK', `cannot reach the API at ${this.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    if (!res.ok) throw await errorOf(res, method, path);
    return res;
  }

  #address(path: string, query?: Query): string {
    const u = new URL(this.url + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }
}

/** Reads the API's error body; anything else becomes a message with the status. */
async function errorOf(res: Response, method: string, path: string): Promise<ApiClientError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; fields?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      const fields = e.fields && typeof e.fields === 'object' ? (e.fields as Record<string, string[]>) : {};
      return new ApiClientError(res.status, e.code, e.message, fields);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiClientError(res.status, 'HTTP', `${method} ${path}: ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

/** The text an error prints: code and message, then one line per field message. */
export function describeError(error: ApiClientError): string {
  const fieldLines = Object.entries(error.fields).flatMap(([field, messages]) => messages.map((m) => `${field}: ${m}`));
  // Engine errors repeat their field messages in the message, joined by '; ': print them once.
  const repeated = fieldLines.length > 0 && error.message.split('; ').every((part) => fieldLines.includes(part) || fieldLines.includes(`(body): ${part}`));
  const head = `error ${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${repeated ? 'invalid request' : error.message}`;
  return [head, ...fieldLines.map((l) => `  ${l}`)].join('\n');
}
