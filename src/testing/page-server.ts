/**
 * A real pagebound server on a loopback port for tests: pages render over HTTP, clients connect over
 * real sockets (directly or through a fault proxy), and the server can be restarted on the same port
 * — every live page is lost, as in a deploy or a crash, and clients must be told they expired.
 */
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from '../server.js';
import { PageClient, type PageClientOptions } from './page-client.js';

/** A page rendered over HTTP: its HTML, and for a live page its id and session cookie. */
export interface RenderedPage {
  status: number;
  html: string;
  /** The page id from the boot block; undefined when the page keeps no instance. */
  id: string | undefined;
  /** `pb_session=…`, or '' when the response set none. */
  cookie: string;
}

export interface OpenOptions {
  /** Connect through this URL (a fault proxy's `url`) instead of the server's. */
  via?: string;
  /** The cookie to render with, to open a second tab of the same browser session. */
  cookie?: string;
  retryMs?: PageClientOptions['retryMs'];
  /** `ws` (default) or `http` (the long-poll fallback). */
  transport?: PageClientOptions['transport'];
}

export interface PageServer {
  readonly url: string;
  readonly port: number;
  /** The Fastify app currently serving (a new one after each restart). */
  readonly app: FastifyInstance;
  /** GETs `path` and reads the boot block. */
  render(path: string, cookie?: string): Promise<RenderedPage>;
  /** The `page.state` of a live instance (by page id: `client.id`), or undefined once it closed. */
  stateOf(id: string): unknown;
  /** Renders `path` and connects a client to its instance; rejects if the page is not live. */
  open(path: string, opts?: OpenOptions): Promise<PageClient & { rendered: RenderedPage }>;
  /**
   * Stops the server and starts a fresh one on the same port: every page instance is gone. Graceful
   * by default (connected clients are told `expired{closed}` at once); `{ crash: true }` cuts every
   * connection first, as a killed process would, so clients learn it only when they resume
   * (`expired{unknown}`).
   */
  restart(opts?: { crash?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Reads the page id from a rendered page's boot block (docs/protocol.md §1). */
export function pageIdOf(html: string): string | undefined {
  const boot = /<script type="application\/json" id="pb-boot">([^<]*)<\/script>/.exec(html)?.[1];
  if (!boot) return undefined;
  const id = (JSON.parse(boot) as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

/** The `name=value` of a Set-Cookie header (or the first of several). */
export function cookieOf(setCookie: string | string[] | null | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return first ? first.split(';')[0]! : '';
}

export async function startPageServer(opts: ServerOptions = {}): Promise<PageServer> {
  const options: ServerOptions = { logger: false, publicDir: false, dev: false, ...opts };
  // Every TCP socket the server accepts, upgraded ones included: a crash cuts them all at once.
  const sockets = new Set<import('node:net').Socket>();
  const track = (a: FastifyInstance) => a.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let app = await createServer(options);
  track(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const clients = new Set<PageClient>();

  const server: PageServer = {
    url,
    port,
    get app() { return app; },
    async render(path, cookie) {
      const res = await fetch(url + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      const html = await res.text();
      return { status: res.status, html, id: pageIdOf(html), cookie: cookieOf(res.headers.get('set-cookie')) || cookie || '' };
    },
    stateOf(id) {
      return app.pagebound.registry.get(id)?.state;
    },
    async open(path, o = {}) {
      const rendered = await server.render(path, o.cookie);
      if (!rendered.id) throw new Error(`${path} rendered ${rendered.status} with no live instance: it declares no handlers, timers or subscriptions.`);
      const client = Object.assign(new PageClient(o.via ?? url, rendered.id, { cookie: rendered.cookie, retryMs: o.retryMs, transport: o.transport }), { rendered });
      clients.add(client);
      await client.connect();
      return client;
    },
    async restart({ crash = false } = {}) {
      if (crash) {
        for (const socket of sockets) socket.destroy();
        app.server.closeAllConnections();
      }
      await app.close();
      app = await createServer(options);
      track(app);
      await app.listen({ port, host: '127.0.0.1' });
    },
    async close() {
      await Promise.all([...clients].map((c) => c.close()));
      await app.close();
    },
  };
  return server;
}
