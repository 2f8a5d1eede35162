import { PUMP_IDS, PUMP_LABELS, type PumpId } from '@sdfl/chemistry';

/** What the inventory persists: enough to finish the bookkeeping after a crash. */
export interface InventoryState {
  /** Reagent booked as left in each syringe, uL. */
  contentsUl: Record<PumpId, number>;
  /**
   * Pumps whose contents are not known, with why: a delivered volume could not be read, so an
   * unknown amount left the syringe. Cleared only by a `refilled` command.
   */
  uncertain: Partial<Record<PumpId, string>>;
  /**
   * Pumps started and not booked yet, with who started them (`experimentId#attempt` or a flush
   * label). Written before the start, cleared by the booking, so a crash in between is visible at boot.
   */
  inFlight: Partial<Record<PumpId, string>>;
}

/**
 * Reagent left in each syringe, uL, booked from the pumps' dispensed volumes after every run and
 * persisted through `save` on every change (one write holds contents, uncertainty and in-flight
 * runs together, so they never disagree on disk).
 *
 * Conservative by contract: {@link usableUl} counts an uncertain syringe as empty, so the planner,
 * the runner and the syringe-low interlock (all fed from it) never rely on reagent that may be gone.
 * Warnings are raised below `lowUl`.
 */
export class Inventory {
  private state: InventoryState;

  constructor(
    initial: InventoryState,
    private readonly save: (state: InventoryState) => void,
    private readonly lowUl: Partial<Record<PumpId, number>>,
    /** Told whenever a syringe becomes uncertain (the agent raises an INVENTORY_UNCERTAIN alarm). */
    private readonly onUncertain: (pump: PumpId, reason: string) => void = () => undefined,
  ) {
    this.state = structuredClone(initial);
  }

  /** Contents the planner and interlocks may rely on, uL: an uncertain syringe counts as 0. */
  usableUl(): Record<PumpId, number> {
    return Object.fromEntries(PUMP_IDS.map((id) => [id, this.state.uncertain[id] !== undefined ? 0 : this.state.contentsUl[id]])) as Record<PumpId, number>;
  }

  /** Same as {@link usableUl} (kept for callers that only need the numbers). */
  snapshot(): Record<PumpId, number> {
    return this.usableUl();
  }

  /** The whole persisted state (copy). */
  describe(): InventoryState {
    return structuredClone(this.state);
  }

  /** Pumps whose contents are unknown, with the reason. */
  uncertain(): Partial<Record<PumpId, string>> {
    return { ...this.state.uncertain };
  }

  /** Pumps started and not booked, with who started them. */
  inFlight(): Partial<Record<PumpId, string>> {
    return { ...this.state.inFlight };
  }

  /** Records, before the pumps start, that `ids` are about to run for `owner`. */
  startRun(ids: readonly PumpId[], owner: string): void {
    for (const id of ids) this.state.inFlight[id] = owner;
    this.persist();
  }

  /** Subtracts what each pump delivered (uL) and ends its in-flight run. */
  consume(deliveredUl: Partial<Record<PumpId, number>>): void {
    for (const [id, ul] of Object.entries(deliveredUl) as [PumpId, number][]) {
      this.state.contentsUl[id] = Math.max(0, this.state.contentsUl[id] - Math.max(0, ul));
      delete this.state.inFlight[id];
    }
    this.persist();
  }

  /** A run's delivered volume could not be read: the contents are unknown until refilled. */
  markUncertain(id: PumpId, reason: string): void {
    this.state.uncertain[id] = reason;
    delete this.state.inFlight[id];
    this.persist();
    this.onUncertain(id, reason);
  }

  /** The operator refilled (or measured) a syringe: its contents are known again. */
  refilled(pump: PumpId, volumeUl: number): void {
    this.state.contentsUl[pump] = volumeUl;
    delete this.state.uncertain[pump];
    this.persist();
  }

  /** Human warnings: syringes below their low level, and syringes whose contents are unknown. */
  warnings(): string[] {
    const usable = this.usableUl();
    return PUMP_IDS.flatMap((id) => {
      const why = this.state.uncertain[id];
      if (why !== undefined) return [`${PUMP_LABELS[id]} contents unknown (${why}); send refilled to clear`];
      return usable[id] < (this.lowUl[id] ?? 0) ? [`${PUMP_LABELS[id]} is low: ${usable[id].toFixed(0)} uL left`] : [];
    });
  }

  private persist(): void {
    this.save(this.describe());
  }
}
