/**
 * The server side of `pagebound dev`: it remembers how each open page was rendered, and when files
 * change it updates those pages through their own live connections, with reserved `pb:dev:*`
 * events (src/dev/events.ts):
 *
 * - a template, layout or partial: the pages that read it render again, with the data their
 *   handler returned and the current value of every state field that data showed, and the browser
 *   morphs the new HTML into the page;
 * - a page module or a module it imports: the module graph reloads that file and its importers;
 *   each open page of an edited module takes the new handlers and keeps its state when the state's
 *   shape still fits, else its tab reloads;
 * - a stylesheet in the public folder: re-linked; anything else: the tabs reload.
 *
 * Errors — a template or module that does not load, a handler that throws, a route conflict — go
 * to the browser's overlay with file:line:column, and come off it once the file is fixed.
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import { nanoid } from 'nanoid';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { createInstance } from '../page/create-instance.js';
import { ensureSession } from '../session/session.js';
import { injectClient } from '../render/inject-client.js';
import type { ClientBundle } from '../render/client-bundle.js';
import type { PageInstance } from '../page/page-instance.js';
import { isDefinedPage, makeRedirect, type DefinedPage, type RequestContext } from '../page/define-page.js';
import { DevEvent, type DevError } from '../protocol/dev-events.js';
import { toDevError } from './overlay-data.js';
import { redrawData } from '../render/redraw.js';
import { stateFits } from './state-shape.js';
import { routeChanges } from './route-changes.js';

/** What a render leaves for the dev loop to render the page again. */
export interface RenderRecord {
  /** The page module, relative to the pages folder. */
  file: string;
  def: DefinedPage;
  /** What the template got: the handler's result plus params, query, url and nonce. */
  data: Record<string, unknown>;
  /** Every template file the render read, relative to the pages folder. */
  reads: Set<string>;
  params: Record<string, string>;
  /** The page is not live: its instance only carries dev updates, and its tab has no socket API. */
  watchOnly: boolean;
}

interface OpenPage extends RenderRecord {
  /** Overlay keys this tab shows. */
  errors: Set<string>;
}

/** Overlay keys: what one fix clears. A page module's load error is `module:<file>`. */
const ROUTES_KEY = 'routes';
const RENDER_KEY = 'render';
const HANDLER_KEY = 'handler';
const MODULE_EXT = /\.(m?[tj]s|tsx|jsx|json)$/;
/** Modules that a page may also read from disk itself: reloaded in the graph, and their tabs reload. */
const DATA_EXT = /\.json$/;

export interface Changes {
  /** Paths relative to the pages folder. */
  pages: string[];
  /** Paths relative to the public folder. */
  public: string[];
}

export class DevLoop {
  readonly bundle: ClientBundle;
  readonly #rt: Runtime;
  readonly #open = new Map<PageInstance<any>, OpenPage>();
  /** Tabs showing an error or not-found page: they reload at the next save under the pages folder. */
  readonly #errorPages = new Set<PageInstance<any>>();
  #routeError: DevError | undefined;
  readonly #routeListeners = new Set<(lines: string[]) => void>();
  /** Changes apply one batch at a time, in order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(rt: Runtime, bundle: ClientBundle) {
    this.#rt = rt;
    this.bundle = bundle;
  }

  /**
   * Calls `fn` with the printable lines of each route table change (`+ page /fresh pages/fresh.page.ts`);
   * the CLI prints them. With no listener they go to the log.
   */
  onRouteChanges(fn: (lines: string[]) => void): void {
    this.#routeListeners.add(fn);
  }

