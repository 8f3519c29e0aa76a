/**
 * The plain-HTTP transport (docs/protocol.md §5.2): frames go up by POST and come down by
 * long-poll, each request carrying the `SessionID` header and the session cookie. A poll names the
 * last server frame the client processed and gets everything after it, so a response lost on the
 * way is simply sent again by the next poll.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nanoid } from 'nanoid';
import type { Runtime } from '../runtime.js';
import type { Connection } from './transport.js';
import type { PageInstance } from '../page/page-instance.js';
import { checkHello, handleFrame } from './inbound.js';
import { parseClientFrame, type ClientFrame } from '../protocol/frames.js';
import { CloseCode, CONN_ID_HEADER, HTTP_POLL_PATH, HTTP_SEND_PATH, SESSION_ID_HEADER } from '../protocol/constants.js';
import { originGuard, readSession } from '../session/session.js';
import { PB_ERR_CONN_STALE, PB_ERR_FRAME_TOO_LARGE, PB_ERR_PROTOCOL, errorBody } from '../errors.js';

const SEQUENCED = /^\{"t":"(ev|re|sd)"/;

/** One HTTP "connection": a client's run of sends and polls between two hellos. */
class HttpConnection implements Connection {
  readonly kind = 'http' as const;
  readonly cid = nanoid();
  readonly instance: PageInstance<any>;
  closedWith: number | undefined;
  welcome: string | undefined;
  lastSeen = Date.now();
  #control: string[] = [];
  #wake: (() => void) | undefined;
  readonly #onClose: (c: HttpConnection) => void;

  constructor(instance: PageInstance<any>, onClose: (c: HttpConnection) => void) {
    this.instance = instance;
    this.#onClose = onClose;
  }

  get polling(): boolean {
    return this.#wake !== undefined;
  }

  send(json: string): void {
    if (json.startsWith('{"t":"welcome"')) this.welcome = json;
    else if (!SEQUENCED.test(json)) this.#control.push(json);
    this.#wake?.();
  }

