import { PUMP_IDS, type PumpId, type Spectrum } from '@sdfl/chemistry';
import { z } from 'zod';
import type { EdgeConfig } from '../config';
import type { InventoryState } from '../runner/inventory';
import type { MetaStore } from '../store/index';

const perPump = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(PUMP_IDS.map((id) => [id, value])) as Record<PumpId, T>);
const partialPerPump = <T extends z.ZodType>(value: T) => perPump(value).partial();
const volume = z.number().finite().nonnegative();

/** Stored inventory; the first releases stored only the contents (`{ cuI: 4000, ... }`), read as nothing uncertain or in flight. */
const inventorySchema = z.union([
  z.object({ contentsUl: perPump(volume), uncertain: partialPerPump(z.string()), inFlight: partialPerPump(z.string()) }),
  perPump(volume).transform((contentsUl) => ({ contentsUl, uncertain: {}, inFlight: {} })),
]);
const referenceSchema = z.object({ wavelengthNm: z.array(z.number().finite()).min(1), counts: z.array(z.number().finite()).min(1) }).refine((s) => s.wavelengthNm.length === s.counts.length, 'wavelengthNm and counts differ in length');
const modelSnapshotRecordSchema = z.object({ version: z.string(), snapshot: z.unknown() });

/** A stored value that failed validation: it is kept as it is on disk, and ignored. */
export interface InvalidSetting {
  key: string;
  problem: string;
}

const KEYS = { inventory: 'inventory', model: 'modelSnapshot' } as const;
/** A blank is only valid for the acquisition settings it was taken with (docs/devices.md §2: no dark pixels). */
const referenceKey = (s: EdgeConfig['spectrometer']) => `absorptionReference:${s.integrationUs}:${s.scans}:${s.boxcar}`;

/**
 * The agent's durable settings (inventory, absorption blank, last model snapshot) in the meta
 * table, every one parsed through its zod schema on the way in and out: a corrupt or foreign value
 * is reported through `onInvalid` and read as absent, never cast. Nothing is deleted on a bad read,
 * so the evidence stays on disk.
 */
export class SettingsStore {
  constructor(
    private readonly meta: MetaStore,
    private readonly onInvalid: (problem: InvalidSetting) => void = () => undefined,
  ) {}

  /**
   * The stored inventory, or `null` when none was stored. A stored value that does not parse
   * gives every pump uncertain contents: what is in the syringes is then unknown.
   */
  inventory(full: Record<PumpId, number>): InventoryState | null {
    const raw = this.meta.get(KEYS.inventory);
    if (raw === undefined) return null;
    const parsed = this.parse(KEYS.inventory, raw, inventorySchema);
    if (parsed) return parsed;
    const why = 'stored inventory unreadable';
    return { contentsUl: { ...full }, uncertain: Object.fromEntries(PUMP_IDS.map((id) => [id, why])), inFlight: {} };
  }

  saveInventory(state: InventoryState): void {
    this.meta.set(KEYS.inventory, JSON.stringify(inventorySchema.parse(state)));
  }

  /** The absorption blank taken with `settings`, or null. */
  reference(settings: EdgeConfig['spectrometer']): Spectrum | null {
    const key = referenceKey(settings);
    const raw = this.meta.get(key);
    return raw === undefined ? null : this.parse(key, raw, referenceSchema);
  }

  saveReference(settings: EdgeConfig['spectrometer'], spectrum: Spectrum): void {
    const value = referenceSchema.parse({ wavelengthNm: spectrum.wavelengthNm, counts: spectrum.counts });
    this.meta.set(referenceKey(settings), JSON.stringify(value));
  }

  /** The last `modelSnapshot` command's version and body (validated by its user, the offline policy). */
  modelSnapshot(): { version: string; snapshot: unknown } | null {
    const raw = this.meta.get(KEYS.model);
    return raw === undefined ? null : this.parse(KEYS.model, raw, modelSnapshotRecordSchema);
  }

  saveModelSnapshot(version: string, snapshot: unknown): void {
    this.meta.set(KEYS.model, JSON.stringify({ version, snapshot }));
  }

  private parse<T extends z.ZodType>(key: string, raw: string, schema: T): z.output<T> | null {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      this.onInvalid({ key, problem: `not JSON: ${(error as Error).message}` });
      return null;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    this.onInvalid({ key, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') });
    return null;
  }
}
