/**
 * What-if for `--yield-pglite`: makes every PGlite statement yield to the event loop once before its
 * caller continues (patched on PGlite's prototype, in this bench process only). Why: an awaited
 * PGlite statement resolves without ever returning to the event loop (the WASM runs synchronously
 * and resolves a promise), so a chain of statements blocks the main thread from start to end:
 * sockets, the broker, receipts and timers all wait. This patch is the fix proposed for
 * `src/db/open.ts`, applied from outside so the bench can compare before and after.
 */
import { PGlite } from '@electric-sql/pglite';

type Fn = (...args: unknown[]) => Promise<unknown>;

const afterATurn = <T>(p: Promise<T>): Promise<T> => p.then((v) => new Promise<T>((resolve) => setImmediate(() => resolve(v))));

function wrap(target: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const original = target[name] as Fn;
    target[name] = function (this: unknown, ...args: unknown[]) {
      return afterATurn(original.apply(this, args));
    };
  }
}

let applied = false;

/** Patches PGlite (idempotent): `query` and `exec`, also inside transactions. */
export function yieldAfterEveryPgliteStatement(): void {
  if (applied) return;
  applied = true;
  const proto = PGlite.prototype as unknown as Record<string, unknown>;
  wrap(proto, ['query', 'exec']);
  const transaction = proto.transaction as (fn: (tx: Record<string, unknown>) => Promise<unknown>) => Promise<unknown>;
  proto.transaction = function (this: unknown, fn: (tx: Record<string, unknown>) => Promise<unknown>) {
    return afterATurn(
      transaction.call(this, (tx) => {
        for (const name of ['query', 'exec']) {
          const original = (tx[name] as Fn).bind(tx);
          tx[name] = (...args: unknown[]) => afterATurn(original(...args));
        }
        return fn(tx);
      }),
    );
  };
}
