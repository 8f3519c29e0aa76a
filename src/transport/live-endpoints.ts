/**
 * The two small HTTP endpoints beside the transports (docs/protocol.md §5.3): the goodbye beacon,
 * which closes a page at once when its tab goes away, and `open`, which starts an instance of a
 * socket-only module for `new ServerSocket(path)`.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { BYE_PATH, OPEN_PATH, PAGE_ID_RE } from '../protocol/constants.js';
import { ensureSession, originGuard, readSession } from '../session/session.js';
import { isDefinedSocket } from '../page/define-page.js';
import { createInstance } from '../page/create-instance.js';
import { PB_ERR_INTERNAL, PB_ERR_NOT_FOUND } from '../errors.js';

export function registerLiveEndpoints(app: FastifyInstance, rt: Runtime): void {
  app.register(async (scope) => {
    // sendBeacon posts text/plain; the id is the whole body.
    scope.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 256 }, (_req, body, done) => done(null, body));
    scope.addHook('preValidation', originGuard(rt.options.allowedOrigins));

    scope.post(BYE_PATH, async (request, reply) => {
      const id = typeof request.body === 'string' ? request.body.trim() : '';
      const instance = PAGE_ID_RE.test(id) ? rt.registry.get(id) : undefined;
      // Only the owning session may close a page; anyone else learns nothing either way.
      if (instance && instance.sessionId === readSession(request)) await instance.close('bye');
      return reply.code(204).send();
    });

    scope.post<{ Body: { path?: unknown } }>(OPEN_PATH, { bodyLimit: 4096 }, async (request, reply) => {
      const target = typeof request.body?.path === 'string' ? request.body.path : '';
      const route = rt.router.socket(target);
      if (!route) throw new PB_ERR_NOT_FOUND();
      const def = await rt.loader.load(route.file);
      if (!isDefinedSocket(def)) throw new PB_ERR_NOT_FOUND();
      const sessionId = ensureSession(request, reply);
      const instance = createInstance(rt, def, route);
      if (def.state) instance.state = def.state();
      await rt.registry.admit(instance, sessionId, request.ip);
      try {
        await def.open?.(instance);
      } catch (err) {
        await instance.close('open-failed');
        // The module's own message may hold a secret: production answers with a generic one.
        if (rt.options.dev) throw err;
        request.log.error({ err, route: route.url }, 'socket open() failed');
        throw new PB_ERR_INTERNAL();
      }
      return reply.header('cache-control', 'no-store').send({ id: instance.id });
    });
  });
}
