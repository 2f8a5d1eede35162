import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandStore, openEdgeDb, type EdgeDb } from '../../src/store/index';

describe('CommandStore', () => {
  let edgeDb: EdgeDb;
  let now: number;
  let commands: CommandStore;
  beforeEach(() => {
    edgeDb = openEdgeDb(':memory:');
    now = 1_000;
    commands = new CommandStore(edgeDb, { now: () => now });
  });
  afterEach(() => edgeDb.close());

  it('inserts once per id; a duplicate changes nothing', () => {
    expect(commands.insert({ id: 'a', type: 'ping', payload: '{"x":1}' })).toBe(true);
    now = 2_000;
    expect(commands.insert({ id: 'a', type: 'cancel', payload: 'other' })).toBe(false);
    expect(commands.get('a')).toEqual({ id: 'a', receivedAt: 1_000, type: 'ping', payload: '{"x":1}', ack: null });
  });

  it('stores the ack and lists only unacked commands as pending, oldest first', () => {
    commands.insert({ id: 'a', type: 'ping', payload: '{}' });
    now = 1_500;
    commands.insert({ id: 'b', type: null, payload: 'garbage' });
    now = 1_500;
    commands.insert({ id: 'c', type: 'pause', payload: '{}' });
    expect(commands.setAck('a', '{"accepted":true}')).toBe(true);
    expect(commands.setAck('zzz', '{}')).toBe(false);
    expect(commands.get('a')?.ack).toBe('{"accepted":true}');
    expect(commands.pending().map((c) => c.id)).toEqual(['b', 'c']);
  });

  it('prunes only acked commands older than the cutoff', () => {
    commands.insert({ id: 'old-acked', type: 'ping', payload: '{}' });
    commands.setAck('old-acked', '{}');
    commands.insert({ id: 'old-pending', type: 'ping', payload: '{}' });
    now = 5_000;
    commands.insert({ id: 'new-acked', type: 'ping', payload: '{}' });
    commands.setAck('new-acked', '{}');
    expect(commands.prune(2_000)).toBe(1);
    expect(commands.get('old-acked')).toBeUndefined();
    expect(commands.get('old-pending')).toBeDefined();
  });
});
