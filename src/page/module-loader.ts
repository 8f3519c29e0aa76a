/**
 * Loads page and socket modules. TypeScript pages load through tsx; in dev every change under the
 * pages folder starts a new module namespace, so the next request runs the edited page and the
 * helpers it imports, without restarting the process; instances already alive keep the code they
 * started with. Compiled pages (`pagebound build` output, `.js`) load with Node's own `import()`
 * outside dev, so a production start loads no TypeScript tooling at all.
 */
import type { NamespacedUnregister } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { statSync } from 'node:fs';
import { PB_ERR_PAGE_EXPORT } from '../errors.js';
import { isDefinedPage, isDefinedSocket, type DefinedPage, type DefinedSocket } from './define-page.js';


// Stack traces from pages point at the author's TypeScript lines, not tsx's output.
process.setSourceMapsEnabled(true);

export class ModuleLoader {
  readonly #root: string;
  #generation = 0;
  #namespace: NamespacedUnregister | undefined;
  #cache = new Map<string, Promise<DefinedPage | DefinedSocket>>();
  #retiring: Promise<void> = Promise.resolve();
  /** Imports still running through the current namespace: it may not be unregistered under them. */
  #inFlight = new Set<Promise<unknown>>();

  readonly #native: boolean;

  /** `native`: import `.js`/`.mjs` modules with plain `import()` (production, compiled pages). */
  constructor(root: string, opts: { native?: boolean } = {}) {
    this.#root = root;
    this.#native = opts.native ?? false;
  }

  #loadedAt = new Map<string, number>();

  /**
   * Dev: drops the loaded modules when `file` changed since it was last seen, so the very next
   * request after an edit runs it even before the file watcher fires.
   */
  noticeEdits(file: string): void {
    let mtime: number;
    try {
      mtime = statSync(path.join(this.#root, file)).mtimeMs;
    } catch {
      return;
    }
    const seen = this.#loadedAt.get(file);
    if (seen !== undefined && seen !== mtime) this.invalidate();
    this.#loadedAt.set(file, mtime);
  }

  /** Forgets every loaded module; the next load reads the files again. */
  invalidate(): void {
    this.#generation++;
    this.#cache.clear();
    const old = this.#namespace;
    const running = [...this.#inFlight];
    this.#namespace = undefined;
    this.#inFlight = new Set();
    // The old hooks are only needed while importing; modules already loaded stay usable. The next
    // namespace registers after they are gone, as two live tsx namespaces confuse each other.
    if (old) {
      this.#retiring = this.#retiring
        .then(() => Promise.allSettled(running))
        .then(() => old.unregister())
        .catch(() => {});
    }
  }

  load(file: string): Promise<DefinedPage | DefinedSocket> {
    let pending = this.#cache.get(file);
    if (!pending) {
      pending = this.#import(file);
      this.#cache.set(file, pending);
      // A failed load is not cached, so fixing the file is enough to recover.
      pending.catch(() => this.#cache.get(file) === pending && this.#cache.delete(file));
    }
    return pending;
  }

  async #import(file: string): Promise<DefinedPage | DefinedSocket> {
    const url = pathToFileURL(path.join(this.#root, file)).href;
    if (this.#native && /\.m?js$/.test(file)) return checkExport(file, await import(url));
    await this.#retiring;
    if (!this.#namespace) {
      const { register } = await import('tsx/esm/api');
      this.#namespace ??= register({ namespace: `pagebound-${process.pid}-${this.#generation}` });
    }
    const importing = this.#namespace.import(url, import.meta.url);
    const inFlight = this.#inFlight;
    inFlight.add(importing);
    return checkExport(file, await importing.finally(() => inFlight.delete(importing)));
  }
}

function checkExport(file: string, mod: { default?: unknown } | undefined): DefinedPage | DefinedSocket {
  const def = mod?.default;
  if (!isDefinedPage(def) && !isDefinedSocket(def)) throw new PB_ERR_PAGE_EXPORT(file);
  return def;
}
