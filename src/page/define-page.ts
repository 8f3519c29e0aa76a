/**
 * The page module contract: what `pages/**\/*.page.ts` and `*.socket.ts` export.
 *
 * A page is PHP that never ends: the method handler (`get`, `post`, …) renders the response, and
 * whatever it set up — `state`, closures passed to `page.on`, timers, subscriptions, owned
 * resources — stays alive in the page instance for the events its browser tab sends later.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import type { AsyncOutcome, AsyncWork } from './async-work.js';

/** Marks values made by definePage/defineSocket; a symbol from the global registry survives module reloads. */
export const PAGE_BRAND: unique symbol = Symbol.for('pagebound.page') as never;
export const SOCKET_BRAND: unique symbol = Symbol.for('pagebound.socket') as never;

/** What a method handler gets about the request, and how it shapes the response. */
export interface RequestContext<P extends Record<string, string> = Record<string, string>> {
  /** Route parameters: `users/[id].page.ts` gives `params.id`; a catch-all gives the rest of the path. */
  readonly params: P;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly cookies: Record<string, string | undefined>;
  /** The parsed body on POST/PUT/PATCH: form fields (urlencoded or multipart) or JSON. */
  readonly body: Record<string, unknown> | undefined;
  /** Files of a multipart form (`enctype="multipart/form-data"`), read within `maxUploadBytes` each. */
  readonly files: readonly UploadedFile[];
  /** The message `flash()`ed by the previous request (shown once), also in the template as `it.flash`. */
  readonly flashed: string | undefined;
  /** The path pagebound is mounted under (`''` at the root; `'/app'` with `prefix: '/app'`), also `it.base`. */
  readonly base: string;
  readonly method: string;
  /** Path and query of the request. */
  readonly url: string;
  /** The per-response CSP nonce; put it on your own inline scripts: `<script nonce="<%= it.nonce %>">`. */
  readonly nonce: string;
  /** Sets the response status (default 200). */
  status(code: number): void;
  /** Sets a response header. A CR, LF or other control character in it makes the request a 500 (`PB_ERR_HEADER_INVALID`). */
  header(name: string, value: string): void;
  /**
   * Ends the request with a redirect instead of a page (default 303 See Other, right after a POST).
   * Only to this site unless `{ allowOtherHost: true }` (`PB_ERR_REDIRECT_HOST`), and only to
   * http(s) URLs (`PB_ERR_REDIRECT_SCHEME`), so `ctx.redirect(ctx.query.next)` cannot become an open redirect.
   * @example ctx.redirect('/thanks'); ctx.redirect('https://pay.example/', { allowOtherHost: true, code: 302 })
   */
  redirect(url: string, codeOrOptions?: number | RedirectOptions): Redirect;
  /**
   * Leaves a one-shot message for the next page this browser renders (after a redirect, typically):
   * it appears there as `it.flash` once. Up to 1024 characters.
   */
  flash(message: string): void;
  /** Escape hatches to Fastify. */
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** Options of `ctx.redirect()`. */
export interface RedirectOptions {
  /** The status. Default 303. */
  code?: number;
  /** Allow a target on another host (as Rails' `allow_other_host`). Default false. */
  allowOtherHost?: boolean;
}

/** A file posted in a multipart form. */
export interface UploadedFile {
  /** The form field it was posted under. */
  readonly field: string;
  /** The name the browser gave: untrusted, never use it as a path. */
  readonly filename: string;
  /** The type the browser claimed: untrusted. */
  readonly mimetype: string;
  readonly data: Buffer;
}

/** Returned by `ctx.redirect()`. */
export interface Redirect { readonly redirect: string; readonly code: number }

export type Cleanup = (() => unknown) | { close(): unknown } | Disposable | AsyncDisposable;

/** The live page instance, as handlers see it. */
export interface Page<S = unknown> {
  /** The page id (SessionID). */
  readonly id: string;
  /** The route pattern this instance was rendered for, e.g. `/chat/:room`. */
  readonly route: string;
  /** Per-instance state from `definePage({ state })`. */
  state: S;
  /** Aborted when the instance closes. */
  readonly signal: AbortSignal;
  readonly closed: boolean;
  /** Handles client event `name` (registered while rendering, or later). */
  on(name: string, handler: EventHandler<S>): void;
  /** Pushes event `name` to this page's client only. */
  emit(name: string, data?: unknown): void;
  /** Same as `emit('message', data)`. */
  send(data: unknown): void;
  /**
   * Redraws now: the page's template is rendered again and the regions that changed are morphed
   * into the browser. Pages redraw by themselves after each event, timer and message; call this
   * to show progress in the middle of a long handler.
   */
  render(): void;
  /**
   * Runs `work` outside the page's mailbox, so events go on meanwhile; `job.report(fn)` and the
   * outcome run inside it (and the page redraws after each). Cancelled when the page closes, or by
   * the function returned.
   * @example
   * page.startAsync(async (job) => {
   *   for (let i = 1; i <= 10; i++) { await step(job.signal); job.report((p) => { p.state.done = i * 10; }); }
   * }, { result: (_v, p) => { p.state.status = 'finished'; }, error: (_e, p) => { p.state.status = 'stopped'; } });
   */
  startAsync<T>(work: AsyncWork<S, T>, outcome?: AsyncOutcome<S, T>): () => void;
  /** Keeps `resource` until the page closes, then disposes it (Symbol.asyncDispose, Symbol.dispose, close(), or a function). */
  own<T extends Cleanup>(resource: T): T;
  /** A timer whose callback runs in the page's mailbox and that is cleared when the page closes. */
  setTimeout(fn: () => unknown, ms: number): () => void;
  setInterval(fn: () => unknown, ms: number): () => void;
  /** Receives `publish`ed data for `topic` in the page's mailbox until the page closes. Returns an unsubscribe. */
  subscribe<T = unknown>(topic: string, fn: (data: T) => unknown): () => void;
  /** Sends `data` to every subscriber of `topic` in this process, this page included. */
  publish(topic: string, data: unknown): void;
  /** Runs when the page closes, after handlers and before owned resources are disposed. */
  onClose(fn: () => unknown): void;
  /** Closes the page now. */
  close(): Promise<void>;
  /** The page's byte stream (client `serverSocket.read()`/`write()`). */
  readonly stream: Duplex;
}

/** What a handler learns about the event it is running for. */
export interface EventContext {
  /**
   * Stable for this event across reconnects and resends, unique per page: use it as an idempotency
   * key for side effects outside the page (a payment, an email).
   */
  readonly key: string;
  /** Aborted when the handler runs past `eventTimeoutMs`; the page has moved on by then. */
  readonly signal: AbortSignal;
}

export type EventHandler<S = unknown> = (data: any, page: Page<S>, event: EventContext) => unknown;

type MethodHandler<S, P extends Record<string, string>> = (
  ctx: RequestContext<P>,
  page: Page<S>,
) => Record<string, unknown> | Redirect | void | Promise<Record<string, unknown> | Redirect | void>;

interface LiveHandlers<S> {
  /** Named event handlers: `on: { test_click(data, page) {} }`. Only these names are accepted. */
  on?: Record<string, EventHandler<S>>;
  /** Catch-all for event names without a named handler. */
  __serverSocketEvent?(name: string, data: any, page: Page<S>, event: EventContext): unknown;
  /** Runs once when the instance closes. */
  onClose?(page: Page<S>): unknown;
}

export interface PageDefinition<S = undefined, P extends Record<string, string> = Record<string, string>>
  extends LiveHandlers<S> {
  /** Template file, relative to the page file. Default: the page's name with `.eta` (`counter.page.ts` → `counter.eta`). */
  template?: string;
  /** Inline Eta template instead of a file. */
  inline?: string;
  /** Layout template relative to the page file, or false for none. Default: the nearest `_layout.eta` up the folder tree. */
  layout?: string | false;
  /** Creates the instance's state for each render. */
  state?: (ctx: RequestContext<P>) => S;
  /** Keep an instance even with no handlers (a page that only pushes). Default: live when it has handlers, timers, subscriptions or owned resources. */
  live?: boolean;
  /**
   * Redraw the page after each event, timer or message that changes what its template renders
   * (the changed `data-pb-region`s, else the body, morphed in). Default true; false for pages that
   * draw their updates with their own script.
   */
  redraw?: boolean;
  /** Load the browser runtime on a page that is not live, for `new ServerSocket(path)`. Default false. */
  client?: boolean;
  get?: MethodHandler<S, P>;
  post?: MethodHandler<S, P>;
  put?: MethodHandler<S, P>;
  patch?: MethodHandler<S, P>;
  delete?: MethodHandler<S, P>;
}

export interface DefinedPage<S = any, P extends Record<string, string> = any> extends PageDefinition<S, P> {
  readonly [PAGE_BRAND]: true;
}

export interface SocketDefinition<S = undefined> extends LiveHandlers<S> {
  state?: () => S;
  /** Runs when a client opens this socket module with `new ServerSocket(path)`. */
  open?(page: Page<S>): unknown;
}

export interface DefinedSocket<S = any> extends SocketDefinition<S> {
  readonly [SOCKET_BRAND]: true;
}

/**
 * Declares a page.
 * @example
 * export default definePage({
 *   state: () => ({ count: 0 }),
 *   get: (ctx, page) => ({ count: page.state.count }),
 *   on: { inc(_data, page) { page.emit('count', ++page.state.count) } },
 * });
 */
export function definePage<S = undefined, P extends Record<string, string> = Record<string, string>>(
  definition: PageDefinition<S, P>,
): DefinedPage<S, P> {
  return Object.freeze({ ...definition, [PAGE_BRAND]: true as const });
}

/**
 * Declares a socket-only module (`pages/**\/*.socket.ts`), reached with `new ServerSocket('/path')`.
 * @example
 * export default defineSocket({ on: { ping: () => 'pong' } });
 */
export function defineSocket<S = undefined>(definition: SocketDefinition<S>): DefinedSocket<S> {
  return Object.freeze({ ...definition, [SOCKET_BRAND]: true as const });
}

export const isDefinedPage = (x: unknown): x is DefinedPage =>
  typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PAGE_BRAND] === true;
export const isDefinedSocket = (x: unknown): x is DefinedSocket =>
  typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SOCKET_BRAND] === true;
