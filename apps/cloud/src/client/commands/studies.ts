/**
 * `sdfl study create|list|show|ask|tell`: the ask/tell optimizer for any lab, over the HTTP API.
 *
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import { apiOptions, collect, finiteNumber, keyValue, positiveInt, printJson, withClient, type ApiFlags } from './shared';

interface Trial {
  id: string;
  seq: number;
  params: Record<string, number>;
  status: string;
  value: number | null;
  policy: string;
  predicted: { mean: number; std: number } | null;
}
interface Study {
  id: string;
  name: string;
  owner: string;
  status: string;
  schedule: string;
  objective: { name: string; direction: string };
  parameters: { name: string; type: string; min: number; max: number }[];
  progress: { stage: number | null; issued: number; total: number; pending: number; observations: number; failed: number };
  best: Trial | null;
}

/** `name=min:max` or `name=min:max:integer` -> a study parameter. */
export function parseParameter(text: string): { name: string; type: 'continuous' | 'integer'; min: number; max: number } {
  const [name, range] = keyValue(text, '--param');
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3 || (parts[2] !== undefined && parts[2] !== 'integer' && parts[2] !== 'continuous')) {
    throw new InvalidArgumentError(`--param ${name} must be min:max or min:max:integer, got '${range}'`);
  }
  return { name, type: parts[2] === 'integer' ? 'integer' : 'continuous', min: finiteNumber(parts[0]!, `--param ${name} min`), max: finiteNumber(parts[1]!, `--param ${name} max`) };
}

const trialLine = (t: Trial) =>
  `${t.id}\t${t.status}\t${t.policy}\t${Object.entries(t.params).map(([k, v]) => `${k}=${v}`).join(' ')}${t.value !== null ? `\tvalue ${t.value}` : ''}${t.predicted ? `\tpredicted ${t.predicted.mean.toPrecision(4)}±${t.predicted.std.toPrecision(2)}` : ''}`;
const studyLine = (s: Study) =>
  `${s.id}\t${s.status}\t${s.objective.direction} ${s.objective.name}\t${s.schedule}\t${s.progress.observations} told, ${s.progress.pending} pending, ${s.progress.failed} failed of ${s.progress.total}\t${s.name}`;
const path = (id: string, rest = '') => `/studies/${encodeURIComponent(id)}${rest}`;

/** Adds the `study` command group to the program. */
export function registerStudyCommands(program: Command): void {
  const study = program.command('study').description('ask/tell studies for any lab (HTTP API)');

  apiOptions(
    study
      .command('create')
      .description('create a study with named parameters')
      .requiredOption('--name <text>', 'a name')
      .requiredOption('--param <name=min:max[:integer]>', 'a parameter (repeatable)', collect)
      .requiredOption('--objective <name>', 'what you measure')
      .option('--minimize', 'minimise it (default maximise)')
      .option('--schedule <stages>', "stages, e.g. 'lhs 6 -> ei 10'", 'lhs 6 -> ei 10')
      .option('--seed <n>', 'optimizer seed', positiveInt('seed'))
      .option('--surrogate <kind>', 'gp | enn | auto'),
  ).action(
    withClient(async (api, o: ApiFlags & { name: string; param: string[]; objective: string; minimize?: boolean; schedule: string; seed?: number; surrogate?: string }) => {
      const s = await api.post<Study>('/studies', {
        name: o.name,
        parameters: o.param.map(parseParameter),
        objective: { name: o.objective, direction: o.minimize ? 'minimize' : 'maximize' },
        schedule: o.schedule,
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.surrogate ? { surrogate: o.surrogate } : {}),
      });
      if (o.json) return printJson(s);
      console.log(`study ${s.id} created: ${studyLine(s)}`);
    }),
  );

  apiOptions(study.command('list').description('studies').option('--owner <name>', 'owned by')).action(
    withClient(async (api, o: ApiFlags & { owner?: string }) => {
      const r = await api.get<{ studies: Study[] }>('/studies', { owner: o.owner });
      if (o.json) return printJson(r.studies);
      for (const s of r.studies) console.log(studyLine(s));
    }),
  );

  apiOptions(study.command('show <id>').description('state, best and the observation table')).action(
    withClient(async (api, id: string, o: ApiFlags) => {
      const [s, t] = await Promise.all([api.get<Study>(path(id)), api.get<{ trials: Trial[] }>(path(id, '/observations'))]);
      if (o.json) return printJson({ ...s, trials: t.trials });
      console.log(studyLine(s));
      console.log(s.best ? `best: ${trialLine(s.best)}` : 'best: none yet');
      for (const x of t.trials) console.log(trialLine(x));
    }),
  );

  apiOptions(study.command('ask <id>').description('next suggestions (pending until told); one line each, the trial id first').option('-n, --n <count>', 'how many', positiveInt('n'), 1)).action(
    withClient(async (api, id: string, o: ApiFlags & { n: number }) => {
      const r = await api.post<{ suggestions: Trial[]; done: boolean }>(path(id, '/ask'), undefined, { n: o.n });
      if (o.json) return printJson(r);
      for (const t of r.suggestions) console.log(trialLine(t));
      if (r.done) console.error('the study has issued every suggestion of its schedule');
    }),
  );

  apiOptions(
    study
      .command('tell <id> <trial>')
      .description('report a trial: --value v, --failed (a region to avoid) or --abandoned (forgotten)')
      .option('--value <v>', 'the measured objective')
      .option('--failed', 'the trial failed')
      .option('--abandoned', 'the trial was not run')
      .option('--reason <text>', 'why it failed or was abandoned'),
  ).action(
    withClient(async (api, id: string, trial: string, o: ApiFlags & { value?: string; failed?: boolean; abandoned?: boolean; reason?: string }) => {
      const body = {
        trialId: trial,
        ...(o.value !== undefined ? { value: finiteNumber(o.value, '--value') } : {}),
        ...(o.failed ? { failed: true } : {}),
        ...(o.abandoned ? { abandoned: true } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
      };
      const r = await api.post<{ trial: Trial; unchanged: boolean }>(path(id, '/tell'), body);
      if (o.json) return printJson(r);
      console.log(`${r.unchanged ? 'already told (unchanged)' : 'told'}: ${trialLine(r.trial)}`);
    }),
  );
}
