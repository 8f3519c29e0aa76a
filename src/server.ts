/**
 * A ready-made Fastify server with pagebound registered: what the CLI runs and what tests start.
 * The HTTP server's own limits live here, because only the code that creates the server can set
 * them: how long a request may take to arrive, how long a socket may sit silent, what a broken URL gets.
 * It owns the log format too: pretty in dev on a terminal, JSON lines otherwise, and one line per
 * request naming its route (the page's pattern, `/users/:id`, not the URL) instead of Fastify's two.
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { pagebound, pageRouteOf } from './app.js';
import { parseTrustProxy, type PageboundOptions, type TrustProxy } from './config.js';
export { parseTrustProxy, type TrustProxy } from './config.js';
import { PB_ERR_BAD_URL, PB_ERR_CONFIG, PB_ERR_INTERNAL, errorBody } from './errors.js';
import { Defaults } from './protocol/constants.js';
import { renderError } from './render/render-page.js';
import { plainErrorHtml } from './render/error-page.js';
import { setSecurityHeaders } from './render/security-headers.js';


export interface ServerOptions extends PageboundOptions {
  /** Fastify's logger option. Default: info level; pretty (pino-pretty) when `prettyLogs`, else JSON lines. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Trust `X-Forwarded-For/-Proto/-Host` from a proxy in front: then the forwarded proto decides the
   * cookie's `Secure` and the origin check, and the forwarded address the per-address limits.
   * Default `PAGEBOUND_TRUST_PROXY`, else false.
   */
  trustProxy?: TrustProxy;
  /** Most time a request's headers and body may take to arrive; slower ones get 408 and are closed, ms. Default 30000. */
  requestTimeoutMs?: number;
  /** A socket silent this long is closed, ms. Longer than a long-poll (`pollMs`) and the keep-alive. Default 90000. */
  connectionTimeoutMs?: number;
  /** Human-readable logs. Default: in dev when stdout is a terminal. */
  prettyLogs?: boolean;
}

/** Idle keep-alive sockets outlive the 60 s idle timeout of common load balancers, so they close first. */
const KEEP_ALIVE_MS = 72_000;

function positiveMs(name: string, v: number | undefined, fallback: number): number {
  const ms = v ?? fallback;
  if (!Number.isFinite(ms) || ms <= 0) throw new PB_ERR_CONFIG(`${name} must be a positive number`);
  return ms;
}

/**
 * What Fastify's router answers itself (a broken percent-encoding, an over-long parameter): the
 * pagebound error page, with its headers, and never the URL echoed back.
 */
function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const rt = (request.server as FastifyInstance | undefined)?.pagebound;
  const err = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new PB_ERR_BAD_URL() : error;
  if (rt) return renderError(rt, request, reply, err, '(bad url)');
  const status = (err as { statusCode?: number }).statusCode ?? 500;
  setSecurityHeaders(reply, true);
  void reply.code(status).type('text/html; charset=utf-8').send(plainErrorHtml(status));
}

/** Whether the logger writes info lines (Fastify's `logger: false` logger is silent). */
function logsRequests(log: FastifyInstance['log']): boolean {
  const pinoLike = log as { isLevelEnabled?: (level: string) => boolean; level?: string };
  return pinoLike.isLevelEnabled ? pinoLike.isLevelEnabled('info') : pinoLike.level !== undefined && pinoLike.level !== 'silent';
}

export async function createServer(opts: ServerOptions = {}): Promise<FastifyInstance> {
  const { logger, trustProxy, prettyLogs, requestTimeoutMs, connectionTimeoutMs, ...pageOptions } = opts;
  const dev = pageOptions.dev ?? process.env.NODE_ENV !== 'production';
  const pretty = prettyLogs ?? (dev && process.stdout.isTTY === true);
  const requestTimeout = positiveMs('requestTimeoutMs', requestTimeoutMs, 30_000);
  const connectionTimeout = positiveMs('connectionTimeoutMs', connectionTimeoutMs, 90_000);
  if (connectionTimeout <= (pageOptions.pollMs ?? Defaults.pollMs)) {
    // A held long-poll is a silent socket: a shorter idle limit would cut every one of them.
    throw new PB_ERR_CONFIG('connectionTimeoutMs must be larger than pollMs');
  }
  const app = Fastify({
    logger: logger ?? {
      level: 'info',
      // A stream in this thread rather than a pino transport: nothing to resolve from the app's folder.
      ...(pretty ? { stream: (await import('pino-pretty')).default({ translateTime: 'HH:MM:ss', ignore: 'pid,hostname', destination: process.stdout }) } : {}),
    },
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify types leave out the hop count that it (proxy-addr) accepts.
    trustProxy: (trustProxy ?? parseTrustProxy(process.env.PAGEBOUND_TRUST_PROXY) ?? false) as boolean,
    routerOptions: { ignoreTrailingSlash: true },
    keepAliveTimeout: KEEP_ALIVE_MS,
    // Socket idle time: a held long-poll (`pollMs`) and a kept-alive socket are silent too.
    connectionTimeout,
    // Time for a whole request to arrive: a body sent a byte at a time ends here (408), not never.
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 60_000),
      // Node checks request deadlines on this beat (30 s by default): a late cut holds the socket longer.
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    frameworkErrors: frameworkError,
  });
  if (!dev) app.setErrorHandler(withoutInternals);
  // Only when the line would be written: a hook per request is not free.
  if (logsRequests(app.log)) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info({
        method: request.method, url: request.url, route: pageRouteOf(request) ?? request.routeOptions.url,
        status: reply.statusCode, ms: Math.round(reply.elapsedTime),
      }, 'request');
      done();
    });
  }
  await app.register(pagebound, pageOptions);
  return app;
}

/**
 * The last error handler in production, for every route of the server (pagebound's endpoints and
 * the host's own): a 5xx is logged in full and answered with a generic body, because an
 * exception's message may carry a secret (a connection string, a path, a token). Scopes with
 * their own handler end here when they pass an error on.
 */
function withoutInternals(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status < 500) return reply.code(status).send(errorBody(err));
  request.log.error({ err }, 'request failed');
  return reply.code(status).send(errorBody(new PB_ERR_INTERNAL()));
}
