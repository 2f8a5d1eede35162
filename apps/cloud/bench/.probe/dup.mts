import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../src/db/open.ts';
import { campaigns, experiments, results } from '../../src/db/schema.ts';
import { fullResultBody } from '../harness.ts';
const db = await openDatabase({ url: 'memory://' });
await db.db.insert(campaigns).values({ id: 'c1', name: 'x', owner: 'b', space: {}, objective: {}, schedule: [], seed: 1, planned: 1 });
await db.db.insert(experiments).values({ id: 'e1', campaignId: 'c1', seq: 1, suggestionId: 's', cube: [], condition: {}, policy: 'lhs', stage: 0 });
const r = fullResultBody('e1', 1, {}, 500);
let attempt = 1;
for (const variant of ['body with spectra (today)', 'body without spectra', 'body with spectra (today)', 'body without spectra']) {
  const t = performance.now();
  for (let i = 0; i < 40; i++) {
    const body = variant.startsWith('body without') ? { ...r, spectra: undefined } : r;
    await db.db.insert(results).values({ id: randomUUID(), experimentId: 'e1', attempt: attempt++, platformId: 'p', status: 'done', features: r.features, spectra: r.spectra, flowPlan: r.flowPlan, timings: r.timings, warnings: [], body, sentAt: new Date() });
  }
  console.log(variant, ((performance.now() - t) / 40).toFixed(1), 'ms per insert');
}
const t = performance.now();
for (let i = 0; i < 40; i++) JSON.parse(JSON.stringify(r));
console.log('JSON stringify+parse of one body', ((performance.now() - t) / 40).toFixed(1), 'ms');
await db.close();
