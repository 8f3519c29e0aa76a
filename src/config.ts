/**
 * pagebound's options: their types, defaults and validation, in one table. The plugin validates its
 * options here, and the CLI parses environment variables and flags with the same kinds, so an option
 * is added in one place (a field below, a line in KINDS, a line in cli/settings.ts).
 */
import path from 'node:path';
import { tmpdir } from 'node:os';
import { Defaults } from './protocol/constants.js';
import { PB_ERR_CONFIG } from './errors.js';
import type { ServerOptions } from './server.js';
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
  /** Origins besides the page's own that may open live connections and post to pages. Default `[]`. */
  allowedOrigins?: string[];
  /** Transport the browser uses: WebSocket with HTTP fallback, or one of them only. Default 'auto'. */
  transport?: 'auto' | 'ws' | 'http';
  /** Send a Content-Security-Policy with a per-response script nonce. Default true. */
  csp?: boolean;
  /** Refuse cross-site POST/PUT/PATCH/DELETE to pages (Origin and Sec-Fetch-Site). Default true. */
  csrf?: boolean;
  /** Serve Prometheus metrics: `true` at `/_pagebound/metrics`, or at the path given. Default false. */
  metrics?: boolean | string;
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
  /** Largest uploaded file in a multipart form, bytes. Default 10485760 (10 MiB). */
  maxUploadBytes?: number;
  /** Most files in one multipart form. Default 5 (with maxUploadBytes, at most 50 MiB held per request). */
  maxUploadFiles?: number;
  /** Most non-file fields in one multipart form. Default 100. */
  maxFormFields?: number;
  /** Bytes that live-form uploads may hold on disk at once in this process (each reserves its size up front). Default 1073741824 (1 GiB). */
  maxUploadDiskBytes?: number;
  /** Bytes that the live-form uploads of one browser session's pages may hold on disk at once (PB_ERR_UPLOAD_SESSION_QUOTA past it). Default maxUploadDiskBytes / 8 (128 MiB). */
  maxUploadDiskBytesPerSession?: number;
  /** A live-form upload that receives no bytes for this long while its page is connected fails (PB_ERR_UPLOAD_TIMEOUT), ms. Default 30000. */
  uploadIdleMs?: number;
  /** Folder for live-form uploads while they arrive (a private folder is made in it). Default: the OS temp folder. */
  uploadDir?: string;
  /** This process's name among many behind a load balancer, `[a-z0-9]{1,16}`; page ids start with it. Default `PAGEBOUND_NODE_ID`, else none. */
  nodeId?: string;
  /** Topics between pages: a PubSub, or `{ redisUrl }` for Redis. Default: Redis at `PAGEBOUND_REDIS_URL` when set, else in-process. */
  pubsub?: PubSub | { redisUrl: string };
  /** Longest a graceful drain (SIGTERM) may take before the process exits anyway, ms. Default 10000. */
  drainTimeoutMs?: number;
  /** Largest JSON of a durable page's `state`, bytes; past it PB_ERR_DURABLE_STATE. Default 65536 (64 KiB). */
  maxDurableStateBytes?: number;
  /** How long a durable page's snapshot outlives its last commit or refresh in the store (its live node refreshes it every third of this), so a page whose node died is collected, ms. Default 3600000 (1 h). */
  durableTtlMs?: number;
}

/** Host names the dev server answers when `allowedHosts` is not set: loopback only (DNS rebinding). */
export const DEV_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export type ResolvedOptions = Required<Omit<PageboundOptions, 'publicDir' | 'secret' | 'metrics' | 'nodeId' | 'pubsub'>> & {
  publicDir: string | false;
  secret: string | undefined;
  nodeId: string | undefined;
  pubsub: PubSub | { redisUrl: string } | undefined;
  /** The metrics path, or false. */
  metrics: string | false;
};

/** What `pagebound.config.ts` holds: the plugin's options, the server's, and where to listen. */
export interface PageboundConfig extends ServerOptions {
  /** Port to listen on. Default 3000 (`PORT`, `--port`). */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 in dev, 0.0.0.0 in start (`HOST`, `--host`). */
  host?: string;
}

/**
 * Types `pagebound.config.ts`.
 * @example
 * import { defineConfig } from 'pagebound';
 * export default defineConfig({ port: 8080, retainMs: 60_000 });
 */
export function defineConfig(config: PageboundConfig): PageboundConfig {
  return config;
}

/** Which proxies in front are believed about `X-Forwarded-*`: all (`true`), the n nearest hops, or addresses/CIDRs. */
export type TrustProxy = boolean | number | string | string[];

