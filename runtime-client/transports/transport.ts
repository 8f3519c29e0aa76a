/**
 * What a connection needs from a transport (docs/protocol.md §5): carry one connection's encoded
 * frames both ways and report how it ended. Sequencing, resume and retries live above, in the
 * channel and the link, so WebSocket and HTTP are interchangeable mid-page. The codec
 * (src/protocol/codec.ts) is the only place frames become text and back.
 */
import type { Wire } from '../../src/protocol/codec.js';
import type { ServerFrame } from '../../src/protocol/frames.js';

export interface TransportEvents {
  /** Frames received, in order. May be empty: any answer proves the server is reachable. */
  frames(frames: ServerFrame[]): void;
  /** The connection ended (close code, or 1006 for a network failure). Called at most once. */
  close(code: number, reason: string): void;
  /** Last server sequence processed, for transports that carry it themselves (HTTP polls). */
  ack(): number;
}

export interface Transport {
  readonly kind: 'ws' | 'http';
  /** Whether every request carries the client's ack, making standalone `ack` frames redundant. */
  readonly carriesAcks: boolean;
  /** Connects and sends `hello{ack}`; `welcome` arrives through `frames`. */
  open(id: string, helloAck: number): void;
  /** Encoded frames, sent in order. */
  send(frames: Wire[]): void;
  /** Ends the connection without reporting back through `close`. */
  close(code?: number): void;
}

export type TransportFactory = (base: string, on: TransportEvents) => Transport;
