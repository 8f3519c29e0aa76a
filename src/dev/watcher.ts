/**
 * Dev mode's file watcher, the one source of truth for what changed: it watches the pages folder
 * and the public folder, gathers the paths an editor touches while saving (several writes and
 * renames per save) and hands them to the dev loop as one batch once they settle.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Changes } from './dev-loop.js';

/** How long the files must be quiet before a batch goes out, ms. */
export const SETTLE_MS = 30;

/** Editor droppings that are never part of the site: dot files, backups (`~`), swap files, vim's `4913` probe. */
const IGNORED = /(^|\/)(\.|node_modules\/)|~$|\.sw[px]$|\.tmp$|^\d+$/;

export interface Watched {
  pagesDir: string;
  publicDir: string | false;
}

/** Starts watching; `onBatch` gets each settled batch. Returns the function that stops it. */
export function watchFiles(dirs: Watched, onBatch: (changes: Changes) => void, onError: (err: Error) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = { pages: new Set<string>(), public: new Set<string>() };
  const flush = () => {
    const batch = { pages: [...pending.pages], public: [...pending.public] };
    pending.pages.clear();
    pending.public.clear();
    onBatch(batch);
  };
  const watchers: FSWatcher[] = [];
  const add = (dir: string, into: Set<string>) => {
    const w = watch(dir, { recursive: true }, (_type, name) => {
      if (!name) return;
      const rel = name.toString().split(path.sep).join('/');
      if (IGNORED.test(rel)) return;
      into.add(rel);
      clearTimeout(timer);
      timer = setTimeout(flush, SETTLE_MS);
    });
    w.on('error', onError);
    watchers.push(w);
  };
  add(dirs.pagesDir, pending.pages);
  if (dirs.publicDir) {
    try {
      add(dirs.publicDir, pending.public);
    } catch {
      // No public folder: nothing to watch there.
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
