/**
 * What a person watching a campaign wants on one line: its stage, how many experiments are done
 * of those planned, the best objective so far (measured) and the policy that chose the experiment
 * running now. Read from the database, so it shows exactly what the engine stored.
 *
 * @module
 */
import { asc, eq } from 'drizzle-orm';
import { createConditionSpace, type Condition, type ConditionSpace } from '@sdfl/chemistry';
import type { StageSpec } from '@sdfl/optimizer';
import type { CloudDrizzle } from '../db/open';
import { campaigns, experiments, platforms } from '../db/schema';

/** One campaign's progress. */
export interface CampaignProgress {
  readonly campaignId: string;
  readonly platformId: string | null;
  readonly status: string;
  readonly stage: { readonly index: number; readonly policy: string; readonly count: number } | null;
  readonly done: number;
  readonly failed: number;
  readonly planned: number;
  readonly best: { readonly value: number; readonly experimentId: string; readonly condition: Condition; readonly policy: string } | null;
  /** The experiment running (or next up) and the policy that chose it. */
  readonly current: { readonly experimentId: string; readonly policy: string; readonly status: string } | null;
  readonly platformStage: string | null;
  readonly platformOnline: boolean;
}

/** Reads a campaign's progress. */
export async function campaignProgress(db: CloudDrizzle, campaignId: string): Promise<CampaignProgress> {
  const [c] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!c) throw new Error(`no campaign ${campaignId}`);
  const rows = await db.select().from(experiments).where(eq(experiments.campaignId, campaignId)).orderBy(asc(experiments.seq));
  const [p] = c.platformId ? await db.select({ stage: platforms.stage, status: platforms.status }).from(platforms).where(eq(platforms.id, c.platformId)) : [];
  const schedule = c.schedule as StageSpec[];
  const maximize = (c.objective as { direction: string }).direction !== 'minimize';
  let best: CampaignProgress['best'] = null;
  for (const e of rows) {
    if (e.status !== 'done' || e.value === null) continue;
    if (!best || (maximize ? e.value > best.value : e.value < best.value)) best = { value: e.value, experimentId: e.id, condition: e.condition as Condition, policy: e.policy };
  }
  const current = rows.find((e) => e.status === 'running') ?? rows.find((e) => e.status === 'accepted') ?? rows.find((e) => e.status === 'dispatched');
  const lastStage = rows.reduce((m, e) => Math.max(m, e.stage), -1);
  return {
    campaignId,
    platformId: c.platformId,
    status: c.status,
    stage: lastStage >= 0 ? { index: lastStage, policy: schedule[lastStage]!.policy, count: schedule[lastStage]!.count } : null,
    done: rows.filter((e) => e.status === 'done').length,
    failed: rows.filter((e) => e.status === 'failed' || e.status === 'aborted').length,
    planned: c.planned,
    best,
    current: current ? { experimentId: current.id, policy: current.policy, status: current.status } : null,
    platformStage: p?.stage ?? null,
    platformOnline: p?.status === 'online',
  };
}

const defaultSpace = createConditionSpace();

/** A condition in a chemist's terms: temperature, reaction time and the stream fractions. */
export function describeCondition(c: Condition, space: ConditionSpace = defaultSpace): string {
  const u = space.toCube(c);
  const v = space.dimensions.map((d, i) => d.min + u[i]! * (d.max - d.min));
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  return `${v[0]!.toFixed(1)} C, ${v[1]!.toFixed(1)} s, CuI ${pct(v[2]!)}, OA ${pct(v[3]!)}, OAm ${pct(v[4]!)} | Cs-oleate ${pct(v[5]!)}, OA ${pct(v[6]!)}`;
}

/** One line: `sim-1  ei 2/2  9/16 done  best PL_I 41234 (measured, lhs)  now: ei c-1-exp-10 running`. */
export function progressLine(p: CampaignProgress, objective = 'PL_I'): string {
  const stage = p.stage ? `${p.stage.policy} stage ${p.stage.index + 1}` : 'starting';
  const best = p.best ? `best ${objective} ${p.best.value.toFixed(0)} (measured, chosen by ${p.best.policy})` : `best ${objective} -`;
  const now = p.current ? `now: ${p.current.experimentId} (${p.current.policy}) ${p.current.status}${p.platformStage ? `, ${p.platformStage}` : ''}` : p.status;
  const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
  return `${(p.platformId ?? '?').padEnd(6)} ${p.platformOnline ? '' : '[offline] '}${stage.padEnd(12)} ${String(p.done).padStart(3)}/${p.planned} done${failed}  ${best}  ${now}`;
}
