/**
 * The pagebound Fastify plugin. Reading it top to bottom follows a request: route → page instance
 * → render → injected client → socket → event → handler → emit.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolveOptions, type PageboundOptions } from './config.js';
import type { Runtime } from './runtime.js';
import { PageRouter } from './routing/page-router.js';
import { ModuleLoader } from './page/module-loader.js';
import { Registry } from './page/registry.js';
import { Templates } from './render/templates.js';
import { renderPage, renderError } from './render/render-page.js';
import { getClientBundle } from './render/client-bundle.js';
import { MemoryPubSub } from './pubsub/memory.js';
import { registerWebSocket } from './transport/websocket.js';
import { registerHttpTransport } from './transport/http.js';
import { registerLiveEndpoints } from './transport/live-endpoints.js';
import { watchPages } from './dev/watcher.js';
import { PB_ERR_NOT_FOUND } from './errors.js';

const plugin: FastifyPluginAsync<PageboundOptions> = async (app: FastifyInstance, opts) => {
  const options = resolveOptions(opts);
  if (!options.secret && !options.dev) {
    app.log.warn('PAGEBOUND_SECRET is not set: session cookies are signed with a random per-process secret');
  }

  // Sessions and request bodies.
  await app.register(cookie, { secret: options.secret ?? randomBytes(32).toString('hex') });
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
  await app.register(websocket, { options: { maxPayload: options.maxFrameBytes, handleProtocols: pickProtocol } });

  // Route table.
  const router = new PageRouter(options.pagesDir);
  await router.reload();

  const rt: Runtime = {
    options,
    router,
    registry: new Registry(options),
    loader: new ModuleLoader(options.pagesDir),
    templates: new Templates(options.pagesDir, options.dev),
    pubsub: new MemoryPubSub(),
    bundle: await getClientBundle(),
    log: app.log,
  };
  app.decorate('pagebound', rt);

  // The injected client, cached forever under its content hash.
  app.get(rt.bundle.url, (_req, reply) => {
    reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/javascript; charset=utf-8').send(rt.bundle.code);
  });

  // Live connections: WebSocket first, plain HTTP as the fallback, plus goodbye and socket modules.
  registerWebSocket(app, rt);
  registerHttpTransport(app, rt);
  registerLiveEndpoints(app, rt);

  if (options.publicDir && existsSync(options.publicDir)) {
    // One route per file, so public files win over pages and do not shadow the page catch-all.
    await app.register(fastifyStatic, { root: options.publicDir, wildcard: false });
  }

  // Pages: everything the host app and the routes above do not claim.
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (request, reply) => {
      const path = request.url.split('?')[0]!;
      let match = router.match(path);
      if (!match && options.dev) {
        // A page added a moment ago may not have reached the watcher yet.
        await router.reload().catch(() => {});
        match = router.match(path);
      }
      try {
        if (!match) throw new PB_ERR_NOT_FOUND();
        await renderPage(rt, request, reply, match);
      } catch (err) {
        renderError(rt, request, reply, err, match?.route.url ?? path);
      }
      return reply;
    },
  });

  if (options.dev) app.addHook('onClose', watchPages(rt));
  app.addHook('onClose', async () => {
    await rt.registry.closeAll('server-close');
    await rt.pubsub.close();
  });
};

function pickProtocol(protocols: Set<string>): string | false {
  return protocols.has('pagebound.v1') ? 'pagebound.v1' : false;
}

/** The pagebound plugin: `app.register(pagebound, { pagesDir })`. */
export const pagebound = fp(plugin, { fastify: '5.x', name: 'pagebound' });
