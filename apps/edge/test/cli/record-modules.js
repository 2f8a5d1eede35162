// Loaded with `node --import <this file>`: records every module the process loads, one URL a line,
// in the file named by SDFL_RECORD_MODULES. ES modules are seen by a resolve hook as Node resolves
// them; CommonJS modules (which a require() inside a CJS package loads past the ESM hooks) are
// taken from the require cache at exit. Used by check-config.test.ts and to measure the CLI.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.SDFL_RECORD_MODULES;
if (!out) throw new Error('record-modules: set SDFL_RECORD_MODULES to the file to append to');
register('./record-modules-hooks.js', import.meta.url, { data: { out } });

const cjsCache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const urls = Object.keys(cjsCache).map((path) => pathToFileURL(path).href);
  if (urls.length > 0) appendFileSync(out, `${urls.join('\n')}\n`);
});
