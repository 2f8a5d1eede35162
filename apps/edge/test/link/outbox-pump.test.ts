/**
 * OutboxPump against the real SQLite outbox and a scripted publish function (the transport): the
 * PUBACK side, with acks (deleted on PUBACK). Receipted kinds: outbox-pump-receipts.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxStore, openEdgeDb, type EdgeDb, type OutboxMessage } from '../../src/store/index';
import { OutboxPump } from '../../src/link/index';

interface Sent {
  readonly message: OutboxMessage;
  readonly done: (error?: Error) => void;
}

describe('OutboxPump', () => {
  let db: EdgeDb;
  let outbox: OutboxStore;
  let sent: Sent[];
  let drained: number;
  const make = (maxInFlight: number) =>
    new OutboxPump({ outbox, maxInFlight, publish: (message, done) => sent.push({ message, done }), onDrained: () => drained++ });
  const payloads = () => sent.map((s) => s.message.payload);
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    db = openEdgeDb(':memory:');
    outbox = new OutboxStore(db);
    sent = [];
    drained = 0;
  });
  afterEach(async () => {
    await new Promise((resolve) => setImmediate(resolve)); // let a scheduled delete batch run
    db.close();
  });

  it('sends nothing until resumed, then in order within the window', () => {
    const pump = make(2);
    for (const p of ['a', 'b', 'c']) outbox.append('t', 'ack', p);
    pump.kick();
    expect(sent).toEqual([]);
    pump.resume();
    expect(payloads()).toEqual(['a', 'b']);
    expect(pump.inFlight).toBe(2);
  });

  it('deletes a row only after its PUBACK and slides the window', async () => {
    const pump = make(2);
    for (const p of ['a', 'b', 'c']) outbox.append('t', 'ack', p);
    pump.resume();
    sent[0]!.done();
    expect(payloads()).toEqual(['a', 'b', 'c']);
    await nextTurn();
    expect(outbox.peek(10).map((r) => r.payload)).toEqual(['b', 'c']);
    sent[1]!.done();
    sent[2]!.done();
    expect(drained).toBe(0); // not before the rows are gone
    await nextTurn();
    expect(outbox.count()).toBe(0);
    expect(drained).toBe(1);
  });

  it('PUBACKs of one event-loop turn are deleted in one batch (one commit)', async () => {
    const batches: number[][] = [];
    const settle = outbox.settle.bind(outbox);
    outbox.settle = (deletes, awaiting, atMs) => {
      batches.push([...deletes, ...awaiting]);
      settle(deletes, awaiting, atMs);
    };
    const pump = make(8);
    for (let i = 0; i < 5; i++) outbox.append('t', 'ack', `p${i}`);
    pump.resume();
    for (const s of sent) s.done();
    await nextTurn();
    expect(batches.map((b) => b.length)).toEqual([5]);
    expect(outbox.count()).toBe(0);
  });

  it('a resume first deletes what was PUBACKed, so delivered rows are not re-sent', () => {
    const pump = make(4);
    for (const p of ['a', 'b']) outbox.append('t', 'ack', p);
    pump.resume();
    sent[0]!.done(); // delete still pending in this turn
    pump.halt();
    sent = [];
    pump.resume();
    expect(payloads()).toEqual(['b']);
  });

  it('after halt, un-PUBACKed rows are re-sent from the head on resume; stale PUBACKs are ignored', () => {
    const pump = make(4);
    for (const p of ['a', 'b', 'c']) outbox.append('t', 'ack', p);
    pump.resume();
    sent[0]!.done(); // 'a' delivered
    pump.halt();
    const stale = sent[1]!;
    sent = [];
    pump.resume();
    expect(payloads()).toEqual(['b', 'c']);
    stale.done(); // a PUBACK of the old connection must not delete or double-count
    pump.flushDeletes();
    expect(outbox.count()).toBe(2);
    expect(pump.inFlight).toBe(2);
  });

  it('a failed publish while connected keeps the row and re-sends from the head once the window empties', () => {
    const pump = make(3);
    for (const p of ['a', 'b', 'c']) outbox.append('t', 'ack', p);
    pump.resume();
    sent[0]!.done(new Error('rejected'));
    outbox.append('t', 'ack', 'd');
    pump.kick();
    expect(payloads()).toEqual(['a', 'b', 'c']); // holds new sends until the window settles
    sent[1]!.done();
    sent[2]!.done();
    expect(payloads()).toEqual(['a', 'b', 'c', 'a', 'd']);
  });

  it('new appends go out behind the backlog', () => {
    const pump = make(1);
    outbox.append('t', 'ack', 'old');
    pump.resume();
    outbox.append('t', 'ack', 'new');
    pump.kick();
    expect(payloads()).toEqual(['old']);
    sent[0]!.done();
    expect(payloads()).toEqual(['old', 'new']);
  });

  it('quiesce stops new sends and resolves when the window is empty (or on timeout)', async () => {
    const pump = make(1);
    outbox.append('t', 'ack', 'a');
    outbox.append('t', 'ack', 'b');
    pump.resume();
    const quiet = pump.quiesce(5000);
    sent[0]!.done();
    await quiet;
    expect(payloads()).toEqual(['a']);
    expect(outbox.count()).toBe(1); // quiesce flushed the delete of 'a'
    pump.resume();
    await pump.quiesce(10); // 'b' never acked: the timeout ends the wait
    expect(outbox.count()).toBe(1);
  });
});
