/**
 * Every wire key, path, close code, size and default that both the server and the browser runtime
 * use — the one place each is written. No `node:*` imports: `runtime-client/` bundles this file.
 * See docs/protocol.md.
 */

export const PROTOCOL_VERSION = 1;

/** URL prefix reserved for pagebound's own endpoints. */
export const BASE_PATH = '/_pagebound';
/** Endpoint paths relative to the base; the runtime gets the base from the boot block. */
export const Paths = {
  ws: '/ws',
  send: '/http/send',
  poll: '/http/poll',
  bye: '/bye',
  open: '/open',
  clientPrefix: '/client.',
} as const;
export const WS_PATH = BASE_PATH + Paths.ws;
export const HTTP_SEND_PATH = BASE_PATH + Paths.send;
export const HTTP_POLL_PATH = BASE_PATH + Paths.poll;
export const BYE_PATH = BASE_PATH + Paths.bye;
export const OPEN_PATH = BASE_PATH + Paths.open;
export const CLIENT_PATH_PREFIX = BASE_PATH + Paths.clientPrefix;

/** Sec-WebSocket-Protocol entries: the version token, and the page id carrier. */
export const WS_SUBPROTOCOL = `pagebound.v${PROTOCOL_VERSION}`;
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
/** A `data-pb-region` name; the empty name is the whole body. */
export const REGION_NAME_RE = /^[A-Za-z0-9_.:-]{0,64}$/;
/** The attribute that makes an element a region a redraw can send on its own. */
export const REGION_ATTR = 'data-pb-region';
/** Where the address bar should be for what the page shows (runtime-client/url-state.ts). */
export const URL_ATTR = 'data-pb-url';
/**
 * A keyed list's container (`data-pb-list="name"`): its children are the list's items, each with an
 * `id`; `ls` frames change them and redraws leave them alone.
 */
export const LIST_ATTR = 'data-pb-list';
/** HTML bytes one `ls` frame carries at most before a batch of operations goes in another frame. */
export const LIST_FRAME_HTML_BYTES = 32 * 1024;
/** An element (and its subtree) that redraws leave as the browser has it. */
export const KEEP_ATTR = 'data-pb-keep';
/** Same-origin links and GET forms inside an element with this attribute navigate without a reload (runtime-client/navigate.ts). */
export const NAVIGATE_ATTR = 'data-pb-navigate';
/** Links and forms inside an element with this attribute load the next page the browser's way. */
export const RELOAD_ATTR = 'data-pb-reload';

export const CloseCode = {
  NORMAL: 1000,
  /** Network failure as a WebSocket reports it; never sent. */
  ABNORMAL: 1006,
  TOO_BIG: 1009,
  /** "Service restart" (RFC 6455 §7.4, IANA registry): the node drains; resume on another one. */
  SERVICE_RESTART: 1012,
  /** A connection dropped on purpose so it can be resumed: a client's stale link, a server's slow reader. */
  DROPPED: 4000,
  PROTOCOL: 4400,
  REFUSED: 4403,
  REPLACED: 4409,
  EXPIRED: 4410,
  MAILBOX_FULL: 4429,
} as const;

/**
 * Live-form uploads (docs/protocol.md §2.4): the event that asks for one, and the key of the form
 * event's data that names it. Both `pb:` names: a page cannot declare them (its handlers never see them).
 */
export const UPLOAD_EVENT = 'pb:upload';
export const UPLOAD_DATA_KEY = 'pb:upload';
/** CSS custom property with an upload's progress, from 0 to 1, on its form and file inputs. */
export const PROGRESS_PROPERTY = '--pb-progress';

/** Stream bytes per `sd` frame: 16 KiB is ~21.3 KiB of base64, well under the 64 KiB frame limit. */
export const STREAM_CHUNK_BYTES = 16 * 1024;
/** Stream bytes either side may have sent and not yet seen acknowledged. */
export const STREAM_WINDOW_BYTES = 256 * 1024;

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
  /** Bytes waiting in one connection's send buffer before it is dropped (the replay buffer resumes it). */
  maxBufferedBytes: 4_194_304,
  /** Client stream bytes a page has not read yet before the connection stops reading. */
  maxStreamBytes: 65_536,
  /** Bytes of client events waiting in one page's mailbox before the connection stops reading. */
  maxMailboxBytes: 1_048_576,
  /** How long one event handler may run before its event is answered with a timeout. */
  eventTimeoutMs: 30_000,
  /** Frames in one HTTP send body. */
  maxBatchFrames: 128,
} as const;

/** Classes pagebound puts on `<html>` and on elements with an event in flight. */
export const CssClass = {
  connected: 'pb-connected',
  reconnecting: 'pb-reconnecting',
  expired: 'pb-expired',
  pending: 'pb-pending',
  /** What waits for data: a lazy region whose `page.assignAsync` value is still loading (put on by its template). */
  loading: 'pb-loading',
  /** A form control whose value differs from what the server last rendered, and its form. */
  dirty: 'pb-dirty',
  /** On `<html>` while a navigation without reload fetches the next page. */
  navigating: 'pb-navigating',
  /** A form, and its file inputs, while the runtime sends their files. */
  uploading: 'pb-uploading',
} as const;
