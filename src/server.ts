/**
 * A ready-made Fastify server with pagebound registered: what the CLI runs and what tests start.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { pagebound } from './app.js';
import type { PageboundOptions } from './config.js';

export interface ServerOptions extends PageboundOptions {
  /** Fastify's logger option. Default: info level in dev, warn in production. */
  logger?: FastifyServerOptions['logger'];
  /** Trust X-Forwarded-* from a proxy in front. Default false. */
  trustProxy?: boolean;
}

export async function createServer(opts: ServerOptions = {}): Promise<FastifyInstance> {
  const { logger, trustProxy, ...pageOptions } = opts;
  const dev = pageOptions.dev ?? process.env.NODE_ENV !== 'production';
  const app = Fastify({
    logger: logger ?? { level: dev ? 'info' : 'warn' },
    trustProxy: trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true },
    // Long-polls are held for `pollMs`; keep the socket open past them.
    keepAliveTimeout: 72_000,
  });
  await app.register(pagebound, pageOptions);
  return app;
}
