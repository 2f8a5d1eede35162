/**
 * Shared setup of the API tests: a test cloud (real PGlite with migrations, aedes), the app over
 * it, one user per role (plus a second scientist) with a token each, and a small request helper.
 */
import type { Logger } from 'pino';
import { createApp } from '../../src/api/app';
import { addUser, createToken } from '../../src/api/identity';
import type { RunningCloud } from '../../src/cloud';
import { addPlatform } from '../../src/engine/platforms';
import { startTestCloud, until } from '../support/cloud';
import { ProtocolEdge, type ProtocolEdgeOptions } from '../support/protocol-edge';

export const USERS = { ada: 'admin', sci: 'scientist', sam: 'scientist', vic: 'viewer' } as const;
export type UserName = keyof typeof USERS;

export interface Harness {
  readonly cloud: RunningCloud;
  readonly app: ReturnType<typeof createApp>;
  readonly tokens: Record<UserName, string>;
  /** A JSON request; returns the status and the parsed body (or text). */
  /** `as` is a user name of {@link USERS} or a raw token. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked by the tests' assertions
  call(method: string, path: string, as?: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Registers a platform through the register and connects a protocol-faithful edge as it. */
  edge(id: string, options?: Partial<ProtocolEdgeOptions>): Promise<ProtocolEdge>;
  stop(): Promise<void>;
}

export async function startHarness(options: { api?: boolean; log?: Logger } = {}): Promise<Harness> {
  const cloud = await startTestCloud({}, { api: options.api ?? false, ...(options.log ? { log: options.log } : {}) });
  const app = createApp({
    db: cloud.db.db,
    engine: cloud.engine,
    log: options.log ?? cloud.log,
    brokerUp: () => true,
    disconnectPlatform: (id) => cloud.broker?.disconnectPlatform(id) ?? 0,
  });
  const tokens = {} as Record<UserName, string>;
  for (const [name, role] of Object.entries(USERS) as [UserName, (typeof USERS)[UserName]][]) {
    await addUser(cloud.db.db, name, role, 'test');
    tokens[name] = (await createToken(cloud.db.db, name, { actor: 'test' })).token;
  }
  const edges: ProtocolEdge[] = [];
  const call: Harness['call'] = async (method, path, as, body) => {
    const token = as === undefined ? undefined : as in tokens ? tokens[as as UserName] : as;
    const r = await app.request(path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (CSV); keep the text
    }
    return { status: r.status, body: parsed };
  };
  return {
    cloud,
    app,
    tokens,
    call,
    async edge(id, o = {}) {
      const creds = await addPlatform(cloud.db.db, id, { actor: 'test' });
      const edge = new ProtocolEdge({ platformId: id, url: cloud.mqttUrl, password: creds.password, runMs: 10, ...o });
      await edge.start();
      edges.push(edge);
      await until(async () => (await call('GET', `/platforms/${id}`, 'vic')).body.status === 'online', 10_000, `${id} online`);
      return edge;
    },
    async stop() {
      for (const e of edges) await e.stop();
      await cloud.stop();
    },
  };
}
