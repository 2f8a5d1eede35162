import { PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { afterEach, describe, expect, it } from 'vitest';
import { type InvalidSetting, SettingsStore } from '../../src/agent/settings-store';
import { MetaStore, openEdgeDb, type EdgeDb } from '../../src/store/index';

const full = Object.fromEntries(PUMP_IDS.map((id) => [id, 5_000])) as Record<PumpId, number>;
const settings = { integrationUs: 100_000, scans: 5, boxcar: 2 };

describe('SettingsStore', () => {
  let db: EdgeDb;
  afterEach(() => db.close());
  const make = () => {
    db = openEdgeDb(':memory:');
    const meta = new MetaStore(db);
    const invalid: InvalidSetting[] = [];
    return { meta, invalid, store: new SettingsStore(meta, (p) => invalid.push(p)) };
  };

  it('round-trips the inventory, blank and model snapshot through their schemas', () => {
    const { store, invalid } = make();
    expect(store.inventory(full)).toBeNull();
    const state = { contentsUl: { ...full, cuI: 12.5 }, uncertain: { pfo: 'read failed' }, inFlight: { oAm: 'exp-1#1' } };
    store.saveInventory(state);
    expect(store.inventory(full)).toEqual(state);
    store.saveReference(settings, { wavelengthNm: [300, 301], counts: [10, 11] });
    expect(store.reference(settings)).toEqual({ wavelengthNm: [300, 301], counts: [10, 11] });
    expect(store.reference({ ...settings, scans: 6 })).toBeNull();
    store.saveModelSnapshot('v3', { model: { format: 'enn' } });
    expect(store.modelSnapshot()).toEqual({ version: 'v3', snapshot: { model: { format: 'enn' } } });
    expect(invalid).toEqual([]);
  });

  it('reads the first releases\' inventory (contents only) as nothing uncertain or in flight', () => {
    const { store, meta } = make();
    meta.set('inventory', JSON.stringify({ ...full, cuI: 42 }));
    expect(store.inventory(full)).toEqual({ contentsUl: { ...full, cuI: 42 }, uncertain: {}, inFlight: {} });
  });

  it('a corrupt stored inventory is reported, kept on disk, and makes every syringe uncertain', () => {
    const { store, meta, invalid } = make();
    meta.set('inventory', '{"cuI": "lots"');
    const state = store.inventory(full)!;
    expect(Object.keys(state.uncertain).sort()).toEqual([...PUMP_IDS].sort());
    expect(invalid).toEqual([{ key: 'inventory', problem: expect.stringMatching(/not JSON/) }]);
    expect(meta.get('inventory')).toBe('{"cuI": "lots"');
    meta.set('inventory', JSON.stringify({ ...full, cuI: -5 }));
    expect(Object.keys(store.inventory(full)!.uncertain)).toHaveLength(PUMP_IDS.length);
    expect(invalid[1]?.problem).toBeTruthy();
  });

  it('ignores a malformed blank instead of casting it', () => {
    const { store, meta, invalid } = make();
    meta.set(`absorptionReference:${settings.integrationUs}:${settings.scans}:${settings.boxcar}`, JSON.stringify({ wavelengthNm: [1, 2], counts: [1] }));
    expect(store.reference(settings)).toBeNull();
    expect(invalid[0]?.problem).toMatch(/differ in length/);
    expect(() => store.saveInventory({ contentsUl: { ...full, cuI: Number.NaN }, uncertain: {}, inFlight: {} })).toThrow();
  });
});
