/** The API's resources as the pages read them (see apps/cloud/src/api/schemas/resources.ts). */

export interface ActiveAlarm {
  readonly id: number;
  readonly type: string;
  readonly severity: string;
  readonly at: string | null;
  readonly body: unknown;
}

export interface PumpLimits {
  readonly minRateUlMin: number;
  readonly maxRateUlMin: number;
  readonly syringeVolumeUl: number;
}

export interface Platform {
  readonly id: string;
  readonly pool: string | null;
  readonly status: 'online' | 'offline' | 'unknown';
  readonly revoked: boolean;
  readonly lastSeenAt: string | null;
  readonly stage: string | null;
  readonly temperature: { readonly pvC: number | null; readonly spC: number | null } | null;
  readonly safe: boolean | null;
  readonly safeReason: string | null;
  /** Times and seconds of the edge's clock (a simulated platform's runs faster). */
  readonly current: {
    readonly experimentId: string;
    readonly startedAt: string | null;
    readonly expectedEndAt: string | null;
    readonly steadyInS: number | null;
    readonly endInS: number | null;
  } | null;
  readonly queueDepth: number;
  readonly reagentsUl: Record<string, number> | null;
  readonly activeAlarms: ActiveAlarm[];
  readonly limits: { readonly temperature?: { minC: number; maxC: number; ceilingC: number }; readonly pumps?: Record<string, PumpLimits> } | null;
  readonly credentialsIssuedAt: string | null;
}

export interface Credentials {
  readonly platformId: string;
  readonly username: string;
  readonly password: string;
}

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly space: unknown;
  readonly objective: { readonly feature: string; readonly direction: string };
  readonly schedule: { readonly policy: string; readonly count: number }[];
  readonly priorCampaigns: string[] | null;
  readonly surrogate: string | null;
  readonly seed: number;
  readonly targetPlatform: string | null;
  readonly targetPool: string | null;
  readonly platformId: string | null;
  readonly queuePosition: number;
  readonly queueDepth: number;
  readonly maxConsecutiveFailures: number;
  readonly consecutiveFailures: number;
  readonly approvalGate: boolean;
  readonly approvalAhead: number;
  readonly planned: number;
  readonly createdAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface Experiment {
  readonly id: string;
  readonly campaignId: string;
  readonly seq: number;
  readonly platformId: string | null;
  readonly status: string;
  readonly attempt: number;
  readonly condition: Record<string, number> | null;
  readonly cube: number[];
  readonly policy: string;
  readonly stage: number;
  readonly acquisitionValue: number | null;
  readonly predictedMean: number | null;
  readonly predictedStd: number | null;
  readonly modelVersion: number | null;
  readonly value: number | null;
  readonly failure: unknown;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly reviewNote: string | null;
  readonly proposedCondition: Record<string, number> | null;
  readonly createdAt: string | null;
  readonly dispatchedAt: string | null;
  readonly acceptedAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** What a command to an edge returned: its id and the edge's ack, if it came within the wait. */
export interface CommandOutcome {
  readonly platformId: string;
  readonly commandId: string;
  readonly ack: { readonly accepted: boolean; readonly reason?: string; readonly detail?: string } | null;
}

export const describeAck = (o: CommandOutcome): string =>
  o.ack === null
    ? `sent (${o.commandId}); no answer from ${o.platformId} yet: it will act when it reads the command`
    : o.ack.accepted
      ? `${o.platformId} accepted it`
      : `${o.platformId} refused: ${o.ack.reason ?? ''}${o.ack.detail ? ` (${o.ack.detail})` : ''}`;
