/**
 * Every wire key, path, close code and default that both the server and the browser runtime use.
 * No `node:*` imports: `runtime-client/` bundles this file. See docs/protocol.md.
 */

export const PROTOCOL_VERSION = 1;

/** URL prefix reserved for pagebound's own endpoints. */
export const BASE_PATH = '/_pagebound';
export const WS_PATH = `${BASE_PATH}/ws`;
export const HTTP_SEND_PATH = `${BASE_PATH}/http/send`;
export const HTTP_POLL_PATH = `${BASE_PATH}/http/poll`;
export const BYE_PATH = `${BASE_PATH}/bye`;
export const OPEN_PATH = `${BASE_PATH}/open`;
export const CLIENT_PATH_PREFIX = `${BASE_PATH}/client.`;

/** Sec-WebSocket-Protocol entries: the version token, and the page id carrier. */
export const WS_SUBPROTOCOL = 'pagebound.v1';
export const WS_SID_PREFIX = 'pb.sid.';

export const SESSION_ID_HEADER = 'sessionid';
export const CONN_ID_HEADER = 'pb-conn';
export const SESSION_COOKIE = 'pb_session';
export const BOOT_ELEMENT_ID = 'pb-boot';

/**
 * A page id is `<node>.<key>`: the node name (`[a-z0-9]{1,16}`, routed on by a load balancer) and a
 * nanoid key; a process with no node name uses the key alone. The key's alphabet has no `.`.
 */
export const PAGE_ID_RE = /^(?:[a-z0-9]{1,16}\.)?[A-Za-z0-9_-]{21,64}$/;
export const EVENT_NAME_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export const CloseCode = {
  NORMAL: 1000,
  TOO_BIG: 1009,
  PROTOCOL: 4400,
  REFUSED: 4403,
  REPLACED: 4409,
  EXPIRED: 4410,
  MAILBOX_FULL: 4429,
} as const;

export const Defaults = {
  maxFrameBytes: 65_536,
  replayMaxFrames: 1_000,
  replayMaxBytes: 1_048_576,
  maxQueuedEvents: 1_000,
  maxMailbox: 1_000,
  heartbeatMs: 15_000,
  heartbeatTimeoutMs: 30_000,
  ackDelayMs: 50,
  pollMs: 25_000,
  pollMaxBytes: 32_768,
  retainMs: 120_000,
  connectTimeoutMs: 10_000,
} as const;

/** Classes pagebound puts on `<html>` and on elements with an event in flight. */
export const CssClass = {
  connected: 'pb-connected',
  reconnecting: 'pb-reconnecting',
  expired: 'pb-expired',
  pending: 'pb-pending',
} as const;
