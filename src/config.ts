/**
 * pagebound's options, their defaults and their validation. One line per field with its default.
 */
import path from 'node:path';
import { Defaults } from './protocol/constants.js';
import { PB_ERR_CONFIG } from './errors.js';

export interface PageboundOptions {
  /** Folder holding `**\/*.page.ts`, `*.socket.ts`, templates and layouts. Default `./pages`. */
  pagesDir?: string;
  /** Folder served as static files at `/` when it exists. Default `./public`. */
  publicDir?: string | false;
  /** Dev mode: re-read pages and templates on change, show error details. Default `NODE_ENV !== 'production'`. */
  dev?: boolean;
  /** Secret signing the session cookie. Default: `PAGEBOUND_SECRET`, else random per process. */
  secret?: string;
  /** Origins besides the page's own that may open live connections. Default `[]`. */
  allowedOrigins?: string[];
  /** Transport the browser uses: WebSocket with HTTP fallback, or one of them only. Default 'auto'. */
  transport?: 'auto' | 'ws' | 'http';
  /** Send a Content-Security-Policy with a per-response script nonce. Default true. */
  csp?: boolean;
  /** How long a dropped page instance waits for its client to come back, ms. Default 120000. */
  retainMs?: number;
  /** How long a rendered page waits for its client's first connection, ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Heartbeat interval, ms. Default 15000. */
  heartbeatMs?: number;
  /** A connection silent for this long is treated as dropped, ms. Default 30000. */
  heartbeatTimeoutMs?: number;
  /** Largest frame accepted, bytes. Default 65536. */
  maxFrameBytes?: number;
  /** Unacked server frames kept for replay, count. Default 1000. */
  replayMaxFrames?: number;
  /** Unacked server frames kept for replay, bytes. Default 1048576. */
  replayMaxBytes?: number;
  /** Events waiting in one page's mailbox before new ones are refused. Default 1000. */
  maxMailbox?: number;
  /** Live page instances in this process. Default 10000. */
  maxInstances?: number;
  /** Live page instances per browser session; the oldest unconnected one is closed past it. Default 100. */
  maxInstancesPerSession?: number;
  /** Bytes waiting in one connection's send buffer before it is dropped (it resumes from the replay buffer). Default 4194304. */
  maxBufferedBytes?: number;
  /** Bytes of client events waiting in one page's mailbox before the connection stops reading. Default 1048576. */
  maxMailboxBytes?: number;
  /** Client stream bytes a page may leave unread before the connection stops reading. Default 65536. */
  maxStreamBytes?: number;
  /** How long an async event handler may run before the event is answered PB_ERR_EVENT_TIMEOUT, ms. Default 30000. */
  eventTimeoutMs?: number;
  /** How long an HTTP long-poll is held open, ms. Default 25000. */
  pollMs?: number;
  /** Most bytes of frames one long-poll answer carries; the rest go with the next poll. Default 32768. */
  pollMaxBytes?: number;
  /**
   * Idle live pages (never connected, disconnected, or on an HTTP connection with no poll waiting)
   * one client address (IPv6: one /64) may hold; past it that address's oldest idle page closes. Default 500.
   */
  maxIdlePagesPerAddress?: number;
  /** How long a page's method handler (get, post, …) may run before the request gets a 503, ms. Default 10000. */
  renderTimeoutMs?: number;
  /**
   * Host names (the `Host` header without its port) this server answers; others get 403
   * `PB_ERR_HOST`. A leading dot matches subdomains (`.example.com`). `false` allows any. Default:
   * `PAGEBOUND_ALLOWED_HOSTS` (comma-separated), else in dev `localhost`, `127.0.0.1`, `[::1]`, else false.
   */
  allowedHosts?: string[] | false;
  /** Event-loop delay that gets a warning in the log (at most one per 10 s), ms; `false` for none. Default 500. */
  eventLoopWarnMs?: number | false;
}

/** Host names the dev server answers when `allowedHosts` is not set: loopback only (DNS rebinding). */
export const DEV_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export type ResolvedOptions = Required<Omit<PageboundOptions, 'publicDir' | 'secret'>> & {
  publicDir: string | false;
  secret: string | undefined;
};

