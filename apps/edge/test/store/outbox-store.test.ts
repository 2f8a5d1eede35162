import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxStore, openEdgeDb, type EdgeDb } from '../../src/store/index';
import { describeOutboxStore } from './describe-outbox-store';

describeOutboxStore('sqlite :memory:', () => {
  const edgeDb = openEdgeDb(':memory:');
  return { store: new OutboxStore(edgeDb), close: () => edgeDb.close() };
});

describeOutboxStore('sqlite temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdfl-outbox-'));
  const path = join(dir, 'edge.db');
  let edgeDb: EdgeDb = openEdgeDb(path);
  return {
    store: new OutboxStore(edgeDb),
    reopen() {
      edgeDb.close();
      edgeDb = openEdgeDb(path);
      return new OutboxStore(edgeDb);
    },
    close() {
      edgeDb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
