/**
 * The content of a `modelSnapshot` command's `snapshot` field: what the cloud sends an edge so
 * that, with the queue dry and the broker gone, the edge's `local` offline policy can pick the
 * next condition itself (docs/architecture.md §6).
 *
 * The command schema keeps `snapshot` an opaque JSON object, so a snapshot this schema rejects
 * still decodes as a command and the edge answers it with `ack` reason `INVALID_COMMAND` rather
 * than dropping it as an invalid payload. The cloud builds snapshots against this schema; the
 * edge validates them with it before storing one.
 *
 * @module
 */
import { z } from 'zod';
import { FEATURE_NAMES } from '../constants';
import { identifier } from './common';

/** Acquisition policies an edge may apply to a snapshot's model (UCB, EI, EPLT). */
export const MODEL_SNAPSHOT_POLICIES = ['ucb', 'ei', 'eplt'] as const;

/** Body of a model snapshot: the `snapshot` field of a `modelSnapshot` command. */
export const modelSnapshotBodySchema = z.object({
  /**
   * The surrogate as its package serialises it (packages/optimizer `toJSON()`); `format` names
   * the serialisation so that the edge picks the right loader. Other keys pass through untouched.
   */
  model: z.object({ format: z.string() }).passthrough(),
  /** The feature the campaign optimises and in which direction (default `maximize`). */
  objective: z.object({ feature: z.enum(FEATURE_NAMES), direction: z.enum(['maximize', 'minimize']).default('maximize') }),
  /** Acquisition policy; default `ucb`. */
  policy: z.enum(MODEL_SNAPSHOT_POLICIES).default('ucb'),
  /** UCB's exploration weight (mean + kappa x std); > 0, default 2. */
  kappa: z.number().positive().default(2),
  /** Best objective value seen so far (EI's incumbent), in the objective feature's units. */
  best: z.number().optional(),
  /** Campaign the experiments picked from this snapshot belong to. */
  campaignId: identifier.optional(),
});
/** A model snapshot after parsing (defaults filled). */
export type ModelSnapshotBody = z.infer<typeof modelSnapshotBodySchema>;
/** A model snapshot as a sender may write it (defaults optional). */
export type ModelSnapshotBodyInput = z.input<typeof modelSnapshotBodySchema>;
