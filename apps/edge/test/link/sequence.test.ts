/** LinkSequence: persisted sessions and restart-monotonic seq with block reservation. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { META_KEYS, MetaStore, openEdgeDb, type EdgeDb } from '../../src/store/index';
import { LinkSequence } from '../../src/link/index';

const ping = { type: 'ping' } as const;

describe('LinkSequence', () => {
  let db: EdgeDb;
  let meta: MetaStore;
  beforeEach(() => {
    db = openEdgeDb(':memory:');
    meta = new MetaStore(db);
  });
  afterEach(() => db.close());

  it('refuses to encode before a session exists', () => {
    expect(() => new LinkSequence(meta).encode('cmd', ping)).toThrow(/beginSession/);
  });

  it('persists each new session; seq continues across sessions of one process', () => {
    const seq = new LinkSequence(meta, { now: () => 0 });
    expect(seq.beginSession()).toBe(1);
    expect(seq.encode('cmd', ping).message).toMatchObject({ session: 1, seq: 0, ts: '1970-01-01T00:00:00.000Z' });
    expect(seq.beginSession()).toBe(2);
    expect(seq.encode('cmd', ping).message).toMatchObject({ session: 2, seq: 1 });
    expect(meta.getInt(META_KEYS.session)).toBe(2);
  });

  it('reserves seq blocks before use, so a new process starts above anything used', () => {
    const first = new LinkSequence(meta, { seqBlock: 4 });
    first.beginSession();
    const used = Array.from({ length: 6 }, () => first.encode('cmd', ping).message.seq);
    expect(used).toEqual([0, 1, 2, 3, 4, 5]);
    expect(meta.getInt(META_KEYS.seqReserved)).toBe(8);

    const second = new LinkSequence(meta, { seqBlock: 4 }); // "restart" on the same database
    expect(second.nextSeq).toBe(8);
    expect(second.beginSession()).toBe(2);
    expect(second.encode('cmd', ping).message.seq).toBe(8);
  });

  it('a rejected body consumes no seq', () => {
    const seq = new LinkSequence(meta);
    seq.beginSession();
    expect(() => seq.encode('cmd', { type: 'nope' } as never)).toThrow();
    expect(seq.encode('cmd', ping).message.seq).toBe(0);
  });
});
