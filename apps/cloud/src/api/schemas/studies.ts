/** Request and response schemas of `/studies` (zod, also the OpenAPI document). */
import { z } from '@hono/zod-openapi';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** One named parameter. Categorical is recognised only to refuse it with a reason. */
export const parameterSchema = z
  .object({
    name: z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a letter or _ first, then letters, digits, _ . -'),
    type: z.enum(['continuous', 'integer', 'categorical']).default('continuous'),
    min: finite.optional(),
    max: finite.optional(),
    choices: z.array(z.string().max(200)).max(1000).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.type === 'categorical') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message:
          'categorical parameters are not supported: the optimizer models every input on a continuous unit cube (no categorical kernel); encode the choices yourself or run one study per choice',
      });
      return;
    }
    if (p.min === undefined) ctx.addIssue({ code: 'custom', path: ['min'], message: 'required' });
    if (p.max === undefined) ctx.addIssue({ code: 'custom', path: ['max'], message: 'required' });
    if (p.min !== undefined && p.max !== undefined && !(p.min < p.max)) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be greater than min' });
    if (p.type === 'integer') {
      for (const k of ['min', 'max'] as const) {
        if (p[k] !== undefined && !Number.isInteger(p[k])) ctx.addIssue({ code: 'custom', path: [k], message: 'must be an integer for an integer parameter' });
      }
    }
  });

export const createStudySchema = z
  .object({
    name: z.string().min(1).max(200),
    parameters: z.array(parameterSchema).min(1).max(16),
    objective: z.object({ name: z.string().min(1).max(64), direction: z.enum(['maximize', 'minimize']) }),
    schedule: z.string().min(1).max(500).openapi({ example: 'lhs 6 -> ei 10' }),
    seed: z.number().int().min(1).max(2 ** 31 - 1).optional(),
    surrogate: z.enum(['gp', 'enn', 'auto']).optional(),
    reason: z.string().max(500).optional(),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.parameters.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], message: `duplicate parameter name '${p.name}'` });
      seen.add(p.name);
    });
  })
  .openapi('CreateStudy');

export const askQuerySchema = z.object({
  n: z.coerce.number().int().min(1).max(100).default(1).openapi({ param: { name: 'n', in: 'query' }, example: 2 }),
});

export const tellSchema = z
  .object({
    trialId: z.string().min(1).max(100),
    value: finite.optional(),
    failed: z.literal(true).optional(),
    abandoned: z.literal(true).optional(),
    reason: z.string().max(500).optional(),
  })
  .superRefine((b, ctx) => {
    const given = [b.value !== undefined, b.failed === true, b.abandoned === true].filter(Boolean).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['value'], message: 'give exactly one of value, failed: true, abandoned: true' });
  })
  .openapi('Tell');

export const idParamSchema = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }) });

export const trialSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    params: z.record(z.string(), z.number()),
    status: z.enum(['pending', 'told', 'failed', 'abandoned']),
    value: z.number().nullable(),
    reason: z.string().nullable(),
    policy: z.string(),
    stage: z.number().int(),
    predicted: z.object({ mean: z.number(), std: z.number() }).nullable(),
    modelVersion: z.number().int().nullable(),
    askedAt: z.string(),
    toldAt: z.string().nullable(),
  })
  .openapi('Trial');

export const progressSchema = z.object({
  stage: z.number().int().nullable(),
  issued: z.number().int(),
  total: z.number().int(),
  pending: z.number().int(),
  observations: z.number().int(),
  failed: z.number().int(),
});

export const studySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.string(),
    status: z.enum(['active', 'done']),
    parameters: z.array(z.object({ name: z.string(), type: z.enum(['continuous', 'integer']), min: z.number(), max: z.number() })),
    objective: z.object({ name: z.string(), direction: z.enum(['maximize', 'minimize']) }),
    schedule: z.string(),
    surrogate: z.string().nullable(),
    seed: z.number().int(),
    version: z.number().int(),
    progress: progressSchema,
    best: trialSchema.nullable(),
    createdAt: z.string(),
  })
  .openapi('Study');

export const askResponseSchema = z.object({ suggestions: z.array(trialSchema), done: z.boolean() }).openapi('AskResult');
export const tellResponseSchema = z.object({ trial: trialSchema, unchanged: z.boolean() }).openapi('TellResult');
