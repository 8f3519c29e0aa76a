/**
 * `ServerSocket`: the author-facing handle on a live server instance, shaped like a WebSocket
 * (readyState, on* handlers, close) plus what a page needs on top: named events both ways,
 * `call()` for results, a byte stream, and lifecycle events for a connection that resumes itself.
 */
import { BASE_PATH, CloseCode, EVENT_NAME_RE } from '../src/protocol/constants.js';
import type { ErrorInfo } from '../src/protocol/frames.js';
import { fromInfo, pbError } from './errors.js';
import { lifecycle, ServerEvent } from './events.js';
import { createLink, type Expiry, type Link, type LinkStats } from './link.js';
import type { TransportMode } from './reconnect.js';
import { reloadOnce } from './reload.js';
import { applyRedraw } from './morph.js';
import { applyList } from './list.js';
import { closedError, createStream, type ByteStream } from './stream.js';

/** Options key carrying the page's own instance id; a symbol so authors cannot pass it by accident. */
export const PAGE_ID: unique symbol = Symbol('pb.page');

export interface ServerSocketOptions {
  transport?: TransportMode;
  /** pagebound's URL prefix. Default `/_pagebound`. */
  base?: string;
  maxQueuedEvents?: number;
  [PAGE_ID]?: string;
}

// No `this` type: the ambient declaration (types.d.ts) must accept this class as its own.
type Handler = ((ev: Event) => unknown) | null;
type ReadyState = 0 | 1 | 2 | 3;

interface Pending {
  call?: [resolve: (d: unknown) => void, reject: (e: Error) => void];
  /** Told whether the handler succeeded (false too when the page ended first). */
  done?: (ok: boolean) => void;
}

const open = new Set<ServerSocket>();

/** `pagehide`: every socket of this document says goodbye, since beacons survive the unload. */
export function closeAll(): void {
  for (const s of open) s.goodbye();
}

/** A navigation leaves the page (runtime-client/navigate.ts): every socket of it says `bye` in band. */
export function closeOpen(): void {
  for (const s of open) s.close();
}

/**
 * Browsers call listeners with `this` = the target, and window functions such as `alert` reject a
 * foreign `this` ("Illegal invocation"). Those get a wrapper that calls them bare.
 */
const hostWrappers = new WeakMap<object, EventListener>();
function hostSafe(l: EventListenerOrEventListenerObject | null): EventListenerOrEventListenerObject | null {
  if (typeof l !== 'function' || (globalThis as Record<string, unknown>)[l.name] !== l) return l;
  let w = hostWrappers.get(l);
  if (!w) hostWrappers.set(l, (w = (ev: Event) => l(ev)));
  return w;
}

/** Listeners first, then the on* handler; returns false when a listener called preventDefault. */
function fire(socket: ServerSocket, ev: Event): boolean {
  const ok = socket.dispatchEvent(ev);
  const h = /^(open|close|error|message)$/.test(ev.type) && (socket as unknown as Record<string, Handler>)['on' + ev.type];
  if (typeof h === 'function') {
    try {
      const safe = hostSafe(h as EventListener) as EventListener;
      if (safe === h) h.call(socket, ev);
      else safe(ev);
    } catch (e) {
      // As for listeners: report it (uncaught, in its own task), and let the socket carry on.
      setTimeout(() => {
        throw e;
      });
    }
  }
  return ok && !ev.defaultPrevented;
}

