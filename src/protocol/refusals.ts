/**
 * The one refusal table: every `PB_ERR_*` code a live connection can meet, with its HTTP status, its
 * WebSocket close code and what the browser runtime does about it. Both transports and the runtime
 * read it; `src/errors.ts` builds its error classes from it; a test keeps docs/errors.md equal to it.
 * No `node:*` imports. Messages sit in their own table so the runtime bundle can leave them out.
 */

import { CloseCode } from './constants.js';

/**
 * What the runtime does when a connection ends this way:
 * `reconnect` at once with backoff reset when the connection was healthy; `backoff` reconnect, but
 * the server pushed back so backoff restarts only after a stable connection; `expire` end the socket
 * and fire `expired`; `end` end the socket quietly; `fail` the request failed, nothing to resume.
 */
export type Reaction = 'reconnect' | 'backoff' | 'expire' | 'end' | 'fail';

export interface Refusal {
  /** HTTP status of an HTTP-transport or endpoint answer. */
  readonly status: number;
  /** WebSocket close code, or 0 when this refusal never closes a WebSocket. */
  readonly close: number;
  readonly reaction: Reaction;
}

export const Refusals = {
  PB_ERR_ORIGIN: { status: 403, close: 0, reaction: 'fail' },
  // Answered on the wire exactly as PB_ERR_PAGE_EXPIRED: a prober cannot tell "not yours" from "no such page".
  PB_ERR_SESSION_MISMATCH: { status: 410, close: CloseCode.EXPIRED, reaction: 'expire' },
  PB_ERR_PAGE_EXPIRED: { status: 410, close: CloseCode.EXPIRED, reaction: 'expire' },
  PB_ERR_HELLO_REQUIRED: { status: 403, close: CloseCode.REFUSED, reaction: 'expire' },
  PB_ERR_PROTOCOL: { status: 400, close: CloseCode.PROTOCOL, reaction: 'backoff' },
  PB_ERR_FRAME_TOO_LARGE: { status: 413, close: CloseCode.TOO_BIG, reaction: 'backoff' },
  PB_ERR_MAILBOX_FULL: { status: 429, close: CloseCode.MAILBOX_FULL, reaction: 'backoff' },
  PB_ERR_STREAM_FULL: { status: 429, close: CloseCode.MAILBOX_FULL, reaction: 'backoff' },
  PB_ERR_SLOW_READER: { status: 0, close: CloseCode.DROPPED, reaction: 'reconnect' },
  PB_ERR_CONN_REPLACED: { status: 0, close: CloseCode.REPLACED, reaction: 'end' },
  PB_ERR_CONN_STALE: { status: 409, close: 0, reaction: 'reconnect' },
  PB_ERR_TOO_MANY_PAGES: { status: 503, close: 0, reaction: 'fail' },
  PB_ERR_DRAINING: { status: 503, close: CloseCode.SERVICE_RESTART, reaction: 'reconnect' },
} as const satisfies Record<string, Refusal>;

export type RefusalCode = keyof typeof Refusals;

/** What each refusal tells a person: what happened and what to do. Never client input. */
export const RefusalMessages: Record<RefusalCode, string> = {
  PB_ERR_ORIGIN: 'The request Origin is not this site. Add it to `allowedOrigins` if it is trusted.',
  PB_ERR_SESSION_MISMATCH: 'This page belongs to another browser session. Reload the page.',
  PB_ERR_PAGE_EXPIRED: 'This page instance no longer exists on the server. Reload the page.',
  PB_ERR_HELLO_REQUIRED: 'The first frame of a connection must be `hello` (docs/protocol.md §3).',
  PB_ERR_PROTOCOL: 'Malformed frame or sequence gap (docs/protocol.md §2). The official runtime never sends one.',
  PB_ERR_FRAME_TOO_LARGE: 'A frame is larger than `maxFrameBytes`, or a request carries too many frames. Send smaller events or raise the limit.',
  PB_ERR_MAILBOX_FULL: 'The page has too many events waiting (`maxMailbox`). The client will resend after a pause.',
  PB_ERR_STREAM_FULL: 'The page has not read the stream bytes it was sent (`maxStreamBytes`). The client will resend after a pause.',
  PB_ERR_SLOW_READER: 'The client did not read what the server sent (`maxBufferedBytes`); the connection was dropped and will resume.',
  PB_ERR_CONN_REPLACED: 'A newer connection of the same page took over this one.',
  PB_ERR_CONN_STALE: 'This HTTP connection was replaced by a newer one. Send `hello` again.',
  PB_ERR_TOO_MANY_PAGES: 'The server holds `maxInstances` live pages already. Try again later.',
  PB_ERR_DRAINING: 'This server is shutting down and takes no new pages or connections. Retry: another server will answer.',
};

/**
 * Whether a refusal ends the page for the client (it is sent a `refused` frame before the close).
 * The others only end the connection: the client reconnects and resends, so they carry no frame
 * (a `refused` frame ends the socket in the runtime).
 */
export const isFinal = (code: RefusalCode): boolean => Refusals[code].reaction === 'expire' || Refusals[code].reaction === 'fail';

/** Close codes that are not refusals but still need a reaction. */
const OTHER_CLOSES: Record<number, Reaction> = { [CloseCode.NORMAL]: 'end' };

/** What the runtime does when a connection closes with `code` (network failures: reconnect). */
export function reactionToClose(code: number): Reaction {
  for (const r of Object.values(Refusals) as Refusal[]) if (r.close === code) return r.reaction;
  return OTHER_CLOSES[code] ?? 'reconnect';
}

/** The close code an HTTP-transport status stands for, so both transports end the same way. */
export function closeForStatus(status: number): number {
  for (const r of Object.values(Refusals) as Refusal[]) if (r.status === status && r.close) return r.close;
  return CloseCode.ABNORMAL;
}