const positive = [
  'retainMs', 'connectTimeoutMs', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes',
  'replayMaxFrames', 'replayMaxBytes', 'maxMailbox', 'maxInstances', 'maxInstancesPerSession', 'pollMs', 'pollMaxBytes',
  'maxBufferedBytes', 'maxStreamBytes', 'maxMailboxBytes', 'eventTimeoutMs',
  'maxIdlePagesPerAddress', 'renderTimeoutMs',
] as const;

function defaultAllowedHosts(dev: boolean): string[] | false {
  const env = process.env.PAGEBOUND_ALLOWED_HOSTS?.trim();
  if (env) return env.split(',').map((h) => h.trim()).filter(Boolean);
  return dev ? [...DEV_ALLOWED_HOSTS] : false;
}

export function resolveOptions(opts: PageboundOptions = {}): ResolvedOptions {
  const dev = opts.dev ?? process.env.NODE_ENV !== 'production';
  const resolved: ResolvedOptions = {
    pagesDir: path.resolve(opts.pagesDir ?? 'pages'),
    publicDir: opts.publicDir === false ? false : path.resolve(opts.publicDir ?? 'public'),
    dev,
    secret: opts.secret ?? process.env.PAGEBOUND_SECRET,
    allowedOrigins: opts.allowedOrigins ?? [],
    csp: opts.csp ?? true,
    transport: opts.transport ?? 'auto',
    retainMs: opts.retainMs ?? Defaults.retainMs,
    connectTimeoutMs: opts.connectTimeoutMs ?? Defaults.connectTimeoutMs,
    heartbeatMs: opts.heartbeatMs ?? Defaults.heartbeatMs,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? Defaults.heartbeatTimeoutMs,
    maxFrameBytes: opts.maxFrameBytes ?? Defaults.maxFrameBytes,
    replayMaxFrames: opts.replayMaxFrames ?? Defaults.replayMaxFrames,
    replayMaxBytes: opts.replayMaxBytes ?? Defaults.replayMaxBytes,
    maxMailbox: opts.maxMailbox ?? Defaults.maxMailbox,
    maxInstances: opts.maxInstances ?? 10_000,
    maxInstancesPerSession: opts.maxInstancesPerSession ?? 100,
    maxBufferedBytes: opts.maxBufferedBytes ?? Defaults.maxBufferedBytes,
    maxStreamBytes: opts.maxStreamBytes ?? Defaults.maxStreamBytes,
    maxMailboxBytes: opts.maxMailboxBytes ?? Defaults.maxMailboxBytes,
    eventTimeoutMs: opts.eventTimeoutMs ?? Defaults.eventTimeoutMs,
    pollMs: opts.pollMs ?? Defaults.pollMs,
    pollMaxBytes: opts.pollMaxBytes ?? Defaults.pollMaxBytes,
    maxIdlePagesPerAddress: opts.maxIdlePagesPerAddress ?? 500,
    renderTimeoutMs: opts.renderTimeoutMs ?? 10_000,
    allowedHosts: opts.allowedHosts ?? defaultAllowedHosts(dev),
    eventLoopWarnMs: opts.eventLoopWarnMs ?? 500,
  };
  for (const key of positive) {
    const v = resolved[key];
    if (!Number.isFinite(v) || v <= 0) throw new PB_ERR_CONFIG(`${key} must be a positive number`);
  }
  if (!['auto', 'ws', 'http'].includes(resolved.transport)) throw new PB_ERR_CONFIG("transport must be 'auto', 'ws' or 'http'");
  if (resolved.heartbeatTimeoutMs <= resolved.heartbeatMs) {
    throw new PB_ERR_CONFIG('heartbeatTimeoutMs must be larger than heartbeatMs');
  }
  const hosts = resolved.allowedHosts;
  if (hosts !== false && (!Array.isArray(hosts) || hosts.length === 0 || hosts.some((h) => typeof h !== 'string' || !h))) {
    throw new PB_ERR_CONFIG('allowedHosts must be a non-empty list of host names, or false');
  }
  const loop = resolved.eventLoopWarnMs;
  if (loop !== false && (!Number.isFinite(loop) || loop <= 0)) {
    throw new PB_ERR_CONFIG('eventLoopWarnMs must be a positive number, or false');
  }
  if (resolved.secret !== undefined && resolved.secret.length < 16) {
    throw new PB_ERR_CONFIG('secret must be at least 16 characters');
  }
  return resolved;
}