  close(code: number): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = code;
    this.instance.detach(this);
    this.#onClose(this);
    this.#wake?.();
  }

  /** Ends a waiting poll now (its client went away). */
  interrupt(): void {
    this.#wake?.();
  }

  takeControl(): string[] {
    return this.#control.splice(0);
  }

  /** Frames for a poll whose client processed everything up to `a`: control frames, then the replay. */
  framesFor(a: number, maxBytes: number): string[] {
    return [...this.takeControl(), ...this.instance.channel.framesAfter(a, maxBytes)];
  }

  /** Resolves when there is something to send, the poll is superseded, or `ms` pass. */
  wait(ms: number): Promise<void> {
    this.#wake?.();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.#wake === done) self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}

const body = (frames: string[]) => `[${frames.join(',')}]`;

export function registerHttpTransport(app: FastifyInstance, rt: Runtime): void {
  const live = new Map<string, HttpConnection>();
  const { pollMs, pollMaxBytes, heartbeatTimeoutMs, maxFrameBytes } = rt.options;

  // An HTTP client has no socket to lose; it is gone when it stops polling.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const conn of live.values()) {
      if (!conn.polling && now - conn.lastSeen > heartbeatTimeoutMs) conn.close(CloseCode.NORMAL);
    }
  }, Math.min(1000, heartbeatTimeoutMs / 4));
  sweep.unref();
  // preClose, not onClose: the HTTP server's close waits for in-flight requests, and a held
  // long-poll is one, so shutdown would otherwise hang for up to pollMs.
  app.addHook('preClose', async () => {
    clearInterval(sweep);
    for (const conn of live.values()) conn.close(CloseCode.NORMAL);
  });

  /** The connection a request belongs to, after the origin, SessionID and cookie checks. */
  function connectionOf(request: FastifyRequest, reply: FastifyReply): HttpConnection | undefined {
    const conn = live.get(String(request.headers[CONN_ID_HEADER] ?? ''));
    if (!conn || conn.closedWith !== undefined || conn.instance.id !== request.headers[SESSION_ID_HEADER] ||
      conn.instance.sessionId !== readSession(request)) {
      void reply.code(409).send(errorBody(new PB_ERR_CONN_STALE()));
      return undefined;
    }
    return conn;
  }

  app.register(async (scope) => {
    scope.setErrorHandler((err, _request, reply) => {
      if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send(errorBody(new PB_ERR_FRAME_TOO_LARGE()));
      }
      return reply.send(err);
    });
    scope.addHook('preValidation', originGuard(rt.options.allowedOrigins));

    scope.post(HTTP_SEND_PATH, { bodyLimit: maxFrameBytes * 16 }, async (request, reply) => {
      const raw = Array.isArray(request.body) ? request.body : [];
      const frames = raw.map(parseClientFrame);
      if (frames.length === 0 || frames.some((f) => f === null)) {
        return reply.code(400).send(errorBody(new PB_ERR_PROTOCOL('the body must be a non-empty JSON array of frames')));
      }
      reply.type('application/json').header('cache-control', 'no-store');
      if (request.headers[CONN_ID_HEADER] === undefined) return hello(request, reply, frames as ClientFrame[]);

      const conn = connectionOf(request, reply);
      if (!conn) return reply;
      conn.lastSeen = Date.now();
      if (conn.instance.backpressure()) {
        // Nothing of this batch is accepted; the client resends it after a pause.
        return reply.code(429).send(body([JSON.stringify({ t: 'ack', a: conn.instance.channel.inLast })]));
      }
      for (const frame of frames as ClientFrame[]) {
        if (!handleFrame(conn.instance, frame, conn)) break;
        if (frame.t === 'ev') rt.metrics.eventHandled();
      }
      const closed = conn.closedWith;
      if (closed === CloseCode.MAILBOX_FULL) reply.code(429);
      else if (closed === CloseCode.PROTOCOL) reply.code(400);
      return reply.send(body([...conn.takeControl(), JSON.stringify({ t: 'ack', a: conn.instance.channel.inLast })]));
    });

    scope.post<{ Body: { a?: unknown } }>(HTTP_POLL_PATH, async (request, reply) => {
      const conn = connectionOf(request, reply);
      if (!conn) return reply;
      const a = Number.isSafeInteger(request.body?.a) ? (request.body!.a as number) : 0;
      conn.instance.channel.onAck(a);
      conn.lastSeen = Date.now();
      let frames = conn.framesFor(a, pollMaxBytes);
      if (frames.length === 0) {
        // Ends early if the client goes away, so a dead poll does not hold the connection open.
        const gone = () => conn.interrupt();
        request.raw.once('close', gone);
        await conn.wait(pollMs);
        request.raw.off('close', gone);
        frames = conn.framesFor(a, pollMaxBytes);
      }
      conn.lastSeen = Date.now();
      return reply.type('application/json').header('cache-control', 'no-store').send(body(frames));
    });
  });

  function hello(request: FastifyRequest, reply: FastifyReply, frames: ClientFrame[]) {
    const first = frames[0]!;
    if (first.t !== 'hello' || frames.length !== 1) {
      return reply.code(403).send(body([JSON.stringify({ t: 'refused', code: 'PB_ERR_HELLO_REQUIRED' })]));
    }
    const pageId = request.headers[SESSION_ID_HEADER];
    const outcome = checkHello(rt, typeof pageId === 'string' ? pageId : undefined, readSession(request), first.ack);
    if (!outcome.ok) {
      return reply.code(outcome.frame.t === 'expired' ? 410 : 403).send(body([JSON.stringify(outcome.frame)]));
    }
    const conn = new HttpConnection(outcome.instance, (c) => live.delete(c.cid) && rt.metrics.connectionClosed('http'));
    rt.metrics.connectionOpened('http');
    live.set(conn.cid, conn);
    outcome.instance.attach(conn, first.ack, { cid: conn.cid });
    // Replayed frames wait in the channel for the first poll; the welcome answers this request.
    return reply.send(body([conn.welcome!]));
  }
}
