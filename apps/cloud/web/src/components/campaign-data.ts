/**
 * Live data of one campaign page: every experiment (all pages of `GET /experiments`), and the
 * latest model version's twin report. Both refetch when an event of this campaign arrives.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLiveEvents, useResource } from '../hooks';
import { useSession } from '../session';
import type { Experiment } from '../types';
import type { ModelVersion, TwinReportResponse } from './campaign-types';

/** Rows per page when reading a campaign's experiments (the API's largest page). */
const PAGE = 500;

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly reload: () => void;
}

/** Every experiment of a campaign in seq order, refetched (debounced) on its events. */
export function useCampaignExperiments(campaignId: string): Loaded<Experiment[]> {
  const { client } = useSession();
  const [state, setState] = useState<{ data: Experiment[] | undefined; error: unknown }>({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const reload = () => setTick((t) => t + 1);

  useEffect(() => {
    let stale = false;
    void (async () => {
      const all: Experiment[] = [];
      for (let offset: number | null = 0; offset !== null; ) {
        const page: { experiments: Experiment[]; next: number | null } = await client.get('/experiments', { campaign: campaignId, limit: PAGE, offset });
        all.push(...page.experiments);
        offset = page.next;
      }
      return all.sort((a, b) => a.seq - b.seq);
    })().then(
      // The same rows keep their identity, so charts over them do not redraw on every poll.
      (data) => !stale && setState((s) => ({ data: s.data && JSON.stringify(s.data) === JSON.stringify(data) ? s.data : data, error: undefined })),
      (error: unknown) => !stale && setState((s) => ({ data: s.data, error })),
    );
    return () => {
      stale = true;
    };
  }, [client, campaignId, tick]);

  useLiveEvents((e) => {
    if (e.campaignId !== campaignId || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      reload();
    }, 300);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return { ...state, reload };
}

/** The twin report of the latest model: what is shown, what is being computed, what failed. */
export interface TwinState {
  readonly models: ModelVersion[] | undefined;
  /** The newest model version, if any. */
  readonly latest: number | undefined;
  /** The report on screen (the latest ready one; stays while a newer one is computed). */
  readonly shown: TwinReportResponse | undefined;
  /** The version being computed now, if any. */
  readonly computing: number | null;
  /** Why the latest version has no report (e.g. too few observations), until a newer version. */
  readonly failure: { readonly version: number; readonly error: unknown } | undefined;
  readonly modelsError: unknown;
  /** Asks again for a version that failed. */
  readonly retry: () => void;
}

/** How long one report request waits on the server before it answers 202 (s). */
const WAIT_S = 15;

/**
 * The twin report of the campaign's latest model version. It is computed in the optimizer's
 * worker on first request (slow, and the worker also makes the campaign's decisions), so this page
 * asks for one version at a time: while it runs the last report stays shown, and a newer version
 * is asked for once the running one has answered.
 */
export function useTwinReport(campaignId: string): TwinState {
  const { client } = useSession();
  const models = useResource<{ models: ModelVersion[] }>(`/campaigns/${encodeURIComponent(campaignId)}/models`, {
    refreshOn: (e) => e.campaignId === campaignId && e.type === 'modelVersion',
  });
  const latest = models.data?.models.at(-1)?.version;
  const [shown, setShown] = useState<TwinReportResponse | undefined>(undefined);
  const [computing, setComputing] = useState<number | null>(null);
  const [failure, setFailure] = useState<TwinState['failure']>(undefined);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  useEffect(() => {
    if (latest === undefined || computing !== null || shown?.version === latest || failure?.version === latest) return;
    const version = latest;
    setComputing(version);
    void ask(version)
      .then(
        (r) => alive.current && (setShown(r), setFailure(undefined)),
        (error: unknown) => alive.current && setFailure({ version, error }),
      )
      .finally(() => alive.current && setComputing(null));
  }, [latest, computing, shown, failure]);

  async function ask(version: number): Promise<TwinReportResponse> {
    const path = `/campaigns/${encodeURIComponent(campaignId)}/models/${version}/report`;
    for (;;) {
      const r = await client.get<TwinReportResponse | { status: 'computing' }>(path, { wait: WAIT_S });
      if ('report' in r) return r;
      if (!alive.current) throw new Error('page closed');
    }
  }

  return { models: models.data?.models, latest, shown, computing, failure, modelsError: models.error, retry: () => setFailure(undefined) };
}
