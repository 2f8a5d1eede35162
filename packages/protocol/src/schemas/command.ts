/**
 * `sdfl/v1/{platform}/cmd` — cloud to edge, QoS 1. A discriminated union on `type`.
 * The envelope `id` is the command id; the edge answers every command with an `ack` naming it,
 * and answers a repeated id with the same ack without acting twice.
 *
 * @module
 */
import { z } from 'zod';
import { conditionSchema, identifier, positive, pumpId, requiredText, text } from './common';

/** Most experiments in one `enqueue` command. */
export const MAX_ENQUEUE = 100;

/** One experiment to run. */
export const experimentRequestSchema = z.object({
  experimentId: identifier,
  /** 1 for the first try, +1 per retry of the same experiment; absent means 1. */
  attempt: z.int().min(1).optional(),
  condition: conditionSchema,
  campaignId: identifier.optional(),
});

/** Append experiments to the edge's persisted queue (acked after they are persisted). */
export const enqueueCommandSchema = z.object({
  type: z.literal('enqueue'),
  experiments: z.array(experimentRequestSchema).min(1).max(MAX_ENQUEUE),
});

/** Cancel one queued or running experiment, or everything queued (`scope: 'all'`). */
export const cancelCommandSchema = z.discriminatedUnion('scope', [
  z.object({ type: z.literal('cancel'), scope: z.literal('experiment'), experimentId: identifier }),
  z.object({ type: z.literal('cancel'), scope: z.literal('all') }),
]);

/** Hold the queue after the running experiment; nothing new starts. */
export const pauseCommandSchema = z.object({ type: z.literal('pause'), reason: text.optional() });

/** Let the queue run again after `pause`. */
export const resumeCommandSchema = z.object({ type: z.literal('resume') });

/** Stop now: enter SAFE (latched), mark the running experiment `aborted`. */
export const abortCommandSchema = z.object({ type: z.literal('abort'), reason: text.optional() });

/** Clear a latched SAFE once a person has checked the rig; who and why are logged. */
export const clearSafeCommandSchema = z.object({
  type: z.literal('clearSafe'),
  operator: z.string().min(1).max(128),
  reason: requiredText,
});

/**
 * A surrogate model snapshot for the `local` offline policy. `snapshot` is opaque JSON here; its
 * content is `modelSnapshotBodySchema` (schemas/model-snapshot.ts), which the edge applies.
 */
export const modelSnapshotCommandSchema = z.object({
  type: z.literal('modelSnapshot'),
  version: identifier,
  snapshot: z.record(z.string(), z.unknown()),
});

/** A syringe was refilled: it now holds `volumeUl` uL. */
export const refilledCommandSchema = z.object({
  type: z.literal('refilled'),
  pump: pumpId,
  volumeUl: positive,
});

/** Liveness check; the edge acks it. */
export const pingCommandSchema = z.object({ type: z.literal('ping') });

/** Body of a `cmd` message. */
export const commandBodySchema = z.discriminatedUnion('type', [
  enqueueCommandSchema,
  cancelCommandSchema,
  pauseCommandSchema,
  resumeCommandSchema,
  abortCommandSchema,
  clearSafeCommandSchema,
  modelSnapshotCommandSchema,
  refilledCommandSchema,
  pingCommandSchema,
]);
/** Body of a `cmd` message. */
export type CommandBody = z.infer<typeof commandBodySchema>;
/** A command's `type`. */
export type CommandType = CommandBody['type'];
/** The command of one `type`. */
export type CommandOf<T extends CommandType> = Extract<CommandBody, { type: T }>;
/** One experiment in an `enqueue` command. */
export type ExperimentRequest = z.infer<typeof experimentRequestSchema>;
