/**
 * Ambient types for browser code that talks to its server instance (`pagebound/client`). Add
 * `/// <reference types="pagebound/client" />` or list it in `compilerOptions.types` to get
 * completion on `document.serverSocket` and `new ServerSocket('/module')`.
 * Kept by hand in step with runtime-client/server-socket.ts; index.ts assigns the implementation
 * to these declarations, so a drift fails the type check.
 */

interface ServerSocketErrorInfo {
  code: string;
  message: string;
  /** Present in dev mode only. */
  stack?: string;
}

/** What `call()` rejects with, and what `send()` throws (`PB_ERR_QUEUE_FULL`, `PB_ERR_EVENT_NAME`, …). */
interface ServerSocketError extends Error {
  code: string;
}

/** A server push (`page.emit(name, data)`). Stringifies to its data, so `alert(event)` shows it. */
interface ServerSocketMessageEvent<T = unknown> extends MessageEvent<T> {
  toString(): string;
}

interface ServerSocketDisconnectEvent extends Event {
  /** Close code of the connection that dropped (1006: network). */
  readonly code: number;
}

interface ServerSocketReconnectingEvent extends Event {
  /** 1 for the first retry of an outage. */
  readonly attempt: number;
  /** Milliseconds until this retry. */
  readonly delay: number;
  readonly code: number;
}

/** Cancelable: `preventDefault()` stops the default single page reload. */
interface ServerSocketExpiredEvent extends Event {
  readonly reason: 'unknown' | 'closed' | 'replay-overflow' | 'refused';
  /** For `refused`: the server's code, e.g. `PB_ERR_SESSION_MISMATCH`. */
  readonly code?: string;
}

/**
 * A handler failed for an event sent with `send()` (`call()` rejects instead), or the page reported
 * an error of its own (a timer or subscription that threw). Also logged with console.error.
 */
interface ServerSocketErrorEvent extends ServerSocketMessageEvent<ServerSocketErrorInfo> {
  readonly error: ServerSocketErrorInfo;
  readonly message: string;
}

interface ServerSocketEventMap {
  /** First `welcome`: the socket is live. */
  open: Event;
  /** Live again after a reconnect; nothing sent or pushed meanwhile was lost. */
  resume: Event;
  /** A live connection dropped; a retry follows. */
  disconnect: ServerSocketDisconnectEvent;
  reconnecting: ServerSocketReconnectingEvent;
  expired: ServerSocketExpiredEvent;
  error: ServerSocketErrorEvent;
  /** Final: after `close()`, expiry, or replacement by a newer connection (4409). */
  close: CloseEvent;
  message: ServerSocketMessageEvent;
}

interface ServerSocketOptions {
  /** Default `auto`: WebSocket, falling back to HTTP long-poll for the tab after two failures. */
  transport?: 'ws' | 'http' | 'auto';
  /** pagebound's URL prefix. Default `/_pagebound`. */
  base?: string;
  /** Unacknowledged events kept while offline before `send` throws `PB_ERR_QUEUE_FULL`. Default 1000. */
  maxQueuedEvents?: number;
}

declare class ServerSocket extends EventTarget {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;

  /** Opens a new instance of the socket module at `path` (a `pages/**\/*.socket.ts` route). */
  constructor(path: string, options?: ServerSocketOptions);

  readonly path: string;
  /** 0 while (re)connecting, 1 live, 2 closing, 3 closed or expired. */
  readonly readyState: 0 | 1 | 2 | 3;

  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: ServerSocketErrorEvent) => unknown) | null;
  onmessage: ((ev: ServerSocketMessageEvent) => unknown) | null;

  /** Sends event `name`; queued while offline, delivered exactly once, in order. */
  send(name: string, data?: unknown): void;
  /** Sends event `name` and resolves with the handler's result; rejects with a `ServerSocketError`. */
  call<T = unknown>(name: string, data?: unknown): Promise<T>;
  /** Up to `n` bytes the server streamed (waits for some); an empty array once the socket closed. */
  read(n?: number): Promise<Uint8Array>;
  /** Streams bytes to the server; resolves once acknowledged (at most 256 KiB in flight). */
  write(data: string | Uint8Array): Promise<void>;
  /** Closes the socket and its server instance. */
  close(): void;

  addEventListener<K extends keyof ServerSocketEventMap>(
    type: K,
    listener: (this: ServerSocket, ev: ServerSocketEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Any other name is a server push. */
  addEventListener(
    type: string,
    listener: ((this: ServerSocket, ev: ServerSocketMessageEvent) => unknown) | EventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof ServerSocketEventMap>(
    type: K,
    listener: (this: ServerSocket, ev: ServerSocketEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: ((this: ServerSocket, ev: ServerSocketMessageEvent) => unknown) | EventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
}

interface Document {
  /** The live instance of this page; absent on pages without a server instance. */
  serverSocket: ServerSocket;
}

interface Window {
  ServerSocket: typeof ServerSocket;
}
