/**
 * `sdfl report <campaign> [--out DIR] [--wait S]`: downloads the campaign's HTML report and its
 * experiments as CSV and JSON (the API's `report.html`, `export.csv` and `export.json`) into DIR as
 * `<campaign>-report.html`, `<campaign>-experiments.csv` and `.json`. Each file is written under a
 * temporary name and renamed into place only when its download completed, so a file that exists is
 * whole. Prints the three paths.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../http';
import { apiOptions, printJson, withClient, type ApiFlags } from './shared';

/** The files of a campaign's report in a folder. */
export const reportFiles = (dir: string, campaign: string) => ({
  html: join(dir, `${campaign}-report.html`),
  csv: join(dir, `${campaign}-experiments.csv`),
  json: join(dir, `${campaign}-experiments.json`),
});

/** Streams one API download to `file` via `file.partial`; nothing is left behind on failure. */
async function download(api: ApiClient, path: string, file: string, o: { accept: string; query?: Record<string, string | number> }): Promise<Response> {
  const res = await api.raw('GET', path, { headers: { accept: o.accept }, ...(o.query ? { query: o.query } : {}) });
  if (!res.body) throw new Error(`GET ${path}: the answer has no body`);
  const partial = `${file}.partial`;
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(partial));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return res;
}

const seconds = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 60) throw new InvalidArgumentError('--wait must be a number of seconds from 0 to 60');
  return n;
};

/** Adds `report` to the program. */
export function registerReportCommand(program: Command): void {
  apiOptions(
    program
      .command('report <campaign>')
      .description("a campaign's HTML report and its experiments as CSV and JSON, written to --out")
      .option('--out <dir>', 'folder to write into (created if missing)', '.')
      .option('--wait <s>', 'seconds the server may wait for the twin report to be computed (0-60)', seconds, 60),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { out: string; wait: number }) => {
      await mkdir(o.out, { recursive: true });
      const files = reportFiles(o.out, id);
      const campaign = `/campaigns/${encodeURIComponent(id)}`;
      const res = await download(api, `${campaign}/report.html`, files.html, { accept: 'text/html', query: { wait: o.wait } });
      await download(api, `${campaign}/export.csv`, files.csv, { accept: 'text/csv' });
      await download(api, `${campaign}/export.json`, files.json, { accept: 'application/json' });
      const twin = res.headers.get('x-twin-report') ?? 'unknown';
      if (o.json) return printJson({ ...files, twinReport: twin });
      console.log(files.html);
      console.log(files.csv);
      console.log(files.json);
      if (twin === 'computing') console.error('note: the twin report is still being computed; run sdfl report again in a minute for its metrics and charts');
    }),
  );
}
