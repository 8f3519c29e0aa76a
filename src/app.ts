/**
 * The pagebound Fastify plugin. Reading it top to bottom follows a request: route → page instance
 * → render → injected client → socket → event → handler → emit.
 *
 * A good guest in a host app: everything pagebound registers (body parsers, cookie, WebSocket, static
 * files, its routes and error handler) lives in one encapsulated scope under the plugin's `prefix`,
 * so the host's routes keep their own parsers, error handler and logger; the plugins the host already
 * registered are reused instead of registered twice.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolveOptions, type PageboundOptions, type ResolvedOptions } from './config.js';
import type { Runtime } from './runtime.js';
import { PageRouter } from './routing/page-router.js';
import { ModuleLoader } from './page/module-loader.js';
import { Registry } from './page/registry.js';
import { Endpoints } from './endpoint/endpoints.js';
import { Templates } from './render/templates.js';
import { renderPage, renderError } from './render/render-page.js';
import { getClientBundle } from './render/client-bundle.js';
import { choosePubSub } from './pubsub/choose.js';
import { registerDrain } from './drain.js';
import { DurablePages } from './durable/durable-pages.js';
import { chooseStore } from './durable/choose.js';
import { UploadDisk } from './upload/disk.js';
import { removeStaleUploadFolders } from './upload/stale.js';
import { registerWebSocket } from './transport/websocket.js';
import { registerHttpTransport } from './transport/http.js';
import { registerLiveEndpoints } from './transport/live-endpoints.js';
import { startDev } from './dev/start-dev.js';
import { hostGuard } from './session/host-guard.js';
import { watchEventLoop } from './loop-monitor.js';
import { crossSite } from './forms/csrf.js';
import { formError } from './forms/multipart.js';
import { noMetrics } from './metrics/metrics.js';
import type { PrometheusMetrics } from './metrics/prometheus.js';
import { BASE_PATH, Defaults, WS_SUBPROTOCOL } from './protocol/constants.js';
import { PB_ERR_COOKIE_SECRET, PB_ERR_CONFIG, PB_ERR_CSRF, PB_ERR_INTERNAL, PB_ERR_NOT_FOUND, errorBody } from './errors.js';

/** The route pattern of the page a request rendered (`/users/:id`), for the request log line. */
const pageRoutes = new WeakMap<FastifyRequest, string>();
export const pageRouteOf = (request: FastifyRequest): string | undefined => pageRoutes.get(request);