/**
 * `PAGEBOUND_TRUST_PROXY` / `--trust-proxy`: `true`/`false`, a hop count, or a comma-separated list
 * of proxy addresses and CIDRs (`127.0.0.1,10.0.0.0/8`). Empty means not set.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (/^(true|yes|1)$/i.test(v)) return true;
  if (/^(false|no|0)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.some((s) => !/^[0-9A-Fa-f.:/]+$/.test(s) && !/^(loopback|linklocal|uniquelocal)$/.test(s))) {
    throw new PB_ERR_CONFIG('trustProxy must be true, false, a hop count, or proxy addresses/CIDRs separated by commas');
  }
  return list.length === 1 ? list[0]! : list;
}

/** How each option's value is checked, and parsed from a string (an environment variable or a flag). */
export type Kind =
  | 'string' | 'boolean' | 'positive' | 'port' | 'list' | 'folder' | 'path-or-boolean' | readonly string[] | 'object'
  | 'list-or-false' | 'positive-or-false' | 'trust-proxy';

export const KINDS: Record<keyof PageboundConfig, Kind> = {
  pagesDir: 'string', publicDir: 'folder', dev: 'boolean', secret: 'string', allowedOrigins: 'list',
  transport: ['auto', 'ws', 'http'], csp: 'boolean', csrf: 'boolean', metrics: 'path-or-boolean',
  retainMs: 'positive', connectTimeoutMs: 'positive', heartbeatMs: 'positive', heartbeatTimeoutMs: 'positive',
  maxFrameBytes: 'positive', replayMaxFrames: 'positive', replayMaxBytes: 'positive', maxMailbox: 'positive',
  maxInstances: 'positive', maxInstancesPerSession: 'positive', pollMs: 'positive', pollMaxBytes: 'positive',
  maxUploadBytes: 'positive', maxUploadFiles: 'positive', maxFormFields: 'positive',
  maxUploadDiskBytes: 'positive', maxUploadDiskBytesPerSession: 'positive', uploadIdleMs: 'positive', uploadDir: 'string',
  maxBufferedBytes: 'positive', maxStreamBytes: 'positive', maxMailboxBytes: 'positive', eventTimeoutMs: 'positive',
  maxIdlePagesPerAddress: 'positive', renderTimeoutMs: 'positive', allowedHosts: 'list-or-false', eventLoopWarnMs: 'positive-or-false',
  // Server and CLI.
  port: 'port', host: 'string', trustProxy: 'trust-proxy', prettyLogs: 'boolean', logger: 'object',
  requestTimeoutMs: 'positive', connectionTimeoutMs: 'positive',
  // Many processes (deploy/, docs/protocol.md §7).
  nodeId: 'string', pubsub: 'object', drainTimeoutMs: 'positive', maxDurableStateBytes: 'positive', durableTtlMs: 'positive',
};

const describe = (kind: Kind): string =>
  Array.isArray(kind) ? `one of ${kind.map((k) => `'${k}'`).join(', ')}`
    : ({
      string: 'a non-empty string', boolean: 'true or false', positive: 'a positive number',
      port: 'an integer from 0 to 65535', list: 'a list of strings', folder: 'a folder path or false',
      'path-or-boolean': "true, false or a path starting with '/'", object: 'an object',
      'list-or-false': 'a list of host names or false', 'positive-or-false': 'a positive number, or false',
      'trust-proxy': 'true, false, a hop count, or proxy addresses/CIDRs',
    } as Record<string, string>)[kind as string]!;

