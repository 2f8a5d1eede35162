/**
 * `sdfl export <campaign> --format csv|json [--out file]`: streams the API's export to a file or
 * stdout as it arrives (never held in memory). A file is written next to its name and renamed
 * into place only when the stream completed, so a broken download never looks finished.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InvalidArgumentError, type Command } from 'commander';
import { apiOptions, withClient, type ApiFlags } from './shared';

/** Adds `export` to the program. */
export function registerExportCommand(program: Command): void {
  apiOptions(
    program
      .command('export <campaign>')
      .description("a campaign's experiments as CSV or JSON, streamed to stdout or --out")
      .option('--format <f>', 'csv | json', (v: string) => {
        if (v !== 'csv' && v !== 'json') throw new InvalidArgumentError(`--format must be csv or json, got '${v}'`);
        return v;
      }, 'csv')
      .option('--spectra', 'JSON only: include the raw spectra')
      .option('--out <file>', 'write here instead of stdout'),
  ).action(
    withClient(async (api, id: string, o: ApiFlags & { format: 'csv' | 'json'; spectra?: boolean; out?: string }) => {
      const res = await api.raw('GET', `/campaigns/${encodeURIComponent(id)}/export.${o.format}`, {
        headers: { accept: o.format === 'csv' ? 'text/csv' : 'application/json' },
        ...(o.format === 'json' && o.spectra ? { query: { spectra: 'true' } } : {}),
      });
      if (!res.body) throw new Error('the export has no body');
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      if (!o.out) {
        // stdout stays open after the pipeline: other output may follow.
        await pipeline(body, new Writable({ write: (chunk: Buffer, _enc, done) => (process.stdout.write(chunk) ? done() : process.stdout.once('drain', () => done())) }));
        return;
      }
      const partial = `${o.out}.partial`;
      try {
        await pipeline(body, createWriteStream(partial));
        await rename(partial, o.out);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      console.error(`exported campaign ${id} as ${o.format} to ${o.out}`);
    }),
  );
}