const plugin: FastifyPluginAsync<PageboundOptions & { prefix?: string }> = async (app: FastifyInstance, opts) => {
  const options = resolveOptions(opts);
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '');
  if (prefix && !/^\/[A-Za-z0-9._~!$&'()*+,;=@/-]*$/.test(prefix)) throw new PB_ERR_CONFIG('prefix must be a URL path starting with /');
  if (!options.secret && !options.dev) {
    app.log.warn('PAGEBOUND_SECRET is not set: session cookies are signed with a random per-process secret');
  }

  // Route table.
  const router = new PageRouter(options.pagesDir);
  await router.reload();

  // Topics: in-process, or Redis so that pages on every node share them.
  const { pubsub, owned: ownsPubSub } = await choosePubSub(options.pubsub, app.log);
  const registry = new Registry(options);
  // Upload folders that crashed processes left behind: their half-received files hold disk no quota counts.
  const stale = await removeStaleUploadFolders(options.uploadDir);
  if (stale.length) app.log.info({ folders: stale.length, uploadDir: options.uploadDir }, 'removed upload folders of processes that no longer run');
  const endpoints = new Endpoints({ ...options, ackDelayMs: Defaults.ackDelayMs }, app.log, () => rt.metrics);

  const rt: Runtime = {
    options,
    router,
    registry,
    endpoints,
    loader: new ModuleLoader(options.pagesDir, { hot: options.dev, native: !options.dev }),
    templates: new Templates(options.pagesDir, options.dev),
    pubsub,
    bundle: await getClientBundle(),
    log: app.log,
    metrics: noMetrics,
    prefix,
    // The health check and the graceful drain a load balancer relies on.
    drain: registerDrain(app, { options, registry, endpoints, prefix, log: app.log }),
    // Durable pages: on Redis when topics are, else in this process's memory.
    durable: new DurablePages(chooseStore(options.pubsub), () => rt),
    uploads: new UploadDisk({ dir: options.uploadDir, maxBytes: options.maxUploadDiskBytes, maxBytesPerSession: options.maxUploadDiskBytesPerSession }),
  };
  let prometheus: PrometheusMetrics | undefined;
  if (options.metrics) {
    // prom-client is loaded only when metrics are on.
    const { PrometheusMetrics } = await import('./metrics/prometheus.js');
    rt.metrics = prometheus = new PrometheusMetrics({
      livePages: () => rt.registry.size,
      mailboxDepth: () => {
        let total = 0;
        let max = 0;
        for (const page of rt.registry.values()) {
          total += page.mailboxSize;
          max = Math.max(max, page.mailboxSize);
        }
        return { total, max };
      },
    });
  }
  app.decorate('pagebound', rt);

  await app.register((scope) => pages(scope, rt, prometheus), { prefix });

  if (options.eventLoopWarnMs !== false) {
    const stop = watchEventLoop(app.log, options.eventLoopWarnMs);
    app.addHook('onClose', async () => stop());
  }
  app.addHook('onClose', async () => {
    await rt.registry.closeAll('server-close');
    rt.endpoints.close();
    if (ownsPubSub) await rt.pubsub.close();
    await rt.durable.close();
    await rt.loader.close();
    // After the pages, which delete their own uploads: whatever is left goes with the folder.
    await rt.uploads.close();
  });
};

/** pagebound's own scope: parsers, sessions, the client, live endpoints, static files and pages. */
async function pages(scope: FastifyInstance, rt: Runtime, prometheus: PrometheusMetrics | undefined): Promise<void> {
  const { options, router, prefix } = rt;
  await registerParsers(scope, options);
  // Only the host names this server is for (DNS rebinding); in dev, loopback names only. Added
  // after the websocket plugin, whose own onRequest hook must mark an upgrade first so that a
  // refused upgrade's socket is closed after the answer.
  if (options.allowedHosts) scope.addHook('onRequest', hostGuard(options.allowedHosts));
  // A draining node takes no new pages or connections (src/drain.ts); placed here for the same reason.
  scope.addHook('onRequest', rt.drain.guard);
  // Dev: the watcher keeps the route table, modules and open pages up to date (src/dev/).
  if (options.dev) await startDev(scope, rt);

  // The injected client, cached forever under its content hash.
  scope.get(rt.bundle.url, (_req, reply) => {
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff')
      .type('text/javascript; charset=utf-8').send(rt.bundle.code);
  });

  // Live connections: WebSocket first, plain HTTP as the fallback, plus goodbye and socket modules.
  registerWebSocket(scope, rt);
  registerHttpTransport(scope, rt);
  registerLiveEndpoints(scope, rt);

  if (options.metrics && prometheus) {
    const registry = prometheus.registry;
    scope.get(options.metrics, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  }

  if (options.publicDir && existsSync(options.publicDir)) {
    // One route per file, so public files win over pages and do not shadow the page catch-all; a
    // host that uses @fastify/static already keeps its own `reply.sendFile`.
    await scope.register(fastifyStatic, {
      root: options.publicDir, wildcard: false, decorateReply: !scope.hasReplyDecorator('sendFile'),
      // A file is what its extension says, never what a browser sniffs (an uploaded .txt run as HTML).
      setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff'),
    });
  }

  // Errors of pagebound's scope only: a body the parsers refused, a cross-site post, a page error.
  scope.setErrorHandler((err, request, reply) => {
    // The live endpoints' errors keep their JSON shape; a 5xx in production never shows its message.
    if (request.url.startsWith(prefix + BASE_PATH + '/')) {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status < 500 || options.dev) return reply.send(err);
      request.log.error({ err }, 'live endpoint failed');
      return reply.code(500).send(errorBody(new PB_ERR_INTERNAL()));
    }
    renderError(rt, request, reply, formError(err) ?? err, pageRouteOf(request) ?? request.url.split('?')[0]!);
  });

  // Pages: everything the host app and the routes above do not claim.
  const handler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const path = request.url.split('?')[0]!.slice(prefix.length) || '/';
    // The watcher keeps the route table current in dev: a miss does not rescan the folder.
    const match = router.match(path);
    if (match) pageRoutes.set(request, prefix + match.route.url);
    try {
      if (!match) throw new PB_ERR_NOT_FOUND();
      await renderPage(rt, request, reply, match);
    } catch (err) {
      renderError(rt, request, reply, err, match?.route.url ?? path);
    }
    return reply;
  };
  const route = {
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    handler,
    // Before the body is read: a cross-site form never gets its upload parsed.
    onRequest: async (request: FastifyRequest) => {
      if (options.csrf && request.method !== 'GET' && request.method !== 'HEAD' && crossSite(request, options.allowedOrigins)) {
        request.log.warn({ url: request.url }, 'refused: cross-site form post');
        throw new PB_ERR_CSRF();
      }
    },
  };
  scope.route({ ...route, url: '/' });
  scope.route({ ...route, url: '/*' });
}

/**
 * Cookie, form, multipart and WebSocket support, reusing what the host registered. Registered here
 * (inside pagebound's scope) when missing, they do not change how the host's own routes parse bodies.
 */
async function registerParsers(scope: FastifyInstance, options: ResolvedOptions): Promise<void> {
  if (scope.hasDecorator('parseCookie')) {
    // pagebound signs its session cookie with the host's cookie secret; without one it cannot.
    if (!scope.hasDecorator('signCookie')) throw new PB_ERR_COOKIE_SECRET();
  } else {
    await scope.register(cookie, { secret: options.secret ?? randomBytes(32).toString('hex') });
  }
  if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
  // Limits are applied per request (forms/multipart.ts), so a host's own settings do not loosen them.
  if (!scope.hasContentTypeParser('multipart/form-data')) await scope.register(multipart);
  if (!scope.hasDecorator('websocketServer')) {
    await scope.register(websocket, { options: { maxPayload: options.maxFrameBytes, handleProtocols: pickProtocol } });
  }
}

function pickProtocol(protocols: Set<string>): string | false {
  return protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false;
}

/** The pagebound plugin: `app.register(pagebound, { pagesDir, prefix })`. */
export const pagebound = fp(plugin, { fastify: '5.x', name: 'pagebound' });
