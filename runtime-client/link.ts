/**
 * One page instance's connection life: get the page id (socket-only modules ask the server for one),
 * pick a transport, say hello, feed frames through the channel, heartbeat, and after any drop
 * reconnect with backoff until the instance is resumed, expired or closed. The socket above sees
 * only delivered frames and state changes.
 */
import { CloseCode, Defaults, Paths } from '../src/protocol/constants.js';
import type { ErrorInfo, ServerFrame } from '../src/protocol/frames.js';
import { reactionToClose } from '../src/protocol/refusals.js';
import { createChannel, type Channel } from './channel.js';
import { pbError, type PbError } from './errors.js';
import { createHeartbeat, createRetry, createTransportChoice, STABLE_MS, type TransportMode } from './reconnect.js';
import { httpTransport } from './transports/http.js';
import type { Transport } from './transports/transport.js';

const CLIENT_DROP = CloseCode.DROPPED;
const NETWORK = CloseCode.ABNORMAL;
import { wsTransport } from './transports/websocket.js';

export interface LinkOptions {
  base: string;
  transport?: TransportMode;
  maxQueuedEvents?: number;
  /** Route of a socket-only module; used to create the instance when there is no id yet. */
  path: string;
}

export type Status = 'open' | 'resume' | 'disconnect' | 'reconnecting';

/** Why the instance is gone: `reason` is an `expired` reason or `refused`; `code` a refusal code. */
export interface Expiry {
  reason: string;
  code?: string;
}

export interface LinkHooks {
  /** A new sequenced server frame (`ev`, `re`, `sd`), in order, exactly once. */
  deliver(f: ServerFrame): void;
  acked(a: number): void;
  status(type: Status, detail: Record<string, unknown>): void;
  /** Terminal: no more frames, no reconnects. */
  end(code: number, expiry?: Expiry, error?: ErrorInfo): void;
}

export interface LinkStats {
  transport: Transport['kind'] | null;
  connects: number;
  queued: number;
  lastIn: number;
  lastOut: number;
}

export interface Link {
  readonly channel: Channel;
  readonly stats: LinkStats;
  /** Connects to instance `id`, or first creates one of the socket module at `path`. */
  start(id?: string): void;
  /** Ends the instance: an in-band `bye` when live (it follows the events already sent), else a beacon. */
  stop(beacon: boolean): void;
}

