/**
 * What a connection needs from a transport (docs/protocol.md §5): carry one connection's frames both
 * ways and report how it ended. Sequencing, resume and retries live above, in the channel and the
 * link, so WebSocket and HTTP are interchangeable mid-page.
 */
import { PROTOCOL_VERSION } from '../../src/protocol/constants.js';
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
  /** Connects and sends `hello{ack}`; `welcome` arrives through `frames`. */
  open(id: string, helloAck: number): void;
  /** Encoded frames, sent in order. */
  send(frames: string[]): void;
  /** Ends the connection without reporting back through `close`. */
  close(code?: number): void;
}

export type TransportFactory = (base: string, on: TransportEvents) => Transport;

/** A dropped connection the client will resume; never a code the server reads as "done". */
export const CLIENT_DROP = 4000;
/** What a network failure looks like (a WebSocket's abnormal close). */
export const NETWORK = 1006;

const isFrame = (f: unknown): f is ServerFrame => {
  if (typeof f !== 'object' || f === null || typeof (f as { t?: unknown }).t !== 'string') return false;
  const s = (f as { s?: unknown }).s;
  return s === undefined || (Number.isSafeInteger(s) && (s as number) > 0);
};

/** Decodes one frame or an array of frames; null when anything is malformed (a protocol error). */
export function decode(text: string): ServerFrame[] | null {
  try {
    const v: unknown = JSON.parse(text);
    const list: unknown[] = Array.isArray(v) ? v : [v];
    return list.every(isFrame) ? list : null;
  } catch {
    return null;
  }
}

export const hello = (ack: number): string => JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, ack });
