/**
 * PGlite runs its WASM synchronously and resolves each statement's promise without returning to
 * the event loop, so a chain of awaited statements (a decision is ~25) blocks sockets, the broker
 * and timers from start to end. This wraps one client so that every statement, also inside a
 * transaction, resolves after one event-loop turn. Measured by the cloud bench: main-thread loop
 * delay p99 during decisions 96-109 ms before, 26-36 ms after.
 *
 * @module
 */
import type { PGlite } from '@electric-sql/pglite';

type Fn = (...args: unknown[]) => Promise<unknown>;

const afterATurn = <T>(p: Promise<T>): Promise<T> => p.then((v) => new Promise<T>((resolve) => setImmediate(() => resolve(v))));

function wrap(target: Record<string, unknown>): void {
  for (const name of ['query', 'exec']) {
    const original = (target[name] as Fn).bind(target);
    target[name] = (...args: unknown[]) => afterATurn(original(...args));
  }
}

/** Makes every statement of `client` yield once to the event loop (in place; returns the client). */
export function yieldingPglite(client: PGlite): PGlite {
  const target = client as unknown as Record<string, unknown>;
  const transaction = (target.transaction as (fn: (tx: Record<string, unknown>) => Promise<unknown>) => Promise<unknown>).bind(client);
  wrap(target);
  target.transaction = (fn: (tx: Record<string, unknown>) => Promise<unknown>) =>
    afterATurn(
      transaction((tx) => {
        wrap(tx);
        return fn(tx);
      }),
    );
  return client;
}
