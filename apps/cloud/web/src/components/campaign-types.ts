/**
 * What the campaign pages read from the API beyond `types.ts`: a campaign's progress, its model
 * versions and the twin report (see apps/cloud/src/api/schemas/resources.ts and routes/models.ts),
 * and how the space's bounds map onto the create body.
 */
import { createConditionSpace, defaultChemistryConfig, type ConditionSpace, type Dimension } from '@sdfl/chemistry';
import type { TwinReport } from '../../../src/optimizer-host/lab-protocol';
import type { Campaign } from '../types';

export type { TwinReport };

/** `GET /campaigns/{id}`.progress. */
export interface CampaignProgress {
  readonly stage: { readonly index: number; readonly policy: string; readonly count: number } | null;
  readonly done: number;
  readonly failed: number;
  readonly planned: number;
  readonly best: { readonly value: number; readonly experimentId: string; readonly condition: unknown; readonly policy: string } | null;
  readonly current: { readonly experimentId: string; readonly policy: string; readonly status: string } | null;
  readonly platformStage: string | null;
  readonly platformOnline: boolean;
  readonly pendingApprovals: number;
}

/** `GET /campaigns/{id}`. */
export interface CampaignDetail {
  readonly campaign: Campaign;
  readonly progress: CampaignProgress;
}

/** One entry of `GET /campaigns/{id}/models`. */
export interface ModelVersion {
  readonly version: number;
  readonly nTrain: number | null;
  readonly createdAt: string;
  readonly report: 'ready' | 'computing' | 'none';
}

/** `GET /campaigns/{id}/models/{version}/report` when ready (200). */
export interface TwinReportResponse {
  readonly version: number;
  readonly computeMs: number;
  readonly report: TwinReport;
}

/** Campaign statuses the list can filter by (`GET /campaigns?status=`). */
export const CAMPAIGN_STATUSES = ['queued', 'running', 'paused', 'done', 'cancelled'] as const;

/** Where each input's bounds sit in the create body's `space` (and in the chemistry config). */
export const BOUND_PATHS = {
  temperatureC: ['temperatureC'],
  reactionTimeS: ['reactionTimeS'],
  cuIFraction: ['cuIStream', 'cuI'],
  oaCuIFraction: ['cuIStream', 'oaCuI'],
  oAmFraction: ['cuIStream', 'oAm'],
  csOleateFraction: ['csStream', 'csOleate'],
  oaCsFraction: ['csStream', 'oaCs'],
} as const satisfies Record<Dimension['key'], readonly string[]>;

/** The API's field path of an input's bounds, e.g. `space.cuIStream.cuI`. */
export const boundField = (key: Dimension['key']): string => ['space', ...BOUND_PATHS[key]].join('.');

/** The default space's inputs (the chemistry defaults every campaign narrows). */
export const DEFAULT_DIMENSIONS: readonly Dimension[] = createConditionSpace(defaultChemistryConfig).dimensions;

/** A campaign's condition space; null if its stored bounds no longer parse (shown as such). */
export function campaignSpace(c: Campaign): ConditionSpace | null {
  try {
    return createConditionSpace(c.space ?? {});
  } catch {
    return null;
  }
}

/** Whether the signed-in user may steer this campaign and review its proposals (the API checks again). */
export const maySteer = (me: { name: string; role: string }, c: Campaign): boolean => me.role === 'admin' || (me.role === 'scientist' && me.name === c.owner);
