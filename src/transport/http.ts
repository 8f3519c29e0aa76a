/**
 * The plain-HTTP transport (docs/protocol.md §5.2), a thin adapter like the WebSocket one: frames
 * go up by POST and come down by long-poll, each request carrying the `SessionID` header and the
 * session cookie. A poll names the last server frame the client processed and gets everything after
 * it from the endpoint's replay buffer, so a response lost on the way is simply sent again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nanoid } from 'nanoid';
import type { Runtime } from '../runtime.js';
import type { Connection } from '../endpoint/connection.js';
import type { PageEndpoint } from '../endpoint/page-endpoint.js';
import { decodeClientBatch, decodePoll, encode, encodeBatch, type Wire } from '../protocol/codec.js';
import { CloseCode, CONN_ID_HEADER, Defaults, HTTP_POLL_PATH, HTTP_SEND_PATH, SESSION_ID_HEADER } from '../protocol/constants.js';
import type { ClientFrame } from '../protocol/frames.js';
import { isFinal, Refusals, type RefusalCode } from '../protocol/refusals.js';
import { originGuard, readSession } from '../session/session.js';
import { PB_ERR_CONN_STALE, PB_ERR_FRAME_TOO_LARGE, PB_ERR_PROTOCOL, errorBody } from '../errors.js';

/** Control frames an HTTP connection holds for its next answer; more than this is a client not polling. */
const MAX_CONTROL = 16;
/** Longest a send waits for the disk to take upload bytes before refusing more with 429. */
const STREAM_WAIT_MS = 5_000;

/** Resolves when `wait` does, or after STREAM_WAIT_MS. */
function waitBriefly(wait: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([wait, new Promise<void>((resolve) => (timer = setTimeout(resolve, STREAM_WAIT_MS)))]).finally(() => clearTimeout(timer));
}

/** One HTTP "connection": a client's run of sends and polls between two hellos. */
class HttpConnection implements Connection {
  readonly kind = 'http' as const;
  readonly wantsHeartbeat = false;
  readonly carriesAcks = true;
  readonly bufferedBytes = 0;
  readonly cid = nanoid();
  readonly endpoint: PageEndpoint;
  closedWith: number | undefined;
  #control: Wire[] = [];
  #wake: (() => void) | undefined;
  readonly #forget: (c: HttpConnection) => void;

  constructor(endpoint: PageEndpoint, forget: (c: HttpConnection) => void) {
    this.endpoint = endpoint;
    this.#forget = forget;
  }

  /** A held long-poll shows the client is there. */
  get present(): boolean {
    return this.#wake !== undefined;
  }

  /** Held only while a long-poll waits: a client that said hello and never polls pins nothing. */
  get holds(): boolean {
    return this.#wake !== undefined;
  }

  control(wire: Wire): void {
    if (this.#control.length < MAX_CONTROL) this.#control.push(wire);
    this.#wake?.();
  }

  sequenced(): void {
    // Polls read the endpoint's replay buffer; this only ends a waiting poll.
    this.#wake?.();
  }

  close(code: number): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = code;
    this.endpoint.detach(this);
    this.#forget(this);
    this.#wake?.();
  }

  drop(): void {
    this.close(CloseCode.DROPPED);
  }

  /** Ends a waiting poll now (its client went away). */
  interrupt(): void {
    this.#wake?.();
  }

  takeControl(): Wire[] {
    return this.#control.splice(0);
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

export function registerHttpTransport(app: FastifyInstance, rt: Runtime): void {
  const live = new Map<string, HttpConnection>();
  const { pollMs, pollMaxBytes, maxFrameBytes } = rt.options;
  const maxBatch = Defaults.maxBatchFrames;

  // preClose, not onClose: the HTTP server's close waits for in-flight requests, and a held
  // long-poll is one, so shutdown would otherwise hang for up to pollMs.
  app.addHook('preClose', async () => {
    for (const conn of live.values()) conn.close(CloseCode.NORMAL);
  });

  /** The connection a request belongs to, after the origin, SessionID and cookie checks. */
  function connectionOf(request: FastifyRequest, reply: FastifyReply): HttpConnection | undefined {
    const conn = live.get(String(request.headers[CONN_ID_HEADER] ?? ''));
    if (!conn || conn.closedWith !== undefined || conn.endpoint.page.id !== request.headers[SESSION_ID_HEADER] ||
      conn.endpoint.page.sessionId !== readSession(request)) {
      void reply.code(409).send(errorBody(new PB_ERR_CONN_STALE()));
      return undefined;
    }
    return conn;
  }

  const answer = (reply: FastifyReply, frames: Wire[], code?: RefusalCode) => {
    if (code) reply.code(Refusals[code].status || 400);
    return reply.type('application/json').header('cache-control', 'no-store').send(encodeBatch(frames));
  };

  app.register(async (scope) => {
    // The codec decodes bodies, so it gets the text: no JSON parser runs before it.
    scope.removeAllContentTypeParsers();
    // A body holds at most `maxBatchFrames` frames of at most `maxFrameBytes` each, and 16 frames' worth in all.
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxFrameBytes * 16 }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err, _request, reply) => {
      if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send(errorBody(new PB_ERR_FRAME_TOO_LARGE()));
      }
      return reply.send(err);
    });
    scope.addHook('preValidation', originGuard(rt.options.allowedOrigins));

