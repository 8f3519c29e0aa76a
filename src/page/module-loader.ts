/**
 * Loads page and socket modules (TypeScript, through tsx) as one module graph. In dev, the module
 * hooks (module-hooks.mjs) version each file of the pages folder in its URL: `invalidate()` bumps
 * the edited files and everything that imports them, so the next import runs the edit while every
 * other module — a store in `pages/_lib/`, say — keeps its one instance. Live instances keep the
 * definition they have until the dev loop swaps their handlers (src/dev/). Compiled pages
 * (`pagebound build` output, `.mjs`) load with Node's own `import()` outside dev, so a production
 * start loads no TypeScript tooling at all: tsx is imported only when a `.ts` page is loaded.
 */
import type { NamespacedUnregister } from 'tsx/esm/api';
import { register as registerHooks } from 'node:module';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { statSync } from 'node:fs';
import { PB_ERR_PAGE_EXPORT } from '../errors.js';
import { isDefinedPage, isDefinedSocket, type DefinedPage, type DefinedSocket } from './define-page.js';
import { ModuleGraph } from './module-graph.js';

// Stack traces from pages point at the author's TypeScript lines, not tsx's output.
process.setSourceMapsEnabled(true);

/** The process's one set of dev module hooks: registered once, shared by every hot loader. */
interface Hooks {
  port: MessagePort;
  /** Absolute path → version; only grows, so no two loaders ever reuse a version. */
  versions: Map<string, number>;
  edgeListeners: Set<(parent: string, child: string) => void>;
  nextId: number;
}
let hooks: Hooks | undefined;

function getHooks(): Hooks {
  if (hooks) return hooks;
  const { port1, port2 } = new MessageChannel();
  registerHooks('./module-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
  const h: Hooks = { port: port1, versions: new Map(), edgeListeners: new Set(), nextId: 1 };
  port1.on('message', (m: { edge?: [string, string] }) => {
    if (m.edge) for (const fn of h.edgeListeners) fn(m.edge[0], m.edge[1]);
  });
  port1.unref();
  return (hooks = h);
}

/** Sends a message to the hooks thread and resolves once it has applied it. */
function tellHooks(h: Hooks, msg: { root?: string; versions?: Array<[string, number]> }): Promise<void> {
  const id = h.nextId++;
  return new Promise((resolve) => {
    const onAck = (m: { ack?: number }) => {
      if (m.ack !== id) return;
      h.port.off('message', onAck);
      h.port.unref();
      resolve();
    };
    h.port.ref();
    h.port.on('message', onAck);
    h.port.postMessage({ id, ...msg });
  });
}

let namespaces = 0;

export class ModuleLoader {
  readonly #root: string;
  readonly #hot: Hooks | undefined;
  readonly #graph = new ModuleGraph();
  #namespace: Promise<NamespacedUnregister> | undefined;
  readonly #native: boolean;
  readonly #cache = new Map<string, Promise<DefinedPage | DefinedSocket>>();
  /** The hooks thread has every version bump sent so far once this settles. */
  #synced: Promise<void> = Promise.resolve();
  /** Absolute path → mtime when last loaded or invalidated, so one edit is applied once. */
  readonly #stamps = new Map<string, number>();
  readonly #onEdge = (parent: string, child: string) => {
    if (parent.startsWith(this.#root + path.sep)) this.#graph.addEdge(parent, child);
  };

  /**
   * `hot`: track the module graph so edits can be reloaded (dev). `native`: import `.js`/`.mjs`
   * modules with plain `import()` (production, compiled pages).
   */
  constructor(root: string, options: { hot?: boolean; native?: boolean } = {}) {
    this.#root = path.resolve(root);
    this.#native = options.native ?? false;
    if (options.hot) {
      this.#hot = getHooks();
      this.#hot.edgeListeners.add(this.#onEdge);
      this.#synced = tellHooks(this.#hot, { root: this.#root + path.sep });
    }
  }

  get graph(): ModuleGraph {
    return this.#graph;
  }

  /**
   * Dev: invalidates `file` when it changed since it was last seen, so the very next request after
   * an edit runs it even before the file watcher fires.
   */
  noticeEdits(file: string): void {
    const abs = path.join(this.#root, file);
    const seen = this.#stamps.get(abs);
    if (seen === undefined) this.#stamps.set(abs, mtimeOf(abs));
    else if (seen !== mtimeOf(abs)) this.invalidate([file]);
  }

  /**
   * Dev: the files (relative to the pages folder) changed on disk. Each one that changed since it
   * was last seen, and every module importing it, loads afresh next time; other modules stay.
   * Returns the invalidated files, relative to the pages folder.
   */
  invalidate(files: Iterable<string>): Set<string> {
    if (!this.#hot) return new Set();
    const edited: string[] = [];
    for (const file of files) {
      const abs = path.join(this.#root, file);
      const mtime = mtimeOf(abs);
      if (this.#stamps.get(abs) === mtime && mtime !== -1) continue;
      this.#stamps.set(abs, mtime);
      edited.push(abs);
    }
    const affected = this.#graph.affectedBy(edited);
    const bumps: Array<[string, number]> = [];
    for (const abs of affected) {
      const v = (this.#hot.versions.get(abs) ?? 0) + 1;
      this.#hot.versions.set(abs, v);
      bumps.push([abs, v]);
      this.#graph.forgetImportsOf(abs);
      this.#cache.delete(path.relative(this.#root, abs).split(path.sep).join('/'));
    }
    if (bumps.length) {
      const hot = this.#hot;
      this.#synced = this.#synced.then(() => tellHooks(hot, { versions: bumps }));
    }
    return new Set([...affected].map((abs) => path.relative(this.#root, abs).split(path.sep).join('/')));
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

  /** Stops the loader's tsx namespace; modules already loaded stay usable. */
  async close(): Promise<void> {
    this.#hot?.edgeListeners.delete(this.#onEdge);
    if (this.#namespace) await (await this.#namespace).unregister();
  }

  async #import(file: string): Promise<DefinedPage | DefinedSocket> {
    await this.#synced;
    const abs = path.join(this.#root, file);
    if (this.#native && /\.m?js$/.test(file)) return checkExport(file, await import(pathToFileURL(abs).href));
    if (this.#hot && !this.#stamps.has(abs)) this.#stamps.set(abs, mtimeOf(abs));
    const url = new URL(pathToFileURL(abs).href);
    const v = this.#hot?.versions.get(abs) ?? 0;
    if (v > 0) url.searchParams.set('pbv', String(v));
    this.#namespace ??= import('tsx/esm/api').then(({ register }) => register({ namespace: `pagebound-${process.pid}-${++namespaces}` }));
    const mod = await (await this.#namespace).import(url.href, import.meta.url);
    // The hooks posted this import's edges before they answer this, on the same port: once it is
    // answered the graph knows them, so an edit right after this load finds every importer.
    if (this.#hot) await tellHooks(this.#hot, {});
    return checkExport(file, mod);
  }
}

function checkExport(file: string, mod: { default?: unknown } | undefined): DefinedPage | DefinedSocket {
  const def = mod?.default;
  if (!isDefinedPage(def) && !isDefinedSocket(def)) throw new PB_ERR_PAGE_EXPORT(file);
  return def;
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