  /** Follows a page that was just rendered and admitted, until it closes. */
  track(instance: PageInstance<any>, record: RenderRecord): void {
    const open: OpenPage = { ...record, errors: new Set() };
    this.#open.set(instance, open);
    instance.onClose(() => this.#open.delete(instance));
    // A redraw that failed is the template's error: the next render that works clears it.
    instance.devOnError = (err, where) => this.#show(instance, open, where === 'redraw'
      ? toDevError(err, 'template', RENDER_KEY, this.#rt.options.pagesDir)
      : toDevError(err, 'handler', HANDLER_KEY, this.#rt.options.pagesDir));
    if (this.#routeError) this.#show(instance, open, this.#routeError);
  }

  /**
   * Gives a dev error or not-found page a connection only the dev bundle uses, so that the tab
   * reloads itself at the next save — the fix, or the page being created. Returns the HTML to send.
   */
  watchErrorPage(request: FastifyRequest, reply: FastifyReply, html: string, routeUrl: string, nonce: string): string {
    // Only for a browser tab: an image, a fetch() or a crawler would never connect.
    if (request.method !== 'GET' || !String(request.headers.accept ?? '').includes('text/html')) return html;
    const instance = createInstance(this.#rt, {} as DefinedPage, { kind: 'page', file: '', url: routeUrl, params: [] });
    instance.admitted(ensureSession(request, reply));
    try {
      this.#rt.registry.add(instance);
    } catch {
      void instance.close('refused');
      return html;
    }
    this.#errorPages.add(instance);
    instance.onClose(() => this.#errorPages.delete(instance));
    reply.header('cache-control', 'no-store');
    // The error page's own CSP nonce, so its scripts run under the same policy as a page's.
    return injectClient(html, instance.id, nonce, this.#rt.bundle, this.#rt.options.transport, { bundle: this.bundle, watchOnly: true }, this.#rt.prefix);
  }

  /** Applies a batch of file changes; batches run one after another. */
  apply(changes: Changes): Promise<void> {
    const run = this.#queue.then(() => this.#apply(changes));
    this.#queue = run.catch((err) => this.#rt.log.error({ err }, 'dev: applying a change failed'));
    return run;
  }

  async #apply({ pages, public: assets }: Changes): Promise<void> {
    for (const file of assets) {
      if (file.endsWith('.css')) this.#broadcast(DevEvent.css, { href: '/' + file.split(path.sep).join('/') });
      else this.#broadcast(DevEvent.reload, { reason: `public/${file} changed` });
    }
    if (!pages.length) return;
    await this.#reloadRoutes();

    const modules = pages.filter((f) => MODULE_EXT.test(f));
    const templates = new Set(pages.filter((f) => f.endsWith('.eta')));
    const other = pages.filter((f) => (DATA_EXT.test(f) || (!MODULE_EXT.test(f) && !f.endsWith('.eta'))) && this.#isDataFile(f));
    const invalidated = this.#rt.loader.invalidate(modules);
    if (invalidated.size) this.#rt.log.debug({ files: [...invalidated] }, 'dev: modules reloaded');
    // Which tabs hold a socket module's connection (`new ServerSocket('/echo')`) is not known here,
    // so an edited socket module reloads every tab; each opens the new module afresh.
    const socketModule = [...invalidated].find((f) => /\.socket\.m?[tj]s$/.test(f));
    if (socketModule) other.push(socketModule);
    // After the invalidation, so the reloaded error page runs the fixed modules.
    for (const instance of this.#errorPages) this.#emit(instance, DevEvent.reload, { reason: `${pages[0]} changed` });
    // A new or removed layout can change which layout a page uses.
    const layoutsMoved = [...templates].some((f) => path.posix.basename(f) === '_layout.eta');

    for (const [instance, page] of [...this.#open]) {
      if (instance.closed) continue;
      if (other.length) {
        this.#emit(instance, DevEvent.reload, { reason: `${other[0]} changed` });
        continue;
      }
      if (!this.#rt.router.routes.some((r) => r.file === page.file)) {
        this.#emit(instance, DevEvent.reload, { reason: `${page.file} is no longer a page` });
        continue;
      }
      let def: DefinedPage;
      try {
        const loaded = await this.#rt.loader.load(page.file);
        if (!isDefinedPage(loaded)) throw new TypeError(`${page.file} no longer exports a page`);
        def = loaded;
      } catch (err) {
        this.#show(instance, page, toDevError(err, 'module', `module:${page.file}`, this.#rt.options.pagesDir));
        continue;
      }
      this.#clear(instance, page, [`module:${page.file}`]);
      if (def !== page.def) {
        // A page that is not live has no state to keep, and may have become live: load it afresh.
        if (page.watchOnly) {
          this.#emit(instance, DevEvent.reload, { reason: `${page.file} changed` });
          continue;
        }
        if (!this.#swap(instance, page, def)) continue;
        // The module that threw was edited: its error comes off the overlay.
        this.#clear(instance, page, [HANDLER_KEY]);
        this.#renderInTurn(instance, page);
      } else if (layoutsMoved || [...page.reads].some((f) => templates.has(f))) {
        this.#renderInTurn(instance, page);
      }
    }
  }

  /** A file a page may read itself (JSON, Markdown…), not a folder: no hot path, so its tabs reload. */
  #isDataFile(file: string): boolean {
    try {
      return statSync(path.join(this.#rt.options.pagesDir, file)).isFile();
    } catch {
      // Gone: a folder or a file, no telling; a folder's files are reported one by one anyway.
      return path.posix.extname(file) !== '';
    }
  }

  /** Re-reads the route table: prints what changed, or shows a conflict on every open page. */
  async #reloadRoutes(): Promise<void> {
    const before = this.#rt.router.routes;
    try {
      await this.#rt.router.reload();
    } catch (err) {
      this.#rt.log.error({ err }, 'dev: the route table is invalid; keeping the previous one');
      this.#routeError = toDevError(err, 'routes', ROUTES_KEY, this.#rt.options.pagesDir);
      for (const [instance, page] of this.#open) this.#show(instance, page, this.#routeError);
      return;
    }
    const lines = routeChanges(before, this.#rt.router.routes);
    if (lines.length && this.#routeListeners.size) for (const fn of this.#routeListeners) fn(lines);
    else if (lines.length) this.#rt.log.info({ routes: lines.map((l) => l.trim()) }, 'routes changed');
    if (this.#routeError) {
      this.#routeError = undefined;
      for (const [instance, page] of this.#open) this.#clear(instance, page, [ROUTES_KEY]);
    }
  }

  /** Puts an edited module's handlers into an open page; false when the tab had to reload instead. */
  #swap(instance: PageInstance<any>, page: OpenPage, def: DefinedPage): boolean {
    let fits: boolean;
    try {
      fits = stateFits(instance.state, def.state?.(this.#stateContext(page)));
    } catch {
      fits = false;
    }
    const swapped = fits && instance.devSwapHandlers({
      handlers: def.on,
      catchAll: def.__serverSocketEvent?.bind(def),
      onClose: def.onClose?.bind(def),
    });
    if (!swapped) {
      this.#emit(instance, DevEvent.reload, { reason: `${page.file} changed` });
      return false;
    }
    page.def = def;
    return true;
  }

  /**
   * Renders in the page's mailbox, like its events and timers, so it never reads the state halfway
   * through an async handler.
   */
  #renderInTurn(instance: PageInstance<any>, page: OpenPage): void {
    if (!instance.closed) instance.setTimeout(() => this.#render(instance, page), 0);
  }

  /** Renders the page again and sends it; a failure goes to the overlay instead. */
  #render(instance: PageInstance<any>, page: OpenPage): void {
    const { templates, options } = this.#rt;
    // The data a redraw renders with (render/redraw.ts), so a saved template shows what the next
    // redraw would.
    const data = redrawData(page.data, instance.state);
    const reads = new Set<string>();
    let html: string;
    try {
      html = templates.render(templates.choose(page.file, page.def), data, reads);
    } catch (err) {
      // What it read before failing is what the fix will touch.
      for (const f of reads) page.reads.add(f);
      this.#show(instance, page, toDevError(err, 'template', RENDER_KEY, options.pagesDir));
      return;
    }
    page.reads = reads;
    this.#emit(instance, DevEvent.html, { html });
    this.#clear(instance, page, [RENDER_KEY]);
  }

  /** The context a fresh `state()` gets: the page's own params, and no request. */
  #stateContext(page: OpenPage): RequestContext {
    const data = page.data as { query?: Record<string, string | string[]>; url?: string; nonce?: string };
    return {
      params: page.params,
      query: data.query ?? {},
      headers: {},
      cookies: {},
      body: undefined,
      method: 'GET',
      url: data.url ?? '/',
      nonce: data.nonce ?? '',
      status: () => {},
      header: () => {},
      files: [],
      flashed: undefined,
      base: this.#rt.prefix,
      flash: () => {},
      redirect: (url) => makeRedirect(url, 303),
      request: undefined as never,
      reply: undefined as never,
    };
  }

  #show(instance: PageInstance<any>, page: OpenPage, error: DevError): void {
    page.errors.add(error.key);
    this.#emit(instance, DevEvent.error, error);
  }

  #clear(instance: PageInstance<any>, page: OpenPage, keys: string[]): void {
    const shown = keys.filter((k) => page.errors.delete(k));
    if (shown.length) this.#emit(instance, DevEvent.clear, { keys: shown });
  }

  #broadcast(name: string, data: unknown): void {
    for (const instance of this.#open.keys()) this.#emit(instance, name, data);
  }

  #emit(instance: PageInstance<any>, name: string, data: unknown): void {
    if (!instance.closed) instance.emit(name, data);
  }
}
