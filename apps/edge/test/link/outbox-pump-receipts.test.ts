/**
 * OutboxPump with receipted kinds (results, events) against the real SQLite outbox and a scripted
 * transport: rows outlive their PUBACK until a receipt names them, and are published again on
 * resume, on a `resend` receipt, and after the receipt timeout (with backoff).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxPump, type OutboxPumpOptions } from '../../src/link/index';
import { OutboxStore, openEdgeDb, type EdgeDb, type OutboxMessage } from '../../src/store/index';

interface Sent {
  readonly message: OutboxMessage;
  readonly done: (error?: Error) => void;
}

describe('OutboxPump receipts', () => {
  let db: EdgeDb;
  let outbox: OutboxStore;
  let sent: Sent[];
  let empty: number;
  const make = (options: Partial<OutboxPumpOptions> = {}) =>
    new OutboxPump({ outbox, maxInFlight: 8, publish: (message, done) => sent.push({ message, done }), onEmpty: () => empty++, ...options });
  const payloads = () => sent.map((s) => s.message.payload);
  const ackAll = () => {
    for (const s of sent.splice(0)) s.done();
  };
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Appends a row of `kind` with a fresh envelope id; returns the id. */
  const append = (kind: string, payload: string) => {
    const id = randomUUID();
    outbox.append(`t/${kind}`, kind, payload, id);
    return id;
  };

  beforeEach(() => {
    db = openEdgeDb(':memory:');
    outbox = new OutboxStore(db);
    sent = [];
    empty = 0;
  });
  afterEach(async () => {
    await nextTurn();
    db.close();
  });

  it('a PUBACK deletes an ack but only marks a result or event as waiting for its receipt', async () => {
    const pump = make();
    const r = append('result', 'r');
    append('ack', 'a');
    const e = append('event', 'e');
    pump.resume();
    ackAll();
    await nextTurn();
    expect(outbox.peek(10).map((m) => m.payload)).toEqual(['r', 'e']);
    expect(outbox.countAwaitingReceipt()).toBe(2);
    expect(outbox.peek(10).every((m) => m.brokerAckedAt !== null)).toBe(true);
    expect(empty).toBe(0);

    expect(pump.receipt([r, randomUUID()])).toBe(1); // an unknown id is ignored
    expect(outbox.peek(10).map((m) => m.payload)).toEqual(['e']);
    expect(pump.receipt([r])).toBe(0); // applying it twice changes nothing
    expect(pump.receipt([e])).toBe(1);
    expect(outbox.count()).toBe(0);
    expect(empty).toBe(1);
    expect(sent).toEqual([]); // nothing was re-sent meanwhile
  });

  it('a receipt never deletes an ack, even one it names', async () => {
    const pump = make();
    const a = append('ack', 'a');
    pump.resume(); // in flight, not yet PUBACKed
    expect(pump.receipt([a])).toBe(0);
    expect(outbox.count()).toBe(1);
    ackAll();
    await nextTurn();
    expect(outbox.count()).toBe(0);
  });

  it('a resume re-sends rows waiting for a receipt first, in seq order, before newer rows', async () => {
    const pump = make();
    append('result', 'r1');
    append('event', 'e1');
    pump.resume();
    ackAll();
    await nextTurn();
    pump.halt();
    append('result', 'r2');
    pump.resume();
    expect(payloads()).toEqual(['r1', 'e1', 'r2']);
  });

  it('a resend receipt publishes every waiting row at once, ahead of rows not sent yet', async () => {
    const pump = make({ maxInFlight: 2 });
    const ids = [append('result', 'r1'), append('result', 'r2')];
    pump.resume();
    ackAll();
    await nextTurn();
    append('result', 'r3');
    pump.kick();
    expect(payloads()).toEqual(['r3']);
    expect(pump.receipt([], true)).toBe(0);
    expect(payloads()).toEqual(['r3', 'r1']); // the window (2) is full
    ackAll();
    expect(payloads()).toEqual(['r2']);
    ackAll();
    await nextTurn();
    expect(outbox.countAwaitingReceipt()).toBe(3);
    pump.receipt(ids);
    expect(outbox.peek(10).map((m) => m.payload)).toEqual(['r3']);
  });

  it('re-publishes after the receipt timeout, doubling the wait up to the maximum; a receipt resets it', async () => {
    const pump = make({ receiptTimeoutMs: 80, maxReceiptTimeoutMs: 200 });
    const id = append('result', 'r');
    pump.resume();
    ackAll();
    await nextTurn();
    expect(pump.receiptTimeoutMs).toBe(80);
    await sleep(130);
    expect(payloads()).toEqual(['r']); // one re-send after ~80 ms
    expect(pump.receiptTimeoutMs).toBe(160);
    ackAll();
    await nextTurn();
    await sleep(100);
    expect(sent).toEqual([]); // the next wait is 160 ms
    await sleep(120);
    expect(payloads()).toEqual(['r']);
    expect(pump.receiptTimeoutMs).toBe(200); // capped
    ackAll();
    await nextTurn();
    pump.receipt([id]);
    expect(pump.receiptTimeoutMs).toBe(80);
    expect(outbox.count()).toBe(0);
    await sleep(250);
    expect(sent).toEqual([]); // receipted: never again
  });

  it('halt stops the receipt timer; rows keep waiting in the store for the next connection', async () => {
    const pump = make({ receiptTimeoutMs: 30 });
    append('event', 'e');
    pump.resume();
    ackAll();
    await nextTurn();
    pump.halt();
    await sleep(80);
    expect(sent).toEqual([]);
    expect(outbox.countAwaitingReceipt()).toBe(1);
  });

  it('rows waiting for a receipt survive a reopen of the store (a new process re-sends them)', async () => {
    const pump = make();
    append('result', 'r');
    pump.resume();
    ackAll();
    await nextTurn();
    pump.halt();
    const again = new OutboxStore(db);
    const second = new OutboxPump({ outbox: again, publish: (message, done) => sent.push({ message, done }) });
    second.resume();
    expect(payloads()).toEqual(['r']);
  });
});
