import { PUMP_IDS, type PumpId } from '@sdfl/chemistry';
import { describe, expect, it } from 'vitest';
import { Inventory, type InventoryState } from '../../src/runner/inventory';

const full = Object.fromEntries(PUMP_IDS.map((id) => [id, 5_000])) as Record<PumpId, number>;
const make = (initial: Partial<InventoryState> = {}) => {
  const saved: InventoryState[] = [];
  const inventory = new Inventory({ contentsUl: { ...full }, uncertain: {}, inFlight: {}, ...initial }, (s) => saved.push(s), { cuI: 1_000 });
  return { inventory, saved };
};

describe('Inventory', () => {
  it('books delivered volumes, never below 0 nor up for a negative reading, and persists each change', () => {
    const { inventory, saved } = make();
    inventory.consume({ cuI: 1_200.5, oAm: -3 });
    inventory.consume({ oAm: 9_000 });
    expect(inventory.usableUl()).toMatchObject({ cuI: 3_799.5, oAm: 0, pfo: 5_000 });
    expect(saved).toHaveLength(2);
    expect(saved.at(-1)!.contentsUl.oAm).toBe(0);
  });

  it('records runs in flight before they start and clears each pump when it is booked, in the same write', () => {
    const { inventory, saved } = make();
    inventory.startRun(['cuI', 'pfo'], 'exp-1#1');
    expect(saved.at(-1)!.inFlight).toEqual({ cuI: 'exp-1#1', pfo: 'exp-1#1' });
    inventory.consume({ cuI: 10 });
    expect(saved.at(-1)).toMatchObject({ inFlight: { pfo: 'exp-1#1' }, contentsUl: { cuI: 4_990 } });
  });

  it('counts an uncertain syringe as empty, says so, and a refill makes it known again', () => {
    const { inventory, saved } = make({ inFlight: { oaCs: 'exp-1#1' } });
    inventory.markUncertain('oaCs', 'read failed');
    expect(inventory.usableUl().oaCs).toBe(0);
    expect(inventory.describe()).toMatchObject({ contentsUl: { oaCs: 5_000 }, uncertain: { oaCs: 'read failed' }, inFlight: {} });
    expect(inventory.warnings()).toEqual([expect.stringMatching(/contents unknown \(read failed\); send refilled/)]);
    inventory.refilled('oaCs', 4_000);
    expect(inventory.uncertain()).toEqual({});
    expect(inventory.usableUl().oaCs).toBe(4_000);
    expect(saved.at(-1)!.uncertain).toEqual({});
  });

  it('warns below the low level only', () => {
    const { inventory } = make();
    expect(inventory.warnings()).toEqual([]);
    inventory.consume({ cuI: 4_100 });
    expect(inventory.warnings()).toEqual([expect.stringMatching(/is low: 900 uL left/)]);
  });

  it('hands out copies: callers cannot change its state', () => {
    const { inventory } = make();
    inventory.usableUl().cuI = 0;
    inventory.describe().contentsUl.cuI = 0;
    expect(inventory.usableUl().cuI).toBe(5_000);
  });
});
