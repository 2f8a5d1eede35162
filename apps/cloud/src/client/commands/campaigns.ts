/**
 * `sdfl campaign create|list|show|approvals|watch|pause|resume|cancel` over the HTTP API.
 *
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../http';
import { campaignLine, experimentLine, progressLine, type CampaignView, type ExperimentView, type ProgressView } from '../views';
import { watchCampaign } from '../watch';
import { apiOptions, collect, defaultReason, finiteNumber, keyValue, positiveInt, printJson, wholeNumber, withClient, type ApiFlags } from './shared';

interface CreateFlags extends ApiFlags {
  platform?: string;
  pool?: string;
  name?: string;
  schedule?: string;
  objective?: string;
  minimize?: boolean;
  bound?: string[];
  approvalGate?: boolean;
  approvalAhead?: number;
  queueDepth?: number;
  maxFailures?: number;
  seed?: number;
  surrogate?: string;
  prior?: string[];
  owner?: string;
}

/** `temperatureC=120:160` or `cuIStream.cuI=5:20` -> the nested `space` object of a campaign. */
export function boundsToSpace(bounds: readonly string[]): Record<string, unknown> {
  const space: Record<string, unknown> = {};
  for (const b of bounds) {
    const [key, range] = keyValue(b, '--bound');
    const m = /^(.+):(.+)$/.exec(range);
    if (!m) throw new InvalidArgumentError(`--bound ${key} must be min:max, got '${range}'`);
    const path = key.split('.');
    let node = space;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]!] = { min: finiteNumber(m[1]!, `--bound ${key} min`), max: finiteNumber(m[2]!, `--bound ${key} max`) };
  }
  return space;
}

/** The body of `POST /campaigns` from the flags; the server validates it (and every bound). */
export function campaignBody(o: CreateFlags): Record<string, unknown> {
  return {
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.pool ? { pool: o.pool } : {}),
    ...(o.name ? { name: o.name } : {}),
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(o.objective || o.minimize ? { objective: { ...(o.objective ? { feature: o.objective } : {}), direction: o.minimize ? 'minimize' : 'maximize' } } : {}),
    ...(o.bound?.length ? { space: boundsToSpace(o.bound) } : {}),
    ...(o.approvalGate ? { approvalGate: true } : {}),
    ...(o.approvalAhead !== undefined ? { approvalAhead: o.approvalAhead } : {}),
    ...(o.queueDepth !== undefined ? { queueDepth: o.queueDepth } : {}),
    ...(o.maxFailures !== undefined ? { maxConsecutiveFailures: o.maxFailures } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.surrogate ? { surrogate: o.surrogate } : {}),
    ...(o.prior?.length ? { priorCampaigns: o.prior } : {}),
    ...(o.owner ? { owner: o.owner } : {}),
  };
}

const path = (id: string, rest = '') => `/campaigns/${encodeURIComponent(id)}${rest}`;

async function pending(api: ApiClient, id: string): Promise<ExperimentView[]> {
  return (await api.get<{ experiments: ExperimentView[] }>(path(id, '/approvals'))).experiments;
}

