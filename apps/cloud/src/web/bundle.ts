/**
 * Builds the dashboard's browser bundle from apps/cloud/web with esbuild, in memory, once per
 * process (the first request waits for it; `startApiServer` starts it early). Everything comes from
 * the repository and node_modules: nothing is fetched at run time.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The built assets, by file name under `/ui/assets/`. */
export interface DashboardBundle {
  readonly files: ReadonlyMap<string, { readonly body: Uint8Array; readonly type: string }>;
  readonly buildMs: number;
}

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

let building: Promise<DashboardBundle> | undefined;

/** The bundle (built on the first call). A failed build is not cached: the next call retries. */
export function dashboardBundle(): Promise<DashboardBundle> {
  building ??= buildBundle().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

async function buildBundle(): Promise<DashboardBundle> {
  const started = performance.now();
  const result = await build({
    absWorkingDir: WEB_DIR,
    entryPoints: { app: 'src/main.tsx' },
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'css' },
    // vega reads process.env.NODE_ENV in a few places.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const f of result.outputFiles) {
    const name = f.path.split('/').pop()!;
    files.set(name, { body: f.contents, type: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8' });
  }
  return { files, buildMs: performance.now() - started };
}
