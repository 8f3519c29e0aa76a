// Node module hooks for dev (registered by module-loader.ts in the hooks thread). They give every
// file under a watched pages folder a version in its URL (`?pbv=N`, none while N is 0): an edited
// file and its importers get a new version and so a fresh module, while every other file keeps
// its URL and so its one module instance. They also report each import edge, for the graph.
// Plain JavaScript: it runs in the hooks thread before any TypeScript loader is in place.
import { fileURLToPath } from 'node:url';

/** @type {Map<string, number>} absolute path → version */
const versions = new Map();
/** @type {string[]} watched roots, each ending with the path separator */
const roots = [];
/** @type {import('node:worker_threads').MessagePort} */
let port;

/** @param {{ port: import('node:worker_threads').MessagePort }} data */
export async function initialize(data) {
  port = data.port;
  port.on('message', (m) => {
    if (m.root && !roots.includes(m.root)) roots.push(m.root);
    for (const [file, v] of m.versions ?? []) versions.set(file, v);
    // The loader waits for this before importing, so the new versions are in place.
    port.postMessage({ ack: m.id });
  });
}

/** @param {string} url */
function watchedPath(url) {
  if (!url?.startsWith('file:')) return undefined;
  const file = fileURLToPath(url.split('?')[0]);
  if (file.includes('/node_modules/')) return undefined;
  return roots.some((r) => file.startsWith(r)) ? file : undefined;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const file = watchedPath(result.url);
  if (!file) return result;
  const url = new URL(result.url);
  const v = versions.get(file) ?? 0;
  if (v > 0) url.searchParams.set('pbv', String(v));
  else url.searchParams.delete('pbv');
  const parent = watchedPath(context.parentURL ?? '');
  if (parent) port.postMessage({ edge: [parent, file] });
  return { ...result, url: url.href };
}
