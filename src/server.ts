/**
 * A ready-made Fastify server with pagebound registered: what the CLI runs and what tests start.
 * It owns the log format: pretty in dev on a terminal, JSON lines otherwise, and one line per
 * request naming its route (the page's pattern, `/users/:id`, not the URL) instead of Fastify's two.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { pagebound, pageRouteOf } from './app.js';
import type { PageboundOptions } from './config.js';

export interface ServerOptions extends PageboundOptions {
  /** Fastify's logger option. Default: info level; pretty (pino-pretty) when `prettyLogs`, else JSON lines. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Trust X-Forwarded-* from a proxy in front: the client IP, host and protocol come from it, so the
   * session cookie is `Secure` behind a TLS-terminating proxy. Only turn on behind a proxy that sets
   * them, or clients can forge them. Default false.
   */
  trustProxy?: boolean;
  /** Human-readable logs. Default: in dev when stdout is a terminal. */
  prettyLogs?: boolean;
}

export async function createServer(opts: ServerOptions = {}): Promise<FastifyInstance> {
  const { logger, trustProxy, prettyLogs, ...pageOptions } = opts;
  const dev = pageOptions.dev ?? process.env.NODE_ENV !== 'production';
  const pretty = prettyLogs ?? (dev && process.stdout.isTTY === true);
  const app = Fastify({
    logger: logger ?? {
      level: 'info',
      // A stream in this thread rather than a pino transport: nothing to resolve from the app's folder.
      ...(pretty ? { stream: (await import('pino-pretty')).default({ translateTime: 'HH:MM:ss', ignore: 'pid,hostname', destination: process.stdout }) } : {}),
    },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true },
    // Long-polls are held for `pollMs`; keep the socket open past them.
    keepAliveTimeout: 72_000,
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method, url: request.url, route: pageRouteOf(request) ?? request.routeOptions.url,
      status: reply.statusCode, ms: Math.round(reply.elapsedTime),
    }, 'request');
  });
  await app.register(pagebound, pageOptions);
  return app;
}
