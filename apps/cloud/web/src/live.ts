/**
 * One server-sent-events connection per tab, shared by every page: `GET /events` read with fetch
 * (so the token goes in a header), resumed with `Last-Event-ID` after a drop so no event is lost.
 * Pages subscribe with a filter; the shell shows whether the stream is live.
 */
import type { ApiClient } from '../../src/client/http';
import { streamEvents, type StreamEvent } from '../../src/client/sse';

export type { StreamEvent };

/** The data of every event (`GET /events`). */
export interface EventData {
  readonly id: number;
  readonly type: string;
  readonly source: string;
  readonly platformId: string | null;
  readonly campaignId: string | null;
  readonly experimentId: string | null;
  readonly severity: string | null;
  readonly body: unknown;
  readonly at: string;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';
type Listener = (e: EventData) => void;

/** How many recent events the feed keeps for the activity list. */
const RECENT = 50;

export class LiveFeed {
  #state: LiveState = 'connecting';
  #lastId: number | undefined;
  #reason = '';
  readonly #recent: EventData[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #stateListeners = new Set<() => void>();
  readonly #abort = new AbortController();

  constructor(client: ApiClient, onFatal: (error: unknown) => void) {
    void this.#run(client).catch((error: unknown) => {
      this.#set('stopped', (error as Error).message);
      onFatal(error);
    });
  }

  get state(): LiveState {
    return this.#state;
  }
  /** Why the stream last dropped (shown while reconnecting). */
  get reason(): string {
    return this.#reason;
  }
  get lastId(): number | undefined {
    return this.#lastId;
  }
  /** The newest events received since sign-in, newest first. */
  get recent(): readonly EventData[] {
    return this.#recent;
  }

  /** Calls `listener` for every event; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onState(listener: () => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  stop(): void {
    this.#abort.abort();
    this.#set('stopped', 'signed out');
  }

  async #run(client: ApiClient): Promise<void> {
    const events = streamEvents(client, {
      signal: this.#abort.signal,
      retryMs: 1000,
      onConnect: () => this.#set('live', ''),
      onDisconnect: (reason) => this.#set('reconnecting', reason),
    });
    for await (const e of events) {
      this.#lastId = e.id;
      const data = e.data as EventData;
      this.#recent.unshift(data);
      if (this.#recent.length > RECENT) this.#recent.pop();
      for (const l of this.#listeners) l(data);
    }
  }

  #set(state: LiveState, reason: string): void {
    this.#state = state;
    this.#reason = reason;
    for (const l of this.#stateListeners) l();
  }
}
