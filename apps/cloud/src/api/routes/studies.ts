/**
 * `/studies`: ask/tell optimisation for any lab, no MQTT. Create a study over named parameters,
 * `ask` for suggestions (each pending until told), `tell` a value, a failure (learned as a failed
 * region) or an abandonment (forgotten, its slot returned). Viewers read; scientists change their
 * own studies; admins all.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { StageSpec } from '@sdfl/optimizer';
import type { ApiDeps, ApiEnv } from '../app';
import { requireOwner, requireRole } from '../auth';
import { formatSchedule, parseSchedule, ScheduleError } from '../../engine/schedule';
import { ApiError, errorResponses } from '../errors';
import { StudyService, StudyServiceError, type StudyRow, type TellOutcome, type TrialRow } from '../../studies/service';
import { askQuerySchema, askResponseSchema, createStudySchema, idParamSchema, studySchema, tellResponseSchema, tellSchema, trialSchema } from '../schemas/studies';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const base = { tags: ['studies'], security: [{ bearer: [] }] };

const create = createRoute({
  ...base,
  method: 'post',
  path: '/studies',
  summary: 'Create an ask/tell study (scientist)',
  request: body(createStudySchema),
  responses: { 201: json(studySchema, 'the study'), ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN') },
});
const list = createRoute({
  ...base,
  method: 'get',
  path: '/studies',
  summary: 'List studies',
  request: { query: z.object({ owner: z.string().max(64).optional() }) },
  responses: { 200: json(z.object({ studies: z.array(studySchema) }), 'studies'), ...errorResponses('UNAUTHORIZED') },
});
const get = createRoute({
  ...base,
  method: 'get',
  path: '/studies/{id}',
  summary: 'A study: progress and best so far',
  request: { params: idParamSchema },
  responses: { 200: json(studySchema, 'the study'), ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});
const best = createRoute({
  ...base,
  method: 'get',
  path: '/studies/{id}/best',
  summary: 'The best told trial (null before any value)',
  request: { params: idParamSchema },
  responses: { 200: json(z.object({ best: trialSchema.nullable() }), 'the best trial'), ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});
const observations = createRoute({
  ...base,
  method: 'get',
  path: '/studies/{id}/observations',
  summary: 'Every trial in order of asking, with its outcome',
  request: { params: idParamSchema },
  responses: { 200: json(z.object({ trials: z.array(trialSchema) }), 'the trials'), ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});
const ask = createRoute({
  ...base,
  method: 'post',
  path: '/studies/{id}/ask',
  summary: 'Up to n new suggestions, pending until told (owner or admin)',
  request: { params: idParamSchema, query: askQuerySchema },
  responses: { 200: json(askResponseSchema, 'the suggestions (none once the schedule is used up)'), ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});
const tell = createRoute({
  ...base,
  method: 'post',
  path: '/studies/{id}/tell',
  summary: 'The outcome of a suggestion: value, failed or abandoned (owner or admin)',
  request: { params: idParamSchema, ...body(tellSchema) },
  responses: { 200: json(tellResponseSchema, 'the trial as stored'), ...errorResponses('VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});
const remove = createRoute({
  ...base,
  method: 'delete',
  path: '/studies/{id}',
  summary: 'Delete a study and its trials (owner or admin)',
  request: { params: idParamSchema, query: z.object({ reason: z.string().max(500).optional() }) },
  responses: { 204: { description: 'deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

/** The routes; one {@link StudyService} per app. */
export function studyRoutes(deps: ApiDeps) {
  const service = new StudyService({ db: deps.db, host: deps.engine.host, owner: `api:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` });
  const found = async (id: string) => mapErrors(() => service.get(id));
  const view = async (s: StudyRow) => studyView(s, await service.trials(s.id));
  return new OpenAPIHono<ApiEnv>()
    .openapi(create, async (c) => {
      const p = c.get('principal');
      requireRole(p, 'scientist');
      const b = c.req.valid('json');
      let schedule: StageSpec[];
      try {
        schedule = parseSchedule(b.schedule);
      } catch (error) {
        if (error instanceof ScheduleError) throw new ApiError('VALIDATION', 'invalid request', { schedule: error.problems });
        throw error;
      }
      const parameters = b.parameters.map((x) => ({ name: x.name, type: x.type as 'continuous' | 'integer', min: x.min!, max: x.max! }));
      const row = await service.create(
        { name: b.name, parameters, objective: b.objective, schedule, ...(b.seed ? { seed: b.seed } : {}), ...(b.surrogate ? { surrogate: b.surrogate } : {}) },
        p.name,
        b.reason,
      );
      return c.json(await view(row), 201);
    })
    .openapi(list, async (c) => {
      const rows = await service.list(c.req.valid('query').owner);
      return c.json({ studies: await Promise.all(rows.map(view)) }, 200);
    })
    .openapi(get, async (c) => c.json(await view(await found(c.req.valid('param').id)), 200))
    .openapi(best, async (c) => {
      const s = await found(c.req.valid('param').id);
      return c.json({ best: studyView(s, await service.trials(s.id)).best }, 200);
    })
    .openapi(observations, async (c) => {
      const s = await found(c.req.valid('param').id);
      return c.json({ trials: (await service.trials(s.id)).map(trialView) }, 200);
    })
    .openapi(ask, async (c) => {
      const s = await found(c.req.valid('param').id);
      requireOwner(c.get('principal'), s.owner);
      const r = await mapErrors(() => service.ask(s.id, c.req.valid('query').n, c.get('principal').name));
      return c.json({ suggestions: r.trials.map(trialView), done: r.done }, 200);
    })
    .openapi(tell, async (c) => {
      const s = await found(c.req.valid('param').id);
      requireOwner(c.get('principal'), s.owner);
      const b = c.req.valid('json');
      const outcome: TellOutcome = b.value !== undefined ? { value: b.value } : b.failed ? { failed: true, ...(b.reason ? { reason: b.reason } : {}) } : { abandoned: true, ...(b.reason ? { reason: b.reason } : {}) };
      const r = await mapErrors(() => service.tell(s.id, b.trialId, outcome, c.get('principal').name, b.reason));
      return c.json({ trial: trialView(r.trial), unchanged: r.unchanged }, 200);
    })
    .openapi(remove, async (c) => {
      const s = await found(c.req.valid('param').id);
      requireOwner(c.get('principal'), s.owner);
      await mapErrors(() => service.remove(s.id, c.get('principal').name, c.req.valid('query').reason));
      return c.body(null, 204);
    });
}

