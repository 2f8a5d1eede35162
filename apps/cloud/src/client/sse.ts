/**
 * Reads the API's server-sent-events stream `GET /events`, reconnecting after a dropped
 * connection with `Last-Event-ID` set to the last id seen, so no event is missed or repeated.
 *
 * @module
 */
import { ApiClientError, type ApiClient } from './http';

/** One event of the stream: its id (monotonic), type and JSON data. */
export interface StreamEvent {
  readonly id: number;
  readonly type: string;
  readonly data: unknown;
}

/** Options of {@link streamEvents}. */
export interface StreamOptions {
  /** Filters passed as query parameters. */
  readonly campaignId?: string;
  readonly platformId?: string;
  readonly types?: readonly string[];
  /** Ends the stream (the generator returns). */
  readonly signal: AbortSignal;
  /** Wait before reconnecting, ms. Default 1000. */
  readonly retryMs?: number;
  /** Called on every (re)connection attempt that failed; the stream keeps trying. */
  readonly onDisconnect?: (reason: string) => void;
  /** Called when a (re)connection is established, with the id it resumes after (undefined: from now). */
  readonly onConnect?: (resumedAfter: number | undefined) => void;
}

/** Yields events until `signal` aborts; reconnects on its own. Auth and validation errors are thrown. */
export async function* streamEvents(client: ApiClient, o: StreamOptions): AsyncGenerator<StreamEvent> {
  let lastId: number | undefined;
  const query = { campaignId: o.campaignId, platformId: o.platformId, types: o.types?.join(',') };
  while (!o.signal.aborted) {
    try {
      const res = await client.raw('GET', '/events', { query, headers: { accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': String(lastId) } : {}) }, signal: o.signal });
      if (!res.body) throw new Error('the event stream has no body');
      o.onConnect?.(lastId);
      for await (const e of parseEvents(res.body)) {
        lastId = e.id;
        yield e;
      }
      o.onDisconnect?.('the server closed the stream');
    } catch (error) {
      if (o.signal.aborted) return;
      // A refused token or a bad filter will not get better by retrying.
      if (error instanceof ApiClientError && error.status >= 400 && error.status < 500) throw error;
      o.onDisconnect?.((error as Error).message);
    }
    await sleep(o.retryMs ?? 1000, o.signal);
  }
}

/** Parses `text/event-stream` bytes into events (comments and id-less frames are skipped). */
export async function* parseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let frame: { id?: string; event?: string; data: string[] } = { data: [] };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        const e = toEvent(frame);
        frame = { data: [] };
        if (e) yield e;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') frame.id = value;
      else if (field === 'event') frame.event = value;
      else if (field === 'data') frame.data.push(value);
    }
  }
}

function toEvent(f: { id?: string; event?: string; data: string[] }): StreamEvent | undefined {
  if (f.id === undefined || !/^\d+$/.test(f.id)) return undefined;
  const text = f.data.join('\n');
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { id: Number(f.id), type: f.event ?? 'message', data };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
