import { conditionSchema } from '@sdfl/protocol';
import { and, asc, eq, inArray, max, min } from 'drizzle-orm';
import { z } from 'zod';
import { queue, transitions, type EdgeDrizzle, type QueueRow } from '../store/index';
import type { AttemptStatus, QueueItem, QueueStore, Stage } from './types';

const RUNNER_STAGES = ['heating', 'flowing', 'equilibrating', 'acquiring', 'processing'] as const satisfies readonly Stage[];
const storedStage = z.enum(RUNNER_STAGES).nullable();
const storedCondition = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
}).pipe(conditionSchema);

/** A row as the runner sees it, validated: a row it cannot read is an error naming the row, never a cast. */
const toItem = (r: QueueRow): QueueItem => {
  const condition = storedCondition.safeParse(r.condition);
  const stage = storedStage.safeParse(r.stage);
  if (!condition.success || !stage.success) {
    const why = [condition.error, stage.error].flatMap((e) => e?.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`) ?? []).join('; ');
    throw new Error(`queue row ${r.experimentId}#${r.attempt} is unreadable (${why})`);
  }
  return { experimentId: r.experimentId, attempt: r.attempt, condition: condition.data, campaignId: r.campaignId, status: r.status, stage: stage.data };
};

/** The runner's queue and transition log in the edge's SQLite database (synchronous, durable writes). */
export class SqliteQueueStore implements QueueStore {
  constructor(
    private readonly db: EdgeDrizzle,
    private readonly now: () => number,
  ) {}

  enqueue(items: Omit<QueueItem, 'status' | 'stage'>[], options: { first?: boolean } = {}): void {
    this.db.transaction((tx) => {
      const head = options.first ? tx.select({ p: min(queue.position) }).from(queue).where(eq(queue.status, 'queued')).get()?.p : undefined;
      let position = head !== undefined && head !== null ? head - items.length : (tx.select({ p: max(queue.position) }).from(queue).get()?.p ?? 0) + 1;
      for (const item of items) {
        tx.insert(queue)
          .values({
            experimentId: item.experimentId,
            attempt: item.attempt,
            position: position++,
            condition: JSON.stringify(item.condition),
            campaignId: item.campaignId,
            status: 'queued',
            updatedAt: this.now(),
          })
          .run();
      }
    });
  }

  next(): QueueItem | undefined {
    const row = this.db.select().from(queue).where(eq(queue.status, 'queued')).orderBy(asc(queue.position)).limit(1).get();
    return row ? toItem(row) : undefined;
  }

  get(experimentId: string, attempt: number): QueueItem | undefined {
    const row = this.db.select().from(queue).where(and(eq(queue.experimentId, experimentId), eq(queue.attempt, attempt))).get();
    return row ? toItem(row) : undefined;
  }

  attempts(experimentId: string): QueueItem[] {
    return this.db.select().from(queue).where(eq(queue.experimentId, experimentId)).orderBy(asc(queue.attempt)).all().map(toItem);
  }

  list(statuses?: AttemptStatus[]): QueueItem[] {
    const q = this.db.select().from(queue);
    return (statuses ? q.where(inArray(queue.status, statuses)) : q).orderBy(asc(queue.position)).all().map(toItem);
  }

  setStatus(experimentId: string, attempt: number, status: AttemptStatus, stage: Stage | null = null): void {
    this.db
      .update(queue)
      .set({ status, stage, updatedAt: this.now() })
      .where(and(eq(queue.experimentId, experimentId), eq(queue.attempt, attempt)))
      .run();
  }

  transition(t: { experimentId: string | null; attempt: number | null; from: string; to: string; atMs: number; detail?: string }): void {
    this.db
      .insert(transitions)
      .values({ experimentId: t.experimentId, attempt: t.attempt, fromState: t.from, toState: t.to, at: t.atMs, detail: t.detail ?? null })
      .run();
  }
}