function fits(kind: Kind, v: unknown): boolean {
  if (Array.isArray(kind)) return kind.includes(v as string);
  switch (kind) {
    case 'string': return typeof v === 'string' && v.length > 0;
    case 'boolean': return typeof v === 'boolean';
    case 'positive': return typeof v === 'number' && Number.isFinite(v) && v > 0;
    case 'port': return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
    case 'list': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'folder': return v === false || (typeof v === 'string' && v.length > 0);
    case 'path-or-boolean': return typeof v === 'boolean' || (typeof v === 'string' && v.startsWith('/'));
    case 'list-or-false': return v === false || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    case 'positive-or-false': return v === false || (typeof v === 'number' && Number.isFinite(v) && v > 0);
    case 'trust-proxy':
      return typeof v === 'boolean' || (Number.isInteger(v) && (v as number) >= 0) || typeof v === 'string' ||
        (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    default: return typeof v === 'object' || typeof v === 'boolean';
  }
}

/** Throws PB_ERR_CONFIG naming the option (never its value: it may be the secret). */
export function checkOption(key: string, value: unknown): void {
  const kind = KINDS[key as keyof PageboundConfig];
  if (!kind) throw new PB_ERR_CONFIG(`"${key}" is not an option; see the options table in the README`);
  if (value !== undefined && !fits(kind, value)) throw new PB_ERR_CONFIG(`${key} must be ${describe(kind)}`);
}

/**
 * Parses an environment variable or flag for option `key`. `source` names where it came from, for
 * the error ("PORT", "--port").
 */
export function parseOption(key: keyof PageboundConfig, raw: string, source: string): unknown {
  const kind = KINDS[key];
  const fail = () => new PB_ERR_CONFIG(`${key} (from ${source}) must be ${describe(kind)}`);
  if (kind === 'boolean' || kind === 'folder' || kind === 'path-or-boolean') {
    if (/^(true|1|yes|on)$/i.test(raw) && kind !== 'folder') return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    if (kind === 'boolean') throw fail();
  }
  if (kind === 'positive' || kind === 'port') {
    if (!/^\d+(\.\d+)?$/.test(raw.trim())) throw fail();
    const n = Number(raw);
    if (!fits(kind, n)) throw fail();
    return n;
  }
  if (kind === 'positive-or-false') {
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !fits(kind, n)) throw fail();
    return n;
  }
  if (kind === 'trust-proxy') {
    try {
      return parseTrustProxy(raw) ?? false;
    } catch {
      throw fail();
    }
  }
  if (kind === 'list' || kind === 'list-or-false') {
    if (kind === 'list-or-false' && /^(false|no|off)$/i.test(raw)) return false;
    return raw.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (kind === 'object') throw new PB_ERR_CONFIG(`${key} can only be set in pagebound.config.ts`);
  if (!fits(kind, raw)) throw fail();
  return raw;
}

function defaultAllowedHosts(dev: boolean): string[] | false {
  const env = process.env.PAGEBOUND_ALLOWED_HOSTS?.trim();
  if (env) return env.split(',').map((h) => h.trim()).filter(Boolean);
  return dev ? [...DEV_ALLOWED_HOSTS] : false;
}

export function resolveOptions(opts: PageboundOptions = {}): ResolvedOptions {
  const dev = opts.dev ?? process.env.NODE_ENV !== 'production';
  // Fastify passes its own register options (prefix, logLevel…) along with ours.
  for (const [key, value] of Object.entries(opts)) if (key in KINDS) checkOption(key, value);
  const resolved: ResolvedOptions = {
    pagesDir: path.resolve(opts.pagesDir ?? 'pages'),
    publicDir: opts.publicDir === false ? false : path.resolve(opts.publicDir ?? 'public'),
    dev,
    secret: opts.secret ?? process.env.PAGEBOUND_SECRET,
    allowedOrigins: opts.allowedOrigins ?? [],
    csp: opts.csp ?? true,
    csrf: opts.csrf ?? true,
    metrics: opts.metrics === true ? '/_pagebound/metrics' : (opts.metrics || false),
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
    maxUploadBytes: opts.maxUploadBytes ?? 10 * 1024 * 1024,
    maxUploadFiles: opts.maxUploadFiles ?? 5,
    maxFormFields: opts.maxFormFields ?? 100,
    maxUploadDiskBytes: opts.maxUploadDiskBytes ?? 1024 * 1024 * 1024,
    // An eighth of the process's quota: it scales with that quota, and it takes eight sessions
    // holding all they may to fill the disk, while one session still fits 12 files of the default
    // 10 MiB maxUploadBytes at once.
    maxUploadDiskBytesPerSession: opts.maxUploadDiskBytesPerSession ?? Math.max(1, Math.floor((opts.maxUploadDiskBytes ?? 1024 * 1024 * 1024) / 8)),
    uploadIdleMs: opts.uploadIdleMs ?? 30_000,
    uploadDir: path.resolve(opts.uploadDir ?? tmpdir()),
    nodeId: opts.nodeId ?? (process.env.PAGEBOUND_NODE_ID || undefined),
    pubsub: opts.pubsub ?? (process.env.PAGEBOUND_REDIS_URL ? { redisUrl: process.env.PAGEBOUND_REDIS_URL } : undefined),
    drainTimeoutMs: opts.drainTimeoutMs ?? 10_000,
    maxDurableStateBytes: opts.maxDurableStateBytes ?? 64 * 1024,
    durableTtlMs: opts.durableTtlMs ?? 3_600_000,
  };
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
