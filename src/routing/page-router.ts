/**
 * Matches request paths against the route table with find-my-way (Fastify's own router, so the
 * precedence is Fastify's: static, then parameter, then catch-all). pagebound keeps its own router
 * instead of registering one Fastify route per page so that dev mode can add and remove pages
 * while the server runs; it serves through one catch-all Fastify route, after the host app's routes.
 */
import FindMyWay from 'find-my-way';
import type { RouteEntry } from './route-table.js';
import { scanPages } from './scan-pages.js';

export interface RouteMatch { route: RouteEntry; params: Record<string, string> }

export class PageRouter {
  readonly #pagesDir: string;
  #pages = FindMyWay();
  #sockets = new Map<string, RouteEntry>();
  #routes: RouteEntry[] = [];

  constructor(pagesDir: string) {
    this.#pagesDir = pagesDir;
  }

  get routes(): readonly RouteEntry[] {
    return this.#routes;
  }

  /** Reads the pages folder again; on a bad tree (conflict, invalid name) it throws and keeps the old table. */
  async reload(): Promise<void> {
    const routes = await scanPages(this.#pagesDir);
    const router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
    const sockets = new Map<string, RouteEntry>();
    const taken = new Set(routes.filter((r) => r.kind === 'page').map((r) => r.url));
    for (const route of routes) {
      if (route.kind === 'socket') {
        sockets.set(route.url, route);
        continue;
      }
      router.on('GET', route.url, () => {}, route);
      // A catch-all also matches its own folder (`/docs` for `docs/[...path]`) unless a page claims it.
      const bare = route.url.slice(0, -2) || '/';
      if (route.catchAll && !taken.has(bare)) {
        router.on('GET', bare, () => {}, route);
        taken.add(bare);
      }
    }
    this.#pages = router;
    this.#sockets = sockets;
    this.#routes = routes;
  }

  match(path: string): RouteMatch | undefined {
    const found = this.#pages.find('GET', path);
    if (!found) return undefined;
    const route = found.store as RouteEntry;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(found.params)) {
      if (value === undefined) continue;
      params[key === '*' ? route.catchAll! : key] = value;
    }
    if (route.catchAll && params[route.catchAll] === undefined) params[route.catchAll] = '';
    return { route, params };
  }

  socket(path: string): RouteEntry | undefined {
    return this.#sockets.get(path.length > 1 ? path.replace(/\/+$/, '') : path);
  }
}
