/**
 * pagebound's options, their defaults and their validation. One line per field with its default.
 */
import path from 'node:path';
import { Defaults } from './protocol/constants.js';
import { PB_ERR_CONFIG } from './errors.js';
import type { PubSub } from './pubsub/pubsub.js';

/** A node name: short, lower-case, and free of the `.` that separates it from the key in a page id. */
export const NODE_ID_RE = /^[a-z0-9]{1,16}$/;

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
  /** How long an HTTP long-poll is held open, ms. Default 25000. */
  pollMs?: number;
  /** Most bytes of frames one long-poll answer carries; the rest go with the next poll. Default 32768. */
  pollMaxBytes?: number;
  /** This process's name among many behind a load balancer, `[a-z0-9]{1,16}`; page ids start with it. Default `PAGEBOUND_NODE_ID`, else none. */
  nodeId?: string;
  /** Topics between pages: a PubSub, or `{ redisUrl }` for Redis. Default: Redis at `PAGEBOUND_REDIS_URL` when set, else in-process. */
  pubsub?: PubSub | { redisUrl: string };
  /** Longest a graceful drain (SIGTERM) may take before the process exits anyway, ms. Default 10000. */
  drainTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<PageboundOptions, 'publicDir' | 'secret' | 'nodeId' | 'pubsub'>> & {
  publicDir: string | false;
  secret: string | undefined;
  nodeId: string | undefined;
  pubsub: PubSub | { redisUrl: string } | undefined;
};

const positive = [
  'retainMs', 'connectTimeoutMs', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes',
  'replayMaxFrames', 'replayMaxBytes', 'maxMailbox', 'maxInstances', 'maxInstancesPerSession', 'pollMs', 'pollMaxBytes', 'drainTimeoutMs',
] as const;

export function resolveOptions(opts: PageboundOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    pagesDir: path.resolve(opts.pagesDir ?? 'pages'),
    publicDir: opts.publicDir === false ? false : path.resolve(opts.publicDir ?? 'public'),
    dev: opts.dev ?? process.env.NODE_ENV !== 'production',
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
    pollMs: opts.pollMs ?? Defaults.pollMs,
    pollMaxBytes: opts.pollMaxBytes ?? Defaults.pollMaxBytes,
    nodeId: opts.nodeId ?? (process.env.PAGEBOUND_NODE_ID || undefined),
    pubsub: opts.pubsub ?? (process.env.PAGEBOUND_REDIS_URL ? { redisUrl: process.env.PAGEBOUND_REDIS_URL } : undefined),
    drainTimeoutMs: opts.drainTimeoutMs ?? 10_000,
  };
  for (const key of positive) {
    const v = resolved[key];
    if (!Number.isFinite(v) || v <= 0) throw new PB_ERR_CONFIG(`${key} must be a positive number`);
  }
  if (!['auto', 'ws', 'http'].includes(resolved.transport)) throw new PB_ERR_CONFIG("transport must be 'auto', 'ws' or 'http'");
  if (resolved.heartbeatTimeoutMs <= resolved.heartbeatMs) {
    throw new PB_ERR_CONFIG('heartbeatTimeoutMs must be larger than heartbeatMs');
  }
  if (resolved.nodeId !== undefined && !NODE_ID_RE.test(resolved.nodeId)) {
    throw new PB_ERR_CONFIG('nodeId (PAGEBOUND_NODE_ID) must be 1-16 characters of a-z and 0-9');
  }
  const ps = resolved.pubsub as Record<string, unknown> | undefined;
  if (ps !== undefined && ('redisUrl' in ps ? typeof ps.redisUrl !== 'string' || !/^rediss?:\/\//.test(ps.redisUrl) : typeof ps.publish !== 'function' || typeof ps.subscribe !== 'function')) {
    // The URL is not repeated: it may hold a password.
    throw new PB_ERR_CONFIG('pubsub must be a PubSub or { redisUrl: "redis://…" } (PAGEBOUND_REDIS_URL: a redis:// or rediss:// URL)');
  }
  if (resolved.secret !== undefined && resolved.secret.length < 16) {
    throw new PB_ERR_CONFIG('secret must be at least 16 characters');
  }
  return resolved;
}
