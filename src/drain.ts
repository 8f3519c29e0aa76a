/**
 * Graceful drain (SIGTERM), so a node can leave a load balancer without cutting anyone off mid-event:
 *
 * 1. The health endpoint answers 503 and the node takes no new work: page renders, WebSocket
 *    upgrades, HTTP `hello`s and `open`s get 503 `PB_ERR_DRAINING` with `Retry-After`, which the
 *    shipped HAProxy config retries on another node. Connections already attached go on.
 * 2. It waits for the balancer to notice: until its health check has been answered 503
 *    `HEALTH_FAILS_TO_LEAVE` times (the shipped config marks a node down after 2), so the clients
 *    told to reconnect next land on another node. A node no balancer checked in the last 10 s skips
 *    this; a balancer that goes quiet costs at most half of `drainTimeoutMs`.
 * 3. It tells every connected client to reconnect elsewhere: WebSocket close 1012 ("service
 *    restart"), HTTP connections ended so their next poll gets 409 — both make the runtime reconnect.
 * 4. It waits for each page's running mailbox task to finish.
 *
 * The caller then closes the app. The whole drain is bounded by `drainTimeoutMs`.
 * A page that is not durable cannot move: its reconnect reaches a node that answers `expired`, and
 * the tab reloads once.
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedOptions } from './config.js';
import type { Registry } from './page/registry.js';
import type { Endpoints } from './endpoint/endpoints.js';
import { BASE_PATH, CONN_ID_HEADER, HTTP_SEND_PATH, OPEN_PATH, WS_PATH } from './protocol/constants.js';
import { Refusals } from './protocol/refusals.js';
import { PB_ERR_DRAINING, errorBody } from './errors.js';

/** The load balancer's health check: 200 while serving, 503 while draining. */
export const HEALTH_PATH = `${BASE_PATH}/health`;
/** WebSocket close code 1012, "service restart" (RFC 6455 §7.4 via the IANA registry): reconnect. */
export const SERVICE_RESTART = Refusals.PB_ERR_DRAINING.close;
/** 503 health answers after which a balancer has taken the node out (HAProxy `fall 2` in deploy/). */
export const HEALTH_FAILS_TO_LEAVE = 2;
/** A node health-checked this recently is behind a balancer, which step 2 waits for. */
const RECENT_CHECK_MS = 10_000;

export type DrainOutcome = 'done' | 'timeout';

export interface Drain {
  readonly draining: boolean;
  /**
   * The onRequest hook that refuses new work while draining. It goes in pagebound's own scope after
   * the websocket plugin, whose own onRequest hook must mark an upgrade first: a refused upgrade's
   * socket is then closed after the answer instead of holding the server's close.
   */
  readonly guard: onRequestAsyncHookHandler;
  /** Starts the drain (once; later calls get the same promise) and resolves when it is over. */
  start(): Promise<DrainOutcome>;
}

export interface DrainParts {
  options: Pick<ResolvedOptions, 'drainTimeoutMs'>;
  registry: Registry;
  endpoints: Endpoints;
  /** pagebound's prefix in the host app: its routes are `${prefix}/*`, `${prefix}/_pagebound/ws`, … */
  prefix: string;
  log: FastifyBaseLogger;
}

export function registerDrain(app: FastifyInstance, rt: DrainParts): Drain {
  let draining = false;
  let lastCheck = -Infinity;
  let fails = 0;
  let sawFails: (() => void) | undefined;
  let running: Promise<DrainOutcome> | undefined;

  app.get(HEALTH_PATH, (_request, reply) => {
    lastCheck = Date.now();
    reply.header('cache-control', 'no-store');
    if (!draining) return reply.send({ status: 'ok' });
    if (++fails >= HEALTH_FAILS_TO_LEAVE) sawFails?.();
    return reply.code(503).send({ status: 'draining' });
  });

  const run = async (): Promise<DrainOutcome> => {
    draining = true;
    rt.log.info({ pages: rt.registry.size }, 'draining: health answers 503, no new pages');
    const started = Date.now();
    const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
      });
      return Promise.race([p, late]).finally(() => clearTimeout(timer));
    };
    let outcome: DrainOutcome = 'done';

    if (Date.now() - lastCheck < RECENT_CHECK_MS) {
      // Half the budget at most: the steps below must still run if the balancer went quiet.
      const left = new Promise<void>((resolve) => {
        sawFails = resolve;
        if (fails >= HEALTH_FAILS_TO_LEAVE) resolve();
      });
      if ((await within(left, rt.options.drainTimeoutMs / 2)) === 'timeout') outcome = 'timeout';
    }

    const pages = rt.registry.all();
    for (const page of pages) rt.endpoints.of(page)?.connection?.close(SERVICE_RESTART, 'service restart');
    const budget = rt.options.drainTimeoutMs - (Date.now() - started);
    if ((await within(Promise.all(pages.map((page) => page.settled())), budget)) === 'timeout') outcome = 'timeout';
    rt.log.info({ pages: pages.length }, outcome === 'timeout' ? 'drain timed out' : 'drained');
    return outcome;
  };

  const guard: onRequestAsyncHookHandler = async (request, reply) => {
    if (!draining) return;
    const route = request.routeOptions.url;
    const p = rt.prefix;
    const newWork =
      route === p + '/*' || route === (p || '/') || // a page render: the catch-alls in app.ts
      route === p + WS_PATH ||
      route === p + OPEN_PATH ||
      (route === p + HTTP_SEND_PATH && request.headers[CONN_ID_HEADER] === undefined);
    if (!newWork) return;
    await reply.code(503).header('retry-after', '1').header('connection', 'close').send(errorBody(new PB_ERR_DRAINING()));
  };

  return {
    guard,
    get draining() {
      return draining;
    },
    start() {
      running ??= run();
      return running;
    },
  };
}

/**
 * What SIGTERM does: drain, then close the app. Resolves with the exit code — 0, or 1 when the drain
 * ran out of time; a close that hangs past `drainTimeoutMs` more is cut short the same way.
 */
export async function drainThenClose(app: FastifyInstance): Promise<number> {
  const { drain, options } = app.pagebound;
  const outcome = await drain.start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<'stuck'>((resolve) => {
    timer = setTimeout(() => resolve('stuck'), options.drainTimeoutMs);
  });
  const closed = await Promise.race([app.close().then(() => 'closed' as const), stuck]);
  clearTimeout(timer);
  return outcome === 'done' && closed === 'closed' ? 0 : 1;
}
