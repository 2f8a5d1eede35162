import { PUMP_IDS, PUMP_LABELS, type PumpId } from '@sdfl/chemistry';

/**
 * Reagent left in each syringe, uL. Updated from the pumps' dispensed volume after every run,
 * persisted through `save`, reset by a `refilled` command. Warnings are raised below `lowUl`.
 */
export class Inventory {
  private contents: Record<PumpId, number>;

  constructor(
    initial: Record<PumpId, number>,
    private readonly save: (contents: Record<PumpId, number>) => void,
    private readonly lowUl: Partial<Record<PumpId, number>>,
  ) {
    this.contents = { ...initial };
  }

  snapshot(): Record<PumpId, number> {
    return { ...this.contents };
  }

  /** Subtracts what each pump delivered. */
  consume(deliveredUl: Partial<Record<PumpId, number>>): void {
    for (const [id, ul] of Object.entries(deliveredUl) as [PumpId, number][]) {
      this.contents[id] = Math.max(0, this.contents[id] - Math.max(0, ul));
    }
    this.save(this.snapshot());
  }

  refilled(pump: PumpId, volumeUl: number): void {
    this.contents[pump] = volumeUl;
    this.save(this.snapshot());
  }

  /** Human warnings for syringes below their low level. */
  warnings(): string[] {
    return PUMP_IDS.filter((id) => this.contents[id] < (this.lowUl[id] ?? 0)).map(
      (id) => `${PUMP_LABELS[id]} is low: ${this.contents[id].toFixed(0)} uL left`,
    );
  }
}
