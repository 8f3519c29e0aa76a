/**
 * What a transport gives the endpoint for one client connection: a way to hand it encoded frames and
 * to end it. WebSocket sends every frame at once; HTTP answers polls from the endpoint's replay
 * buffer, so it sends only control frames itself. Adding a transport (SSE, WebTransport) means one
 * file implementing this and passing test/unit/endpoint/transport.case.ts.
 */
import type { Wire } from '../protocol/codec.js';

export interface Connection {
  readonly kind: 'ws' | 'http';
  /** A control frame (`welcome`, `ack`, `hb`, `expired`, `refused`). */
  control(wire: Wire): void;
  /** A sequenced frame, which the endpoint also keeps for replay until acked. */
  sequenced(wire: Wire): void;
  /** Ends the connection with a close code (docs/protocol.md §4.5). */
  close(code: number, reason: string): void;
  /** Ends it at once, with no closing handshake: the peer is gone or must not be waited for. */
  drop(): void;
  /** Bytes handed to the connection that have not left the process yet. */
  readonly bufferedBytes: number;
  /** Whether the endpoint must send heartbeats; an HTTP poll's answer proves liveness by itself. */
  readonly wantsHeartbeat: boolean;
  /** Whether every answer already carries the ack (HTTP sends are answered with one), so no standalone `ack` is sent. */
  readonly carriesAcks: boolean;
  /** True while the peer is demonstrably there (an HTTP long-poll is held open). */
  readonly present: boolean;
  /**
   * Whether the connection pins server resources for a live client right now (an open WebSocket, a
   * waiting long-poll). A page whose connection does not is idle, and may be evicted under load.
   */
  readonly holds: boolean;
}
