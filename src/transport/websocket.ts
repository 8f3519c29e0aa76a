/**
 * The WebSocket transport (docs/protocol.md §5.1), on @fastify/websocket: a thin adapter between a
 * socket and the page endpoint. The page id rides in the Sec-WebSocket-Protocol list because
 * browsers cannot set headers on a WebSocket; the upgrade is refused for foreign origins before any
 * frame is read. It stops reading the socket when the page falls behind, so TCP pushes back.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type {} from '@fastify/websocket';
import type { Runtime } from '../runtime.js';
import type { Connection } from '../endpoint/connection.js';
import type { PageEndpoint } from '../endpoint/page-endpoint.js';
import type { PageActor } from '../page/outlet.js';
import { decodeClient, encode, type Wire } from '../protocol/codec.js';
import { CloseCode, WS_PATH, WS_SID_PREFIX } from '../protocol/constants.js';
import { isFinal, Refusals, type RefusalCode } from '../protocol/refusals.js';
import { originGuard, readSession } from '../session/session.js';

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
  }, (socket: WebSocket, request: FastifyRequest) => {
    // @fastify/websocket's own error listener closes over the upgrade request and reply, keeping
    // both alive for the socket's life (a few KiB per connected page). WsConnection handles errors
    // itself, and keeps only the strings it needs from the request.
    socket.removeAllListeners('error');
    // The upgraded TCP socket still points at the HTTP response it came in with; that response holds
    // the request, Fastify's request and reply. Nothing answers on it any more.
    const tcp = (socket as unknown as { _socket?: { _httpMessage?: unknown } })._socket;
    if (tcp) tcp._httpMessage = null;
    new WsConnection(rt, socket, readSession(request), pageIdFromProtocols(request.headers['sec-websocket-protocol']), request.log, request.ip);
  });
}

/** Most frames held while a claim runs; a client that waits for `welcome` sends none. */
const MAX_WAITING = 16;

class WsConnection implements Connection {
  readonly kind = 'ws' as const;
  readonly wantsHeartbeat = true;
  readonly carriesAcks = false;
  readonly present = false;
  readonly holds = true;
  readonly #socket: WebSocket;
  readonly #rt: Runtime;
  readonly #sessionId: string | undefined;
  readonly #pageId: string | undefined;
  readonly #log: FastifyBaseLogger;
  #endpoint: PageEndpoint | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the connection is finished with: later frames in the same read are dropped. */
  #done = false;
  #paused = false;
  #corked = false;
  readonly #address: string;
  /**
   * Frames that came while a durable page is being claimed after the hello (a client waits for
   * `welcome`, so only a few, if any); taken in order once it is attached.
   */
  #waiting: Array<[Buffer, boolean]> | undefined;

  constructor(rt: Runtime, socket: WebSocket, sessionId: string | undefined, pageId: string | undefined, log: FastifyBaseLogger, address = '') {
    this.#rt = rt;
    this.#address = address;
    this.#socket = socket;
    this.#sessionId = sessionId;
    this.#pageId = pageId;
    this.#log = log;
    rt.metrics.connectionOpened('ws');
    // A client that never says hello gets nothing and is dropped.
    this.#helloTimer = setTimeout(() => this.close(CloseCode.PROTOCOL, 'no hello'), rt.options.connectTimeoutMs);
    socket.on('message', (data, isBinary) => {
      if (this.#done) return;
      try {
        this.#onMessage(data as Buffer, isBinary);
      } catch (err) {
        // Last resort: whatever a frame set off ends this connection only, never the process.
        this.#done = true;
        this.#log.error({ err }, 'websocket frame handling failed');
        this.drop();
      }
    });
    socket.on('close', () => {
      rt.metrics.connectionClosed('ws');
      this.#done = true;
      clearTimeout(this.#helloTimer);
      this.#endpoint?.detach(this);
    });
    socket.on('error', (err) => this.#log.debug({ err }, 'websocket error'));
  }

  get bufferedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  control(wire: Wire): void {
    this.#write(wire);
  }

  sequenced(wire: Wire): void {
    this.#write(wire);
  }

  /**
   * Frames sent in one turn of the event loop (a reply with its redraw, a burst of pushes) leave in
   * one write: the TCP socket is corked until the turn ends, instead of one syscall per frame.
   */
  #write(wire: Wire): void {
    const s = this.#socket;
    if (s.readyState !== s.OPEN) return;
    const tcp = (s as unknown as { _socket?: Socket })._socket;
    if (tcp && !this.#corked) {
      this.#corked = true;
      tcp.cork();
      process.nextTick(() => {
        this.#corked = false;
        tcp.uncork();
      });
    }
    s.send(wire);
  }

  close(code: number, reason: string): void {
    this.#done = true;
    const s = this.#socket;
    if (s.readyState === s.OPEN || s.readyState === s.CONNECTING) s.close(code, reason);
  }

  drop(): void {
    this.#done = true;
    this.#socket.terminate();
  }

  /** Answers a hello for `page` (undefined: no such page here), then takes what waited for it. */
  #greet(page: PageActor | undefined, ack: number): void {
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    if (this.#done) return;
    const hello = this.#rt.endpoints.hello(page, this.#pageId, this.#sessionId, ack);
    if (!hello.ok) return this.#refuse(hello.code, hello.frame);
    this.#endpoint = hello.endpoint;
    hello.endpoint.attach(this, ack);
    for (const [data, isBinary] of waiting) if (!this.#done) this.#onMessage(data, isBinary);
  }

  #refuse(code: RefusalCode, frame?: Wire): void {
    this.#done = true;
    if (frame || isFinal(code)) this.control(frame ?? encode({ t: 'refused', code }));
    this.close(Refusals[code].close || CloseCode.PROTOCOL, code);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#waiting) {
      if (this.#waiting.length >= MAX_WAITING) return this.#refuse('PB_ERR_PROTOCOL');
      this.#waiting.push([data, isBinary]);
      return;
    }
    const decoded = isBinary ? null : decodeClient(data.toString(), this.#rt.options.maxFrameBytes);
    if (!decoded || !decoded.ok) {
      this.#refuse(decoded ? decoded.code : 'PB_ERR_PROTOCOL');
      return;
    }
    const frame = decoded.frame;
    const endpoint = this.#endpoint;
    if (!endpoint) {
      if (frame.t !== 'hello') return this.#refuse('PB_ERR_HELLO_REQUIRED');
      clearTimeout(this.#helloTimer);
      this.#helloTimer = undefined;
      const page = this.#pageId ? this.#rt.registry.get(this.#pageId) : undefined;
      if (!page && this.#pageId) {
        // Not here: a durable page another node held may be claimed (docs/protocol.md §7.4).
        this.#waiting = [];
        void this.#rt.durable.claim(this.#pageId, this.#sessionId, this.#address).then(
          (claimed) => this.#greet(claimed, frame.ack),
          (err) => {
            this.#log.error({ err }, 'durable claim failed');
            this.#greet(undefined, frame.ack);
          },
        );
        return;
      }
      return this.#greet(page, frame.ack);
    }
    const taken = endpoint.take(this, frame, true, decoded.bytes);
    if (!taken.ok) {
      this.#done = true;
      if (taken.code !== 'closed') endpoint.refuse(this, taken.code);
      return;
    }
    if (this.#paused) return;
    const wait = endpoint.pressure();
    if (wait) {
      // Stop reading the socket, so TCP pushes back on the client, until the page catches up.
      this.#paused = true;
      this.#socket.pause();
      void wait.then(() => {
        this.#paused = false;
        if (this.#socket.readyState === this.#socket.OPEN) this.#socket.resume();
      });
    }
  }
}
