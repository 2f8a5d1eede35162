/**
 * TensorFlow.js backend selection for the optimizer (ENN training and prediction).
 *
 * Order of preference, measured on the development machine (docs/conventions.md §13): native `tfjs-node` (only when it is
 * installed), then WASM (~5x faster than the pure-JS CPU backend for the batched ENN), then CPU.
 * Nothing is ever fetched: the WASM binaries are read from the installed package's own `dist/`.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Backends `initBackend` can pick. `tensorflow` is the name `tfjs-node` registers. */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Force one backend; default: `process.env.SDFL_TF_BACKEND` (`node`/`tensorflow`, `wasm`, `cpu`),
   * else automatic. A forced backend that cannot start is an error, not a silent fallback.
   */
  force?: string;
  /** Where the choice is logged (once). Default: `console.info`. */
  log?: (message: string) => void;
}

let chosen: Promise<TfBackendName> | undefined;

/**
 * Pick, initialise and return the TensorFlow.js backend. Idempotent: later calls return the first
 * result (options of later calls are ignored) and log nothing.
 *
 * @example
 * const backend = await initBackend(); // 'wasm' on this machine
 */
export function initBackend(options: InitBackendOptions = {}): Promise<TfBackendName> {
  chosen ??= pick(options).catch((error: unknown) => {
    chosen = undefined; // let a caller retry after fixing the environment
    throw error;
  });
  return chosen;
}

/**
 * Uncached selection: try the candidates in order, switch tfjs to the first that works, log and
 * return it; later {@link initBackend} calls return this choice. Prefer `initBackend`; this exists
 * to switch backends on purpose (benchmarks, tests).
 */
export async function selectBackend(options: InitBackendOptions = {}): Promise<TfBackendName> {
  const name = await pick(options);
  chosen = Promise.resolve(name);
  return name;
}

async function pick(options: InitBackendOptions): Promise<TfBackendName> {
  const log = options.log ?? ((m: string) => console.info(m));
  const forced = normalise(options.force ?? process.env.SDFL_TF_BACKEND);
  const order: TfBackendName[] = forced ? [forced] : ['tensorflow', 'wasm', 'cpu'];
  const notes: string[] = [];
  for (const name of order) {
    const why = await tryBackend(name);
    if (why === undefined) {
      const suffix = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      log(`optimizer:backend using tfjs backend '${name}'${forced ? ' (forced)' : ''}${suffix}`);
      return name;
    }
    notes.push(`${name}: ${why}`);
  }
  throw new Error(`optimizer:backend no usable tfjs backend: ${notes.join('; ')}`);
}

function normalise(value: string | undefined): TfBackendName | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === 'node' || v === 'tfjs-node' || v === 'tensorflow') return 'tensorflow';
  if (v === 'wasm' || v === 'cpu') return v;
  throw new Error(`SDFL_TF_BACKEND='${value}' is not one of node, wasm, cpu`);
}

/** Try one backend; return undefined on success, else the reason it is unusable. */
async function tryBackend(name: TfBackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') {
      // A variable specifier keeps bundlers and tsc from requiring the optional package.
      const specifier = '@tensorflow/tfjs-node';
      await import(specifier);
    } else if (name === 'wasm') {
      await prepareWasm();
    }
    const before = listenerSnapshot();
    const ok = await tf.setBackend(name);
    await tf.ready();
    restoreListeners(before);
    if (!ok) return 'setBackend returned false';
    // A tiny op proves kernels are registered and the module really runs.
    const probe = tf.tidy(() => tf.matMul(tf.ones([1, 2, 2]), tf.ones([1, 2, 2])).dataSync()[0]);
    return probe === 2 ? undefined : `probe returned ${probe}`;
  } catch (error) {
    return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  }
}

interface ListenerSnapshot {
  exception: NodeJS.UncaughtExceptionListener[];
  rejection: NodeJS.UnhandledRejectionListener[];
}

function listenerSnapshot(): ListenerSnapshot {
  return { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
}

/**
 * The emscripten glue of the wasm backend installs process handlers that rethrow every uncaught
 * error (dumping its whole minified source) and would fight test runners' own handlers: drop them.
 */
function restoreListeners(before: ListenerSnapshot): void {
  for (const l of process.listeners('uncaughtException')) {
    if (!before.exception.includes(l)) process.removeListener('uncaughtException', l);
  }
  for (const l of process.listeners('unhandledRejection')) {
    if (!before.rejection.includes(l)) process.removeListener('unhandledRejection', l);
  }
}

async function prepareWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Point emscripten at the .wasm files on disk (trailing separator: it is a prefix).
  const require = createRequire(import.meta.url);
  const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  wasm.setWasmPaths(dist + path.sep);
}
