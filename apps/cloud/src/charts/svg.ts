/**
 * Server-side SVG of a chart spec (node only: imports vega). Nothing is fetched: the loader refuses
 * every URL and file, text is measured without fonts (Vega's estimate when no canvas is
 * installed), and the output references nothing outside itself.
 *
 * @module
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { ChartSpec } from './common';

/** A Vega loader that loads nothing: a spec with a data URL fails instead of reaching out. */
const refusingLoader: vega.Loader = {
  ...vega.loader(),
  load: (uri: string) => Promise.reject(new Error(`charts load no external resources (asked for '${uri}')`)),
  sanitize: (uri: string) => Promise.reject(new Error(`charts load no external resources (asked for '${uri}')`)),
  http: (uri: string) => Promise.reject(new Error(`charts load no external resources (asked for '${uri}')`)),
  file: (path: string) => Promise.reject(new Error(`charts load no external resources (asked for '${path}')`)),
};

/** Renders a Vega-Lite spec to a standalone SVG document string. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', loader: refusingLoader, logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
