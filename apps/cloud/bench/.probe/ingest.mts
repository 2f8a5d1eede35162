import { runIngest } from '../ingest.ts';
const t = Date.now();
const r = await runIngest({ dbKind: 'folder', rounds: [{ platforms: 10, perPlatform: 5 }, { platforms: 10, perPlatform: 5, payload: 'tiny spectra' }], log: console.log });
console.log(JSON.stringify(r, null, 1), (Date.now() - t) / 1000);
process.exit(0);
