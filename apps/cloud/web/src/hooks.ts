/** Data hooks: API resources that refresh on live events, and a ticking clock for "x s ago". */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { EventData } from './live';
import { useSession } from './session';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Options of {@link useResource}. */
export interface ResourceOptions {
  /** Refetch (debounced) when a live event matches. */
  readonly refreshOn?: (e: EventData) => boolean;
  /** Also refetch on this period, ms (for values no event announces, e.g. telemetry). */
  readonly pollMs?: number;
}

/**
 * GETs `path` (null: nothing yet). Keeps the last good data while refetching the same path; a new
 * path starts empty, so one resource's data never shows under another's heading.
 */
export function useResource<T>(path: string | null, o: ResourceOptions = {}): Resource<T> {
  const { client, live } = useSession();
  const [state, setState] = useState<{ path: string | null; data: T | undefined; error: unknown; loading: boolean }>({ path, data: undefined, error: undefined, loading: path !== null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const refreshOn = useRef(o.refreshOn);
  refreshOn.current = o.refreshOn;

  useEffect(() => {
    if (path === null) return;
    let stale = false;
    setState((s) => (s.path === path ? { ...s, loading: true } : { path, data: undefined, error: undefined, loading: true }));
    client.get<T>(path).then(
      (data) => !stale && setState({ path, data, error: undefined, loading: false }),
      (error: unknown) => !stale && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      stale = true;
    };
  }, [client, path, tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = live.subscribe((e) => {
      if (!refreshOn.current?.(e) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        reload();
      }, 300);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [live, reload]);

  useEffect(() => {
    if (!o.pollMs) return;
    const t = setInterval(reload, o.pollMs);
    return () => clearInterval(t);
  }, [o.pollMs, reload]);

  // Until the effect runs, a changed path must not show the previous path's data.
  const current = state.path === path ? state : { data: undefined, error: undefined, loading: path !== null };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}

/** Calls `handler` for each live event (the latest handler, without resubscribing). */
export function useLiveEvents(handler: (e: EventData) => void): void {
  const { live } = useSession();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.subscribe((e) => ref.current(e)), [live]);
}

/** `Date.now()`, re-rendering every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Runs an action (POST...), tracking busy state and the error to show next to it. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): { run: (...args: A) => Promise<R | undefined>; busy: boolean; error: unknown; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(undefined) };
}
