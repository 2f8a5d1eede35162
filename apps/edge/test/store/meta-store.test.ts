import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetaStore, openEdgeDb, type EdgeDb } from '../../src/store/index';

describe('MetaStore', () => {
  let edgeDb: EdgeDb;
  let meta: MetaStore;
  beforeEach(() => {
    edgeDb = openEdgeDb(':memory:');
    meta = new MetaStore(edgeDb);
  });
  afterEach(() => edgeDb.close());

  it('gets and upserts text values', () => {
    expect(meta.get('k')).toBeUndefined();
    meta.set('k', 'a');
    meta.set('k', 'b');
    expect(meta.get('k')).toBe('b');
  });

  it('reads integers with a fallback and rejects corrupt ones', () => {
    expect(meta.getInt('n', 7)).toBe(7);
    meta.setInt('n', 42);
    expect(meta.getInt('n')).toBe(42);
    meta.set('n', '4x');
    expect(() => meta.getInt('n')).toThrow(/not a non-negative integer/);
    expect(() => meta.setInt('n', -1)).toThrow(RangeError);
  });

  it('increments atomically from 0', () => {
    expect(meta.increment('c')).toBe(1);
    expect(meta.increment('c')).toBe(2);
    expect(meta.increment('c', 10)).toBe(12);
  });
});