    scope.post(HTTP_SEND_PATH, async (request, reply) => {
      const decoded = decodeClientBatch(typeof request.body === 'string' ? request.body : '', maxFrameBytes, maxBatch);
      if (!decoded.ok) {
        const err = decoded.code === 'PB_ERR_FRAME_TOO_LARGE' ? new PB_ERR_FRAME_TOO_LARGE() : new PB_ERR_PROTOCOL();
        return reply.code(err.statusCode).send(errorBody(err));
      }
      if (request.headers[CONN_ID_HEADER] === undefined) return hello(request, reply, decoded.frames.map((f) => f.frame));

      const conn = connectionOf(request, reply);
      if (!conn) return reply;
      const endpoint = conn.endpoint;
      for (const { frame, bytes } of decoded.frames) {
        // Upload bytes wait a little for the disk to take those before them: the client has one
        // send in flight, so holding its answer back is backpressure, where a 429 would cost it a
        // reconnect. Disk writes take milliseconds; a page that does not read its stream may never
        // take `sd` bytes, so those are refused at once as before.
        const wait = frame.t === 'up' ? endpoint.streamPressure() : undefined;
        if (wait) await waitBriefly(wait);
        const taken = endpoint.take(conn, frame, false, bytes);
        if (taken.ok) continue;
        if (taken.code === 'closed') break;
        if (taken.code === 'PB_ERR_MAILBOX_FULL' || taken.code === 'PB_ERR_STREAM_FULL') {
          // What was accepted is acked; the client resends the rest after a pause.
          return answer(reply, [...conn.takeControl(), endpoint.ackFrame()], taken.code);
        }
        conn.close(Refusals[taken.code].close);
        // The status alone tells the client what to do (reconnect with backoff); no `refused` frame,
        // which would end the page.
        return answer(reply, isFinal(taken.code) ? [encode({ t: 'refused', code: taken.code })] : [], taken.code);
      }
      return answer(reply, [...conn.takeControl(), endpoint.ackFrame()]);
    });

    scope.post(HTTP_POLL_PATH, async (request, reply) => {
      const conn = connectionOf(request, reply);
      if (!conn) return reply;
      const a = decodePoll(typeof request.body === 'string' ? request.body : '');
      let frames = [...conn.takeControl(), ...conn.endpoint.poll(a, pollMaxBytes)];
      if (frames.length === 0) {
        // Ends early if the client goes away, so a dead poll does not hold the connection open.
        const gone = () => conn.interrupt();
        request.raw.once('close', gone);
        await conn.wait(pollMs);
        request.raw.off('close', gone);
        frames = [...conn.takeControl(), ...conn.endpoint.poll(a, pollMaxBytes)];
      }
      return answer(reply, frames);
    });
  });

  async function hello(request: FastifyRequest, reply: FastifyReply, frames: ClientFrame[]) {
    const first = frames[0]!;
    if (first.t !== 'hello' || frames.length !== 1) {
      return answer(reply, [encode({ t: 'refused', code: 'PB_ERR_HELLO_REQUIRED' })], 'PB_ERR_HELLO_REQUIRED');
    }
    const header = request.headers[SESSION_ID_HEADER];
    const pageId = typeof header === 'string' ? header : undefined;
    // Not here: a durable page another node held may be claimed (docs/protocol.md §7.4).
    const page = pageId ? rt.registry.get(pageId) ?? await rt.durable.claim(pageId, readSession(request), request.ip) : undefined;
    const outcome = rt.endpoints.hello(page, pageId, readSession(request), first.ack);
    if (!outcome.ok) return answer(reply, [outcome.frame], outcome.code);
    const conn = new HttpConnection(outcome.endpoint, (c) => live.delete(c.cid) && rt.metrics.connectionClosed('http'));
    rt.metrics.connectionOpened('http');
    live.set(conn.cid, conn);
    outcome.endpoint.attach(conn, first.ack, { cid: conn.cid });
    // Replayed frames wait in the endpoint for the first poll; the welcome answers this request.
    return answer(reply, conn.takeControl());
  }
}
