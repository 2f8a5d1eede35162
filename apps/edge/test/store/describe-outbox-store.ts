/**
 * Conformance suite of the outbox contract (docs/conventions.md §3): every implementation of
 * `OutboxStoreContract` runs these same cases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxStoreContract } from '../../src/store/index';

/** What a factory returns: the store, a way to reopen it (for durable stores), and cleanup. */
export interface OutboxFixture {
  readonly store: OutboxStoreContract;
  /** Closes and reopens the same backing storage; `undefined` when it does not outlive a close. */
  readonly reopen?: () => OutboxStoreContract;
  close(): void;
}

/**
 * Registers the outbox conformance cases for one implementation.
 *
 * @param name - shown in the test names.
 * @param make - creates a fresh, empty store.
 */
export function describeOutboxStore(name: string, make: () => OutboxFixture): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let fx: OutboxFixture;
    beforeEach(() => {
      fx = make();
    });
    afterEach(() => {
      fx.close();
    });

    it('starts empty', () => {
      expect(fx.store.count()).toBe(0);
      expect(fx.store.peek(10)).toEqual([]);
    });

    it('append returns strictly increasing seqs and peek returns rows in order', () => {
      const seqs = ['a', 'b', 'c'].map((p) => fx.store.append('t/x', 'result', p));
      expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
      const rows = fx.store.peek(10);
      expect(rows.map((r) => r.payload)).toEqual(['a', 'b', 'c']);
      expect(rows.map((r) => r.seq)).toEqual(seqs);
      expect(rows[0]).toMatchObject({ topic: 't/x', kind: 'result' });
      expect(typeof rows[0]!.createdAt).toBe('number');
      expect(fx.store.count()).toBe(3);
    });

    it('peek honours limit and afterSeq', () => {
      const seqs = [1, 2, 3, 4, 5].map((i) => fx.store.append('t', 'event', `p${i}`));
      expect(fx.store.peek(2).map((r) => r.payload)).toEqual(['p1', 'p2']);
      expect(fx.store.peek(2, seqs[1]).map((r) => r.payload)).toEqual(['p3', 'p4']);
      expect(fx.store.peek(10, seqs[4])).toEqual([]);
      expect(fx.store.peek(0)).toEqual([]);
    });

    it('delete removes exactly one row, is idempotent, and keeps order of the rest', () => {
      const seqs = ['a', 'b', 'c'].map((p) => fx.store.append('t', 'ack', p));
      expect(fx.store.delete(seqs[1]!)).toBe(true);
      expect(fx.store.delete(seqs[1]!)).toBe(false);
      expect(fx.store.peek(10).map((r) => r.payload)).toEqual(['a', 'c']);
      expect(fx.store.count()).toBe(2);
    });

    it('deleteMany removes a batch, ignores unknown seqs and counts what existed', () => {
      const seqs = ['a', 'b', 'c', 'd'].map((p) => fx.store.append('t', 'result', p));
      expect(fx.store.deleteMany([seqs[0]!, seqs[2]!, 999_999])).toBe(2);
      expect(fx.store.deleteMany([])).toBe(0);
      expect(fx.store.peek(10).map((r) => r.payload)).toEqual(['b', 'd']);
    });

    it('never reuses a seq, even after the newest row was deleted', () => {
      const first = fx.store.append('t', 'result', 'a');
      fx.store.delete(first);
      const second = fx.store.append('t', 'result', 'b');
      expect(second).toBeGreaterThan(first);
    });

    it('stores the payload byte for byte (unicode, quotes, large)', () => {
      const payload = JSON.stringify({ s: 'µ-\u00e9 "q" \\ \u{1F9EA}', big: 'x'.repeat(200_000) });
      const seq = fx.store.append('t', 'result', payload);
      expect(fx.store.peek(1)[0]).toMatchObject({ seq, payload });
    });

    it('keeps rows across a reopen (durable stores only)', (ctx) => {
      if (fx.reopen === undefined) {
        ctx.skip();
        return;
      }
      const seqs = ['a', 'b'].map((p) => fx.store.append('t', 'result', p));
      const reopened = fx.reopen();
      expect(reopened.peek(10).map((r) => [r.seq, r.payload])).toEqual([
        [seqs[0], 'a'],
        [seqs[1], 'b'],
      ]);
      expect(reopened.append('t', 'result', 'c')).toBeGreaterThan(seqs[1]!);
    });
  });
}
