/**
 * The client's SSE reader over real HTTP: frames split across chunks, comments skipped, and a
 * dropped connection resumed with `Last-Event-ID` so the caller sees every event exactly once.
 * The server here is a plain node:http stand-in that drops the stream after a few events; the
 * real `/events` route is exercised end to end in client.test.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiClientError } from '../../src/client/http';
import { streamEvents, type StreamEvent } from '../../src/client/sse';

const seen: { lastEventId: string | undefined; auth: string | undefined; query: string }[] = [];
let url = '';
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.headers.authorization !== 'Bearer good') {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'missing or invalid token' } }));
    return;
  }
  const last = req.headers['last-event-id'] as string | undefined;
  seen.push({ lastEventId: last, auth: req.headers.authorization, query: new URL(req.url!, 'http://x').search });
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const from = last === undefined ? 1 : Number(last) + 1;
  // Three events per connection, the middle one split mid-line, then the server hangs up.
  res.write(': hello\n\n');
  res.write(`id: ${from}\nevent: experimentStatus\ndata: {"n":${from}}\n\n`);
  res.write(`id: ${from + 1}\nevent: res`);
  setTimeout(() => {
    res.write(`ult\ndata: {"n":${from + 1}}\n\n`);
    res.write(`id: ${from + 2}\nevent: modelVersion\ndata: {"n":${from + 2}}\n\n`);
    res.end();
  }, 20);
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('streamEvents', () => {
  it('parses split frames and resumes after a dropped connection with Last-Event-ID, each event once', async () => {
    const abort = new AbortController();
    const got: StreamEvent[] = [];
    const drops: string[] = [];
    for await (const e of streamEvents(new ApiClient({ url, token: 'good' }), { campaignId: 'c-1', signal: abort.signal, retryMs: 10, onDisconnect: (r) => drops.push(r) })) {
      got.push(e);
      if (got.length === 7) abort.abort();
    }
    expect(got.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(got[1]!.type).toBe('result');
    expect(seen.slice(0, 3).map((s) => s.lastEventId)).toEqual([undefined, '3', '6']);
    expect(seen[0]!.query).toBe('?campaignId=c-1');
    expect(drops.length).toBeGreaterThanOrEqual(2);
  });

  it('a refused token is thrown with the API code, not retried', async () => {
    const before = seen.length;
    const abort = new AbortController();
    const run = async () => {
      for await (const e of streamEvents(new ApiClient({ url, token: 'bad' }), { signal: abort.signal, retryMs: 10 })) void e;
    };
    await expect(run()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(run()).rejects.toBeInstanceOf(ApiClientError);
    expect(seen.length).toBe(before);
  });
});
