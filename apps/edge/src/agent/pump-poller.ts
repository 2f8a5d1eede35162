import { PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import type { BodyInput } from '@sdfl/protocol';
import type { Clock } from '@sdfl/hal';
import type { ControlPort } from '../control/control-loop';
import type { PumpStatus } from '../control/interlocks';

/** What the poller needs of a pump driver (ChemyxPump satisfies it). */
export interface PolledPump {
  read(): Promise<{ status: string; dispensedUl: number }>;
  describe(): { programmed: { rateUlMin: number } | null };
}

type PumpState = { status: PumpStatus | 'unknown'; rateUlMin: number; dispensedUl: number };
type PumpTelemetry = Record<PumpId, PumpState>;

const known: readonly PumpStatus[] = ['stopped', 'running', 'paused', 'delayed', 'stalled'];

/**
 * Polls every pump's status and dispensed volume, feeds the control loop's interlocks (stall,
 * link loss, syringe low from live contents) and keeps the latest states for telemetry.
 * Serial I/O stays out of the control loop's tick (docs/devices.md §5).
 */
export class PumpPoller {
  private readonly missed: Record<PumpId, number> = Object.fromEntries(PUMP_IDS.map((id) => [id, 0])) as Record<PumpId, number>;
  private readonly last: PumpTelemetry = Object.fromEntries(
    PUMP_IDS.map((id) => [id, { status: 'unknown', rateUlMin: 0, dispensedUl: 0 }]),
  ) as PumpTelemetry;
  private cancel: (() => void) | null = null;
  private busy = false;

  constructor(
    private readonly pumps: Record<PumpId, PolledPump>,
    private readonly clock: Clock,
    private readonly control: Pick<ControlPort, 'observePump' | 'setContents'>,
    private readonly contents: () => Record<PumpId, number>,
  ) {}

  start(periodMs: number): void {
    this.cancel = this.clock.every(periodMs, () => {
      if (this.busy) return;
      this.busy = true;
      void this.poll().finally(() => (this.busy = false));
    });
  }

  stop(): void {
    this.cancel?.();
  }

  states(): BodyInput<'telemetry'>['pumps'] {
    return structuredClone(this.last) as BodyInput<'telemetry'>['pumps'];
  }

  async poll(): Promise<void> {
    const live = this.contents();
    await Promise.all(
      PUMP_IDS.map(async (id) => {
        const pump = this.pumps[id];
        try {
          const r = await pump.read();
          this.missed[id] = 0;
          const status = (known as readonly string[]).includes(r.status) ? (r.status as PumpStatus) : 'unknown';
          const running = status === 'running';
          this.last[id] = { status, rateUlMin: running ? (pump.describe().programmed?.rateUlMin ?? 0) : 0, dispensedUl: r.dispensedUl };
          if (running) live[id] -= r.dispensedUl;
          this.control.observePump(id, { status, dispensedUl: r.dispensedUl, missedPolls: 0, atMs: this.clock.now() });
        } catch {
          this.missed[id]++;
          this.last[id] = { ...this.last[id], status: 'unknown', rateUlMin: 0 };
          this.control.observePump(id, { status: 'unknown', dispensedUl: this.last[id].dispensedUl, missedPolls: this.missed[id], atMs: this.clock.now() });
        }
      }),
    );
    this.control.setContents(live);
  }
}