async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StudyServiceError) throw new ApiError(error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'CONFLICT', error.message);
    const e = error as { name?: string; code?: string; message?: string };
    // The optimizer refused the request itself (e.g. a told id it does not know): the caller's fault.
    if (e.name === 'StudyError' || (e.name === 'OptimizerHostError' && ['UNKNOWN_ID', 'ALREADY_TOLD', 'INVALID_RESULT', 'INVALID_OPTIONS'].includes(e.code ?? ''))) {
      throw new ApiError('CONFLICT', e.message ?? 'optimizer refused');
    }
    throw error;
  }
}

function trialView(t: TrialRow): z.infer<typeof trialSchema> {
  return {
    id: t.id,
    seq: t.seq,
    params: t.params as Record<string, number>,
    status: t.status as z.infer<typeof trialSchema>['status'],
    value: t.value,
    reason: t.reason,
    policy: t.policy,
    stage: t.stage,
    predicted: t.predictedMean !== null && t.predictedStd !== null ? { mean: t.predictedMean, std: t.predictedStd } : null,
    modelVersion: t.modelVersion,
    askedAt: t.askedAt.toISOString(),
    toldAt: t.toldAt?.toISOString() ?? null,
  };
}

/** A study with progress computed from its trials (the stored state is not read for a GET). */
function studyView(s: StudyRow, trials: TrialRow[]): z.infer<typeof studySchema> {
  const schedule = s.schedule as StageSpec[];
  const issued = trials.filter((t) => t.status !== 'abandoned');
  const perStage = schedule.map((_, i) => issued.filter((t) => t.stage === i).length);
  const stage = schedule.findIndex((st, i) => perStage[i]! < st.count);
  const objective = s.objective as z.infer<typeof studySchema>['objective'];
  const sign = objective.direction === 'maximize' ? 1 : -1;
  const told = trials.filter((t) => t.status === 'told' && t.value !== null);
  const best = told.reduce<TrialRow | null>((b, t) => (!b || sign * t.value! > sign * b.value! ? t : b), null);
  return {
    id: s.id,
    name: s.name,
    owner: s.owner,
    status: s.status as 'active' | 'done',
    parameters: s.parameters as z.infer<typeof studySchema>['parameters'],
    objective,
    schedule: formatSchedule(schedule),
    surrogate: s.surrogate,
    seed: s.seed,
    version: s.version,
    progress: {
      stage: stage < 0 ? null : stage,
      issued: issued.length,
      total: schedule.reduce((a, st) => a + st.count, 0),
      pending: trials.filter((t) => t.status === 'pending').length,
      observations: told.length + trials.filter((t) => t.status === 'failed').length,
      failed: trials.filter((t) => t.status === 'failed').length,
    },
    best: best ? trialView(best) : null,
    createdAt: s.createdAt.toISOString(),
  };
}