/** Adds the `campaign` command group to the program. */
export function registerCampaignCommands(program: Command): void {
  const campaign = program.command('campaign').description('campaigns: create, follow and steer them (HTTP API)');

  apiOptions(
    campaign
      .command('create')
      .description('create a campaign on a platform or pool; it starts when the platform is free')
      .option('--platform <id>', 'target platform')
      .option('--pool <name>', 'target pool (any idle platform of it)')
      .option('--name <text>', 'a name')
      .option('--schedule <stages>', "stages, e.g. 'lhs 9 -> mv 51 -> ei 10' (default the server's)")
      .option('--objective <feature>', 'feature to optimise (default plIntensity)')
      .option('--minimize', 'minimise the objective (default maximise)')
      .option('--bound <key=min:max>', 'narrow the condition space, e.g. temperatureC=120:160 or cuIStream.cuI=5:20 (repeatable)', collect)
      .option('--approval-gate', 'every proposal waits for approval before it is dispatched')
      .option('--approval-ahead <n>', 'with the gate: proposals kept waiting beyond what the platform holds', wholeNumber('approval-ahead'))
      .option('--queue-depth <n>', 'experiments queued on the edge ahead of the running one', wholeNumber('queue-depth'))
      .option('--max-failures <n>', 'pause after this many failures in a row', positiveInt('max-failures'))
      .option('--seed <n>', 'optimizer seed', wholeNumber('seed'))
      .option('--surrogate <kind>', 'gp | enn | auto')
      .option('--prior <campaign>', 'informed prior from an earlier campaign (repeatable)', collect)
      .option('--owner <name>', 'owner (admins only; default you)'),
  ).action(
    withClient(async (api, o: CreateFlags) => {
      const c = await api.post<CampaignView>('/campaigns', campaignBody(o));
      if (o.json) return printJson(c);
      console.log(`campaign ${c.id} created (${c.status}): ${c.name}`);
    }),
  );

  apiOptions(
    campaign
      .command('list')
      .description('campaigns, newest first')
      .option('--status <s>', 'queued | running | paused | done | cancelled')
      .option('--platform <id>', 'on this platform')
      .option('--owner <name>', 'owned by')
      .option('--limit <n>', 'how many', positiveInt('limit'), 50),
  ).action(
    withClient(async (api, o: ApiFlags & { status?: string; platform?: string; owner?: string; limit: number }) => {
      const r = await api.get<{ campaigns: CampaignView[] }>('/campaigns', { status: o.status, platform: o.platform, owner: o.owner, limit: o.limit });
      if (o.json) return printJson(r.campaigns);
      if (r.campaigns.length === 0) console.log('no campaigns');
      for (const c of r.campaigns) console.log(campaignLine(c));
    }),
  );

  apiOptions(campaign.command('show <id>').description('a campaign with its progress and the proposals awaiting approval')).action(
    withClient(async (api, id: string, o: ApiFlags) => {
      const r = await api.get<{ campaign: CampaignView; progress: ProgressView }>(path(id));
      const waiting = r.campaign.approvalGate ? await pending(api, id) : [];
      if (o.json) return printJson({ ...r, pendingApprovals: waiting });
      console.log(campaignLine(r.campaign));
      console.log(progressLine(r.campaign, r.progress));
      if (r.campaign.statusReason) console.log(`reason: ${r.campaign.statusReason}`);
      for (const e of waiting) console.log(`awaiting approval: ${experimentLine(e)}`);
    }),
  );

  apiOptions(campaign.command('approvals <id>').description("proposals of a gated campaign awaiting review, oldest first (the id is each line's first field)")).action(
    withClient(async (api, id: string, o: ApiFlags) => {
      const waiting = await pending(api, id);
      if (o.json) return printJson(waiting);
      for (const e of waiting) console.log(experimentLine(e));
    }),
  );

  apiOptions(
    campaign
      .command('watch <id>')
      .description('follow a campaign live (SSE /events) until it ends; exit 0 when done, 3 when cancelled')
      .option('--quiet', 'print only the final line'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { quiet?: boolean }) => {
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      try {
        const end = await watchCampaign(api, id, { signal: abort.signal, live: process.stdout.isTTY === true, quiet: o.quiet === true, write: (s) => process.stdout.write(s) });
        if (o.json) printJson(end);
        process.exitCode = end === undefined ? 130 : end.campaign.status === 'done' ? 0 : 3;
      } finally {
        process.off('SIGINT', stop);
      }
    }),
  );

  for (const action of ['pause', 'resume'] as const) {
    apiOptions(campaign.command(`${action} <id>`).description(action === 'pause' ? 'no new proposals; what the platform holds keeps running' : 'resume a paused campaign').option('--reason <text>', 'why (audited)')).action(
      withClient(async (api, id: string, o: ApiFlags & { reason?: string }) => {
        const c = await api.post<CampaignView>(path(id, `/${action}`), { reason: o.reason ?? defaultReason(`${action}`) });
        if (o.json) return printJson(c);
        console.log(`campaign ${c.id} is ${c.status}`);
      }),
    );
  }

  apiOptions(
    campaign
      .command('cancel <id>')
      .description('stop dispatch and withdraw queued experiments from the edge')
      .option('--reason <text>', 'why (audited)')
      .option('--abort-running', 'abort the running experiment too (default: it finishes)'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { reason?: string; abortRunning?: boolean }) => {
      const c = await api.post<CampaignView>(path(id, '/cancel'), { reason: o.reason ?? defaultReason('cancel'), running: o.abortRunning ? 'abort' : 'finish' });
      if (o.json) return printJson(c);
      console.log(`campaign ${c.id} is ${c.status}`);
    }),
  );
}
