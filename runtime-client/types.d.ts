/**
 * Types for browser code that talks to its server instance (`pagebound/client`). Add
 * `/// <reference types="pagebound/client" />`, list it in `compilerOptions.types`, or import a type
 * from it, to get `document.serverSocket` and `new ServerSocket('/module')`.
 *
 * A page's own events are typed from the page module itself, with a type-only import (erased from the
 * bundle, so no server code reaches the browser):
 *
 * ```ts
 * import type { PageSocket } from 'pagebound/client';
 * import type counter from '../pages/counter.page.js';
 * const socket = document.serverSocket as PageSocket<typeof counter>;
 * socket.addEventListener('count', (e) => e.data.toFixed());   // e.data: number, from `emits`
 * const n: number = await socket.call('inc');                   // reply: the handler's return type
 * ```
 *
 * The names and types come from the `'~pagebound'` type-only field of `definePage`'s result, read
 * structurally so this file imports nothing from the server's sources. Kept by hand in step with
 * runtime-client/server-socket.ts; index.ts assigns the implementation to these declarations, so a
 * drift fails the type check.
 */

/** What a page module's type says about its events and pushes (see src/page/define-page.ts ClientContract). */
interface Contract {
  events: { [name: string]: { data: unknown; reply: unknown } };
  emits: { [name: string]: unknown };
}
/** A socket with no page type: any name, any data. */
interface LooseContract {
  events: {};
  emits: {};
}
type ContractOf<Def> = Def extends { readonly '~pagebound'?: infer C } ? (C extends Contract ? C : LooseContract) : LooseContract;

/** Declared event names, or any string when the page declares none (events added with `page.on`). */
type EventName<C extends Contract | LooseContract> = [keyof C['events']] extends [never] ? string : keyof C['events'] & string;
type EventData<C extends Contract | LooseContract, K> = K extends keyof C['events'] ? C['events'][K]['data'] : unknown;
type EventReply<C extends Contract | LooseContract, K> = K extends keyof C['events'] ? C['events'][K]['reply'] : unknown;
/** The data argument: required when the schema needs a value, optional otherwise. */
type DataArgs<D> = undefined extends D ? [data?: D] : [data: D];

/** Push names from `emits`, or any string when the page declares none. */
type PushName<C extends Contract | LooseContract> = [keyof C['emits']] extends [never] ? string : keyof C['emits'] & string;
type PushData<C extends Contract | LooseContract, K> = K extends keyof C['emits'] ? C['emits'][K] : unknown;
type PageHasEvents<Def> = [keyof ContractOf<Def>['events']] extends [never] ? false : true;

/**
 * The socket of a page, typed from its module: `document.serverSocket as PageSocket<typeof page>`.
 * A page that declares `on` handlers always has an instance; any other page may have none, so its
 * socket may be undefined.
 */
export type PageSocket<Def> = PageHasEvents<Def> extends true ? ServerSocket<Def> : ServerSocket<Def> | undefined;

/** Event names a page declares, its payloads and replies: for helpers of your own. */
export type PageEvents<Def> = ContractOf<Def>['events'];
/** What a page pushes, by name. */
export type PagePushes<Def> = ContractOf<Def>['emits'];

declare global {
  interface ServerSocketErrorInfo {
    code: string;
    message: string;
    /** Present in dev mode only. */
    stack?: string;
  }

  /** What `call()` rejects with, and what `send()` throws (`PB_ERR_QUEUE_FULL`, `PB_ERR_EVENT_NAME`, `PB_ERR_EVENT_INVALID`, …). */
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

  /** The socket's own lifecycle events; every other name is a push from the page. */
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
  }

  interface ServerSocketOptions {
    /** Default `auto`: WebSocket, falling back to HTTP long-poll for the tab after two failures. */
    transport?: 'ws' | 'http' | 'auto';
    /** pagebound's URL prefix. Default `/_pagebound`. */
    base?: string;
    /** Unacknowledged events kept while offline before `send` throws `PB_ERR_QUEUE_FULL`. Default 1000. */
    maxQueuedEvents?: number;
  }

  /**
   * A live server instance. `Def` is the type of a page or socket module's default export
   * (`ServerSocket<typeof echo>`): it types event names, payloads, replies and pushes. Without it,
   * names are any string and data is `unknown`.
   */
  class ServerSocket<Def = unknown> extends EventTarget {
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
    onmessage: ((ev: ServerSocketMessageEvent<PushData<ContractOf<Def>, 'message'>>) => unknown) | null;

    /** Sends event `name`; queued while offline, delivered exactly once, in order. */
    send<K extends EventName<ContractOf<Def>>>(name: K, ...data: DataArgs<EventData<ContractOf<Def>, K>>): void;
    /**
     * Sends event `name` and resolves with the handler's result (as JSON); rejects with a
     * `ServerSocketError` (`PB_ERR_EVENT_INVALID` when the data fails the handler's schema).
     */
    call<K extends EventName<ContractOf<Def>>>(name: K, ...data: DataArgs<EventData<ContractOf<Def>, K>>): Promise<EventReply<ContractOf<Def>, K>>;
    /** Up to `n` bytes the server streamed (waits for some); an empty array once the socket closed. */
    read(n?: number): Promise<Uint8Array>;
    /** Streams bytes to the server; resolves once acknowledged (at most 256 KiB in flight). */
    write(data: string | Uint8Array): Promise<void>;
    /** Closes the socket and its server instance. */
    close(): void;

    addEventListener<K extends keyof ServerSocketEventMap>(
      type: K,
      listener: (this: ServerSocket<Def>, ev: ServerSocketEventMap[K]) => unknown,
      options?: boolean | AddEventListenerOptions,
    ): void;
    /** A push from the page: declared `emits` names only, when the page declares them. */
    addEventListener<K extends PushName<ContractOf<Def>>>(
      type: K,
      listener: ((this: ServerSocket<Def>, ev: ServerSocketMessageEvent<PushData<ContractOf<Def>, K>>) => unknown) | EventListenerObject | null,
      options?: boolean | AddEventListenerOptions,
    ): void;
    removeEventListener<K extends keyof ServerSocketEventMap>(
      type: K,
      listener: (this: ServerSocket<Def>, ev: ServerSocketEventMap[K]) => unknown,
      options?: boolean | EventListenerOptions,
    ): void;
    removeEventListener<K extends PushName<ContractOf<Def>>>(
      type: K,
      listener: ((this: ServerSocket<Def>, ev: ServerSocketMessageEvent<PushData<ContractOf<Def>, K>>) => unknown) | EventListenerObject | null,
      options?: boolean | EventListenerOptions,
    ): void;
  }

  interface Document {
    /**
     * This page's live instance. Absent on a page that keeps no instance (no handlers, timers,
     * subscriptions…): check it, or type it from the page with `PageSocket<typeof page>`.
     */
    serverSocket?: ServerSocket;
  }

  interface Window {
    ServerSocket: typeof ServerSocket;
  }
}
