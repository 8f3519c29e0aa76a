/**
 * Dev mode's file watcher: any change under the pages folder drops the loaded page modules and
 * re-reads the route table, so the next request sees the edit with no restart. Templates need no
 * watching: in dev Eta reads them on every render.
 */
import { watch } from 'node:fs';
import type { Runtime } from '../runtime.js';

/** Starts watching; returns the function that stops it. */
export function watchPages(rt: Runtime): () => Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher = watch(rt.options.pagesDir, { recursive: true }, () => {
    // Editors write a file in several steps; one reload after they settle is enough.
    clearTimeout(timer);
    timer = setTimeout(() => {
      rt.loader.invalidate();
      rt.router.reload().then(
        () => rt.log.info('pages changed: reloaded'),
        (err) => rt.log.error({ err }, 'pages changed: the route table is invalid, keeping the previous one'),
      );
    }, 30);
  });
  watcher.on('error', (err) => rt.log.warn({ err }, 'page watcher failed; restart to pick up changes'));
  return async () => {
    clearTimeout(timer);
    watcher.close();
  };
}
