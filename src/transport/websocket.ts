/**
 * The WebSocket transport (docs/protocol.md §5.1), on @fastify/websocket. The page id rides in the
 * Sec-WebSocket-Protocol list because browsers cannot set headers on a WebSocket; the upgrade is
 * refused for foreign origins before any frame is read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type {} from '@fastify/websocket';
import type { Runtime } from '../runtime.js';
import type { Connection } from './transport.js';
import { checkHello, handleFrame } from './inbound.js';
import { parseClientFrame } from '../protocol/frames.js';
import { CloseCode, WS_PATH, WS_SID_PREFIX, WS_SUBPROTOCOL } from '../protocol/constants.js';
import { originGuard, readSession } from '../session/session.js';
import type { PageInstance } from '../page/page-instance.js';

export function pageIdFromProtocols(header: string | undefined): string | undefined {
  for (const entry of (header ?? '').split(',')) {
    const token = entry.trim();
    if (token.startsWith(WS_SID_PREFIX)) return token.slice(WS_SID_PREFIX.length);
  }
  return undefined;
}

export function registerWebSocket(app: FastifyInstance, rt: Runtime): void {
  app.get(WS_PATH, {
    websocket: true,
    // Refused before the upgrade, so no frame from a foreign page is ever read.
    preValidation: originGuard(rt.options.allowedOrigins),
  }, (socket: WebSocket, request: FastifyRequest) => serve(rt, socket, request));
}

function serve(rt: Runtime, socket: WebSocket, request: FastifyRequest): void {
  // Only what is needed is kept from the upgrade request, not the request itself, for the socket's life.
  const sessionId = readSession(request);
  const pageId = pageIdFromProtocols(request.headers['sec-websocket-protocol']);
  const log = request.log;
  const { heartbeatMs, heartbeatTimeoutMs, connectTimeoutMs } = rt.options;
  let instance: PageInstance<any> | undefined;
  let lastHeard = Date.now();
  let paused = false;
  /** Set once the connection is finished with (refused, `bye`, closed): later frames in the same read are dropped. */
  let done = false;

  const conn: Connection = {
    kind: 'ws',
    send: (json) => {
      if (socket.readyState === socket.OPEN) socket.send(json);
    },
    close: (code, reason) => {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    },
  };
  rt.metrics.connectionOpened('ws');
  const refuse = (frame: object, code: number, reason: string) => {
    conn.send(JSON.stringify(frame));
    conn.close(code, reason);
  };

  // A client that never says hello gets nothing and is dropped.
  const helloTimer = setTimeout(() => conn.close(CloseCode.PROTOCOL, 'no hello'), connectTimeoutMs);
  const heartbeat = setInterval(() => {
    if (Date.now() - lastHeard > heartbeatTimeoutMs) {
      // Half-open: the peer is gone without a FIN. terminate() skips the closing handshake it would never answer.
      socket.terminate();
      return;
    }
    if (instance?.channel.connection === conn) instance.channel.heartbeat();
  }, Math.min(heartbeatMs, heartbeatTimeoutMs / 2));

  socket.on('message', (data, isBinary) => {
    if (done) return;
    // The host app's @fastify/websocket (reused by pagebound as a guest) may allow larger frames.
    if ((data as Buffer).length > rt.options.maxFrameBytes) return void ((done = true), conn.close(CloseCode.TOO_BIG, 'frame too large'));
    try {
      onMessage(data as Buffer, isBinary);
    } catch (err) {
      // Last resort: whatever a frame set off ends this connection only, never the process.
      done = true;
      log.error({ err }, 'websocket frame handling failed');
      socket.terminate();
    }
  });

  function onMessage(data: Buffer, isBinary: boolean): void {
    lastHeard = Date.now();
    let frame;
    try {
      frame = isBinary ? null : parseClientFrame(JSON.parse(data.toString()));
    } catch {
      frame = null;
    }
    if (!frame) {
      done = true;
      refuse({ t: 'refused', code: 'PB_ERR_PROTOCOL' }, CloseCode.PROTOCOL, 'malformed frame');
      return;
    }
    if (!instance) {
      if (frame.t !== 'hello') {
        done = true;
        refuse({ t: 'refused', code: 'PB_ERR_HELLO_REQUIRED' }, CloseCode.REFUSED, 'hello required');
        return;
      }
      clearTimeout(helloTimer);
      const outcome = checkHello(rt, pageId, sessionId, frame.ack);
      if (!outcome.ok) {
        done = true;
        refuse(outcome.frame, outcome.close, outcome.frame.t);
        return;
      }
      instance = outcome.instance;
      instance.attach(conn, frame.ack);
      return;
    }
    if (!handleFrame(instance, frame, conn)) {
      done = true;
      return;
    }
    if (frame.t === 'ev') rt.metrics.eventHandled();
    if (paused) return;
    const wait = instance.backpressure();
    if (wait) {
      // Stop reading the socket, so TCP pushes back on the client, until the page catches up.
      paused = true;
      socket.pause();
      void wait.then(() => {
        paused = false;
        if (socket.readyState === socket.OPEN) socket.resume();
      });
    }
  }

  socket.on('close', () => {
    done = true;
    clearTimeout(helloTimer);
    clearInterval(heartbeat);
    instance?.detach(conn);
    rt.metrics.connectionClosed('ws');
  });
  socket.on('error', (err) => log.debug({ err }, 'websocket error'));
}
