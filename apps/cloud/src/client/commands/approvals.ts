/**
 * `sdfl approve <experiment> [--edit key=value ...]` and `sdfl reject <experiment> --reason ...`:
 * the review of an approval-gated campaign's proposals. The server enforces the gate and the
 * bounds of an edit; an edit starts from the proposed condition and changes only what is named.
 *
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../http';
import { conditionText, experimentLine, type ExperimentView } from '../views';
import { apiOptions, collect, finiteNumber, keyValue, printJson, withClient, type ApiFlags } from './shared';

/** The condition keys an edit may name (temperature C and six flows uL/min). */
export const CONDITION_KEYS = ['temperatureC', 'cuIUlMin', 'csOleateUlMin', 'oaCsUlMin', 'oaCuIUlMin', 'oAmUlMin', 'odeCuIUlMin'] as const;

/** Applies `key=value` edits to a proposed condition; unknown keys and non-numbers are refused. */
export function editedCondition(proposed: Readonly<Record<string, number>>, edits: readonly string[]): Record<string, number> {
  const out = { ...proposed };
  for (const e of edits) {
    const [key, value] = keyValue(e, '--edit');
    if (!(CONDITION_KEYS as readonly string[]).includes(key)) throw new InvalidArgumentError(`--edit ${key}: not a condition key; use one of ${CONDITION_KEYS.join(', ')}`);
    out[key] = finiteNumber(value, `--edit ${key}`);
  }
  return out;
}

async function experiment(api: ApiClient, id: string): Promise<ExperimentView> {
  return (await api.get<{ experiment: ExperimentView }>(`/experiments/${encodeURIComponent(id)}`)).experiment;
}

/** Adds `approve` and `reject` to the program. */
export function registerApprovalCommands(program: Command): void {
  apiOptions(
    program
      .command('approve <experiment>')
      .description('approve a proposal of a gated campaign (owner or admin), optionally edited within the bounds; it is dispatched at once')
      .option('--edit <key=value>', 'change one value of the condition, e.g. temperatureC=140 (repeatable)', collect)
      .option('--note <text>', 'a note kept with the review'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { edit?: string[]; note?: string }) => {
      let condition: Record<string, number> | undefined;
      if (o.edit?.length) condition = editedCondition((await experiment(api, id)).condition, o.edit);
      const e = await api.post<ExperimentView>(`/experiments/${encodeURIComponent(id)}/approve`, { ...(condition ? { condition } : {}), ...(o.note ? { note: o.note } : {}) });
      if (o.json) return printJson(e);
      console.log(`approved ${e.id} (${e.status})${condition ? ` as edited: ${conditionText(e.condition)}` : ''}`);
    }),
  );

  apiOptions(
    program
      .command('reject <experiment>')
      .description('reject a proposal (owner or admin): told to the study as abandoned, never proposed again')
      .requiredOption('--reason <text>', 'why (kept with the review and audited)'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { reason: string }) => {
      const e = await api.post<ExperimentView>(`/experiments/${encodeURIComponent(id)}/reject`, { note: o.reason });
      if (o.json) return printJson(e);
      console.log(`rejected ${experimentLine(e)}`);
    }),
  );
}