export class ServerSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  onopen: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  onmessage: Handler = null;
  /** The route this socket belongs to: the page's path, or the socket module's. */
  readonly path: string;

  private _state: ReadyState = 0;
  /** Client `s` → who waits for its `re`. */
  private readonly _calls = new Map<number, Pending>();
  private readonly _link: Link;
  private readonly _stream: ByteStream;
  /** Uploads being sent (runtime-client/upload.ts): they hear every ack and the socket's end. */
  private readonly _uploads = new Set<ByteStream>();

  constructor(path: string, options: ServerSocketOptions = {}) {
    super();
    this.path = path;
    const calls = this._calls;
    const stream = (this._stream = createStream((b) => link.channel.push({ t: 'sd', b })));
    // One shape for every `error`: a failed send() handler, a failed POST /open, and the server's
    // own `error` push (a page timer or subscription that threw): `.error`, `.message` and `.data`.
    const failed = (e: ErrorInfo): void => {
      console.error('pagebound:', e?.code, e?.message, e?.stack ?? '');
      fire(this, Object.assign(new ServerEvent('error', { data: e }), { error: e, message: e?.message }));
    };
    const link = (this._link = createLink(
      { base: options.base ?? BASE_PATH, transport: options.transport, maxQueuedEvents: options.maxQueuedEvents, path },
      {
        deliver: (f) => {
          if (f.t === 'ev') {
            if (f.n === 'error') failed(f.d as ErrorInfo);
            else fire(this, new ServerEvent(f.n, { data: f.d }));
          }
          else if (f.t === 'dom') applyRedraw(f.r, f.ti);
          else if (f.t === 'ls') applyList(f.n, f.o, f.m);
          else if (f.t === 'sd') stream.receive(f.b);
          else if (f.t === 're') {
            const p = calls.get(f.re);
            calls.delete(f.re);
            p?.done?.(f.ok);
            if (f.ok) p?.call?.[0](f.d);
            else if (p?.call) p.call[1](fromInfo(f.e));
            else failed(f.e);
          }
        },
        acked: (a) => {
          stream.acked(a);
          for (const u of this._uploads) u.acked(a);
        },
        status: (type, detail) => {
          this._state = type === 'open' || type === 'resume' ? 1 : 0;
          fire(this, lifecycle(type, detail));
        },
        end: (code, expiry, error) => {
          this._state = 3;
          open.delete(this);
          const err = expiry ? pbError(expiry.code ?? 'PB_ERR_PAGE_EXPIRED', 'The page instance is gone; reload the page.') : closedError();
          for (const p of calls.values()) {
            p.done?.(false);
            p.call?.[1](err);
          }
          calls.clear();
          stream.end(err);
          for (const u of this._uploads) u.end(err);
          if (error) failed(error);
          const reload = !!expiry && fire(this, lifecycle('expired', expiry, true));
          fire(this, new CloseEvent('close', { code, reason: expiry?.reason ?? '', wasClean: code === CloseCode.NORMAL }));
          if (reload) reloadOnce();
        },
      },
    ));
    open.add(this);
    link.start(options[PAGE_ID]);
  }

  get readyState(): ReadyState {
    return this._state;
  }

  /** @internal For tests and debugging (`window.__pagebound.stats`). */
  get stats(): LinkStats {
    return this._link.stats;
  }

  /** Sends an event; queued while offline and delivered exactly once after reconnecting. */
  send(name: string, data?: unknown): void {
    this._push(name, data);
  }

  /** Sends an event and resolves with the handler's result (rejects with its `{code, message}`). */
  call<T = unknown>(name: string, data?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this._calls.set(this._push(name, data), { call: [resolve as (d: unknown) => void, reject] });
    });
  }

  /** @internal Like `send`, plus `done` once the server answered (bindings' `pb-pending`). */
  sendTracked(name: string, data: unknown, done: (ok: boolean) => void): void {
    this._calls.set(this._push(name, data), { done });
  }

  /** Up to `n` bytes the server streamed; waits for some. An empty array means the socket closed. */
  read(n?: number): Promise<Uint8Array> {
    return this._stream.read(n);
  }

  /** Streams bytes to the server; resolves once acked. At most 256 KiB are in flight. */
  write(data: string | Uint8Array): Promise<void> {
    return this._state > 1 ? Promise.reject(closedError()) : this._stream.write(data);
  }

  /**
   * @internal Sends upload `u`'s bytes (`up` frames, within the stream window); `progress` hears
   * each acked byte count. `done()` once its last bytes are written.
   */
  upload(u: number, progress: (bytes: number) => void): { write(bytes: Uint8Array): Promise<void>; done(): void } {
    if (this._state > 1) throw closedError();
    const s = createStream((b) => this._link.channel.push({ t: 'up', u, b }), progress);
    this._uploads.add(s);
    return { write: (bytes) => s.write(bytes), done: () => this._uploads.delete(s) };
  }

  /** Closes the server instance too: its `bye` follows every event already sent. */
  close(): void {
    this._stop(false);
  }

  /** @internal The tab is going away: beacon a `bye`, which outlives the unload. */
  goodbye(): void {
    this._stop(true);
  }

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void {
    super.addEventListener(type, hostSafe(listener), options);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void {
    super.removeEventListener(type, hostSafe(listener), options);
  }

  private _stop(beacon: boolean): void {
    if (this._state > 1) return;
    this._state = 2;
    this._link.stop(beacon);
  }

  private _push(name: string, data: unknown): number {
    if (this._state > 1) throw closedError();
    if (typeof name !== 'string' || !EVENT_NAME_RE.test(name)) {
      throw pbError('PB_ERR_EVENT_NAME', 'Event names are 1–64 characters of [A-Za-z0-9_.:-].');
    }
    return this._link.channel.push(data === undefined ? { t: 'ev', n: name } : { t: 'ev', n: name, d: data });
  }
}
