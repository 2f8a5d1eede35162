/**
 * The optimizer's own thread: fits and acquisitions run here, so the broker, the database and
 * the engine on the main thread stay responsive while a model trains.
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol';
import { LabStudyCache } from './lab-study-ops';
import { StudyCache } from './study-ops';
import { twinReport } from './twin-ops';

const port = parentPort!;
const cache = new StudyCache();
const labCache = new LabStudyCache();
// One request at a time: the engine serializes per campaign, and tfjs is not reentrant.
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: ToWorker) => {
  queue = queue.then(async () => {
    let reply: FromWorker;
    try {
      if (m.op === 'forget') {
        cache.forget(m.campaignId);
        reply = { id: m.id, ok: true };
      } else if (m.op === 'labForget') {
        labCache.forget(m.studyId);
        reply = { id: m.id, ok: true };
      } else if (m.op === 'labAdvance') {
        reply = { id: m.id, ok: true, response: await labCache.advance(m.request) };
      } else if (m.op === 'twin') {
        reply = { id: m.id, ok: true, response: await twinReport(m.request) };
      } else {
        reply = { id: m.id, ok: true, response: await cache.advance(m.request) };
      }
    } catch (error) {
      const e = error as { message?: string; code?: string };
      reply = { id: m.id, ok: false, error: { message: e.message ?? String(error), ...(e.code ? { code: e.code } : {}) } };
    }
    port.postMessage(reply);
  });
});