export function createLink(opts: LinkOptions, hooks: LinkHooks): Link {
  let id: string | undefined;
  let current: Transport | null = null;
  let welcomedAt = 0;
  let everOpen = false;
  let connects = 0;
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const retry = createRetry();
  const hb = createHeartbeat();
  const choice = createTransportChoice(opts.transport, CLIENT_DROP);
  const channel = createChannel(
    { send: (frames) => current?.send(frames), carriesAcks: () => current?.carriesAcks ?? false, acked: hooks.acked },
    { maxQueuedEvents: opts.maxQueuedEvents },
  );

  const beacon = (): void => {
    if (id) navigator.sendBeacon(opts.base + Paths.bye, id);
  };

  const end = (code: number, expiry?: Expiry, error?: ErrorInfo): void => {
    if (ended) return;
    ended = true;
    current?.close();
    current = null;
    clearTimeout(timer);
    hb.stop();
    retry.dispose();
    channel.close();
    hooks.end(code, expiry, error);
  };

  const retryLater = (code: number, wasOpen: boolean): void => {
    if (wasOpen) {
      // A welcomed connection lost to the network restarts backoff, so a flapping link resumes
      // quickly. A server pushing back (4429 mailbox full, 4400) restarts it only after the
      // connection held a while, so such a server is not hammered at the base delay.
      const pushback = reactionToClose(code) === 'backoff';
      if (!pushback || Date.now() - welcomedAt >= STABLE_MS) retry.attempt = 0;
      hooks.status('disconnect', { code });
    }
    const delay = retry.schedule(connect);
    hooks.status('reconnecting', { attempt: retry.attempt, delay, code });
  };

  const dropped = (code: number): void => {
    const t = current;
    if (!t) return;
    current = null;
    clearTimeout(timer);
    hb.stop();
    channel.down();
    const reaction = reactionToClose(code);
    if (reaction === 'expire') return end(code, { reason: code === CloseCode.REFUSED ? 'refused' : 'unknown' });
    // 4409: a newer connection for this instance is live elsewhere; fighting it would loop.
    if (reaction === 'end') return end(code);
    choice.failed(t.kind, welcomedAt > 0, code);
    retryLater(code, welcomedAt > 0);
  };

  /** We give up on the connection (timeout, silence, gap) and resume on a new one. */
  const drop = (code: number): void => {
    current?.close(code);
    dropped(code);
  };

  const welcome = (t: Transport, ack: number, interval: number): void => {
    clearTimeout(timer);
    const resumed = everOpen;
    everOpen = true;
    welcomedAt = Date.now();
    choice.ok(t.kind);
    hb.start(interval, () => channel.heartbeat(), () => drop(CLIENT_DROP));
    // Resend before telling listeners, so what they send from `open` goes after the backlog.
    channel.welcome(ack);
    hooks.status(resumed ? 'resume' : 'open', {});
  };

  const received = (t: Transport, frames: ServerFrame[]): void => {
    if (t === current) hb.seen();
    for (const f of frames) {
      // A handler below may have dropped or ended this connection mid-batch.
      if (t !== current) return;
      const verdict = channel.receive(f);
      if (verdict === 'gap') return drop(CloseCode.PROTOCOL);
      if (verdict === 'duplicate') continue;
      switch (f.t) {
        case 'welcome':
          welcome(t, f.ack, f.hb);
          break;
        case 'expired':
          return end(CloseCode.EXPIRED, { reason: f.reason });
        case 'refused':
          return end(CloseCode.REFUSED, { reason: 'refused', code: f.code });
        case 'ev':
        case 'dom':
        case 'ls':
        case 're':
        case 'sd':
          hooks.deliver(f);
      }
    }
  };

  async function connect(): Promise<void> {
    if (!id) {
      try {
        id = await openInstance(opts.base, opts.path);
      } catch (e) {
        const err = e as PbError & { status?: number };
        const s = err.status;
        // A 4xx other than 408/429 will not get better by retrying (no such module, forbidden).
        if (s && s < 500 && s !== 408 && s !== 429) end(NETWORK, undefined, { code: err.code, message: err.message });
        else retryLater(NETWORK, false);
        return;
      }
      if (ended) return beacon();
    }
    if (ended) return;
    const t: Transport = (choice.kind() === 'ws' ? wsTransport : httpTransport)(opts.base, {
      frames: (frames) => received(t, frames),
      close: (code) => t === current && dropped(code),
      ack: () => channel.lastIn,
    });
    current = t;
    welcomedAt = 0;
    connects++;
    // A proxy can hold an upgrade or a POST open forever; that is a failure too.
    timer = setTimeout(() => drop(CLIENT_DROP), Defaults.connectTimeoutMs);
    try {
      t.open(id, channel.lastIn);
    } catch {
      dropped(NETWORK);
    }
  }

  return {
    channel,
    get stats() {
      return { transport: current?.kind ?? null, connects, queued: channel.queued, lastIn: channel.lastIn, lastOut: channel.lastOut };
    },
    start(pageId) {
      id = pageId;
      void connect();
    },
    stop(viaBeacon) {
      if (ended) return;
      if (!viaBeacon && current && welcomedAt) channel.control({ t: 'bye' });
      else beacon();
      end(CloseCode.NORMAL);
    },
  };
}

/** `POST /open` (docs/protocol.md §5.3): a new instance of a socket-only module for this session. */
async function openInstance(base: string, path: string): Promise<string> {
  const res = await fetch(base + Paths.open, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path }),
  });
  const body = (await res.json().catch(() => ({}))) as { id?: unknown; code?: unknown; message?: unknown };
  if (res.ok && typeof body.id === 'string') return body.id;
  const err = pbError(
    typeof body.code === 'string' ? body.code : 'PB_ERR_OPEN',
    typeof body.message === 'string' ? body.message : `Opening ${path}: HTTP ${res.status}`,
  );
  throw Object.assign(err, { status: res.status });
}
