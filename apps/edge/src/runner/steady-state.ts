import type { Clock } from '@sdfl/hal';

/**
 * What the runner measured while it waited for steady state (the protocol's `result.steadyState`):
 * instants on the injected clock, plate temperature as the control loop last read it.
 */
export interface SteadyStateEvidence {
  /** When every pump had acknowledged its start, clock ms. */
  flowStartedAtMs: number;
  /** End of the t_E wait, clock ms. */
  steadyAtMs: number;
  /** steadyAtMs - flowStartedAtMs, s. */
  waitedS: number;
  /** The planned t_E, s (the criterion). */
  plannedEquilibrationS: number;
  /** The drift window before steadyAtMs, s. */
  windowS: number;
  /** Plate readings in the window; null when none was valid. */
  plate: { samples: number; minC: number; maxC: number; driftC: number; setpointC: number } | null;
}

export interface EquilibrationOptions {
  clock: Clock;
  /** When the flow started, clock ms. */
  flowStartedAtMs: number;
  /** Planned wait t_E, s. */
  equilibrationS: number;
  setpointC: number;
  /** Latest plate temperature, C, or null without a valid reading. */
  readPlateC: () => number | null;
  /** Drift window, s (config `runner.steadyWindowS`); capped at t_E. */
  windowS: number;
  /** Reading period, ms (config `runner.steadySampleMs`). */
  sampleMs: number;
  signal: AbortSignal;
}

/**
 * Waits out t_E from the flow start, reading the plate every `sampleMs` of clock time, and
 * reports what the readings in the last `windowS` showed. The wait ends exactly at the t_E
 * deadline (the last sleep is shortened), so sampling does not lengthen it. Rejects when aborted.
 */
export async function equilibrate(o: EquilibrationOptions): Promise<SteadyStateEvidence> {
  const { clock } = o;
  const deadline = o.flowStartedAtMs + o.equilibrationS * 1_000;
  const windowMs = Math.min(o.windowS, o.equilibrationS) * 1_000;
  const readings: { atMs: number; c: number }[] = [];
  const read = () => {
    const c = o.readPlateC();
    if (c !== null && Number.isFinite(c)) readings.push({ atMs: clock.now(), c });
  };
  read();
  while (clock.now() < deadline) {
    await clock.sleep(Math.min(o.sampleMs, deadline - clock.now()), o.signal);
    read();
  }
  const steadyAtMs = clock.now();
  const inWindow = readings.filter((r) => r.atMs >= steadyAtMs - windowMs);
  const values = inWindow.map((r) => r.c);
  return {
    flowStartedAtMs: o.flowStartedAtMs,
    steadyAtMs,
    waitedS: (steadyAtMs - o.flowStartedAtMs) / 1_000,
    plannedEquilibrationS: o.equilibrationS,
    windowS: windowMs / 1_000,
    plate:
      values.length > 0
        ? { samples: values.length, minC: Math.min(...values), maxC: Math.max(...values), driftC: values.at(-1)! - values[0]!, setpointC: o.setpointC }
        : null,
  };
}
