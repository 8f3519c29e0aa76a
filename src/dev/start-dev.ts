/**
 * Turns on `pagebound dev` for an app: builds and serves the dev bundle, starts the dev loop and
 * the file watcher, and reports templates that do not compile at start-up, by file and line.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { DevLoop } from './dev-loop.js';
import { getDevBundle } from './dev-bundle.js';
import { watchFiles } from './watcher.js';
import { listFiles } from '../routing/scan-pages.js';

export async function startDev(app: FastifyInstance, rt: Runtime): Promise<DevLoop> {
  const bundle = await getDevBundle();
  const loop = (rt.dev = new DevLoop(rt, bundle));
  app.get(bundle.url, (_req, reply) => {
    reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/javascript; charset=utf-8').send(bundle.code);
  });

  await checkTemplates(rt);
  const { pagesDir, publicDir } = rt.options;
  const stop = watchFiles(
    { pagesDir, publicDir: publicDir && existsSync(publicDir) ? publicDir : false },
    (changes) => void loop.apply(changes),
    (err) => rt.log.warn({ err }, 'dev: the file watcher failed; restart to pick up changes'),
  );
  app.addHook('onClose', async () => stop());
  return loop;
}

/** Compiles every template once, so a syntax error is named (file:line:column) before any request. */
async function checkTemplates(rt: Runtime): Promise<void> {
  const files = (await listFiles(rt.options.pagesDir)).filter((f) => f.endsWith('.eta'));
  for (const file of files) {
    try {
      const filepath = path.join(rt.options.pagesDir, file);
      rt.templates.eta.compile(rt.templates.eta.readFile(filepath), { filepath });
    } catch (err) {
      rt.log.error(`${(err as Error).message}`);
    }
  }
}
