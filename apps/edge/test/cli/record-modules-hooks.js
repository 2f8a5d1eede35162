// Module hooks (run on Node's loader thread): record each resolved URL, change nothing.
import { appendFileSync } from 'node:fs';

let out = '';

/** @param {{ out: string }} data */
export function initialize(data) {
  out = data.out;
}

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(out, `${result.url}\n`);
  return result;
}
