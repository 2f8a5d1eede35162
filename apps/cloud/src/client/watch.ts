/**
 * `sdfl campaign watch`: follows one campaign's events on the SSE stream and redraws its progress
 * line after each (and every few seconds, so a quiet stream still shows the platform going
 * offline), until the campaign is done or cancelled.
 *
 * @module
 */
import type { ApiClient } from './http';
import { streamEvents } from './sse';
import { FINAL_CAMPAIGN_STATUSES, progressLine, type CampaignView, type ProgressView } from './views';

/** A campaign and its progress as `GET /campaigns/{id}` returns them. */
export interface CampaignDetail {
  readonly campaign: CampaignView;
  readonly progress: ProgressView;
}

/** Options of {@link watchCampaign}. */
export interface WatchOptions {
  /** Stops watching; the promise then resolves with `undefined`. */
  readonly signal: AbortSignal;
  /** Redraw one line in place (a terminal) instead of printing a line per change. */
  readonly live: boolean;
  /** Print only the final line. */
  readonly quiet?: boolean;
  /** Where output goes. */
  readonly write: (text: string) => void;
  /** Refresh the progress this often even without events, ms. Default 5000. */
  readonly refreshMs?: number;
}

/** Watches until the campaign ends; resolves with its final detail (undefined when `signal` aborted). */
export async function watchCampaign(api: ApiClient, id: string, o: WatchOptions): Promise<CampaignDetail | undefined> {
  const path = `/campaigns/${encodeURIComponent(id)}`;
  const stream = new AbortController();
  const onAbort = () => stream.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  let last = '';
  let final: CampaignDetail | undefined;
  let failure: Error | undefined;
  const show = (d: CampaignDetail) => {
    const line = progressLine(d.campaign, d.progress);
    const ended = FINAL_CAMPAIGN_STATUSES.has(d.campaign.status);
    if (o.quiet && !ended) return;
    if (o.live) o.write(`\r${line}\x1b[K${ended ? '\n' : ''}`);
    else if (line !== last) o.write(`${line}\n`);
    last = line;
  };
  // One refresh at a time; a request that comes in while one runs is folded into one more.
  let running: Promise<void> | undefined;
  let again = false;
  const refresh = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const d = await api.get<CampaignDetail>(path);
          show(d);
          if (FINAL_CAMPAIGN_STATUSES.has(d.campaign.status)) {
            final = d;
            stream.abort();
          }
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          stream.abort();
        }
      } while (again && !stream.signal.aborted);
      running = undefined;
    })();
    return running;
  };
  const timer = setInterval(() => void refresh(), o.refreshMs ?? 5000);
  try {
    await refresh();
    if (!stream.signal.aborted) {
      const onDisconnect = (reason: string) => {
        if (!o.quiet) o.write(`${o.live ? '\n' : ''}event stream interrupted (${reason}); reconnecting with Last-Event-ID\n`);
      };
      for await (const event of streamEvents(api, { campaignId: id, signal: stream.signal, onDisconnect })) {
        void event;
        await refresh();
      }
    }
    await running;
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  } finally {
    clearInterval(timer);
    o.signal.removeEventListener('abort', onAbort);
  }
  if (final) return final;
  if (failure !== undefined && !o.signal.aborted) throw failure;
  if (o.live && last) o.write('\n');
  return undefined;
}
