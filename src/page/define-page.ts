/**
 * The page module contract: what `pages/**\/*.page.ts` and `*.socket.ts` export.
 *
 * A page is PHP that never ends: the method handler (`get`, `post`, …) renders the response, and
 * whatever it set up — `state`, closures passed to `page.on`, timers, subscriptions, owned
 * resources — stays alive in the page instance for the events its browser tab sends later.
 *
 * Types flow from the declaration, never from generics: `state` types `page.state`, an event's
 * Standard Schema types its data (and is checked before the handler runs), `emits` types
 * `page.emit`, and the route parameters come from the file name through the generated
 * `./$types/<page>.js` module (src/routing/route-types.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { isStandardSchema, issuePaths, validateEvent } from './validate-event.js';
import { PB_ERR_EVENT_INVALID } from '../errors.js';
import type { AsyncOutcome, AsyncWork } from './async-work.js';
import type { ListDeclaration, ListDeclarations, ListItem, LiveList } from './live-list.js';
import type { AsyncKeys, LoadWork } from './assign-async.js';
import { REGION_NAME_RE } from '../protocol/constants.js';
import { checkUploadOptions, UPLOAD_OPTIONS, type UploadOptions } from '../upload/limits.js';
import type { ReceivedFile } from '../upload/received-file.js';

/** Marks values made by definePage/defineSocket; a symbol from the global registry survives module reloads. */
export const PAGE_BRAND: unique symbol = Symbol.for('pagebound.page') as never;
export const SOCKET_BRAND: unique symbol = Symbol.for('pagebound.socket') as never;
/** Marks a value made by `ctx.redirect()`: a redirect is recognised by this brand, never by its shape. */
export const REDIRECT_BRAND: unique symbol = Symbol.for('pagebound.redirect') as never;

/** Route parameters, all strings: `users/[id].page.ts` → `{ id }`; a catch-all is the rest of the path. */
export type Params = { readonly [name: string]: string };

/** What a method handler gets about the request, and how it shapes the response. */
export interface RequestContext<P extends Params = Params> {
  /** Route parameters: `users/[id].page.ts` gives `params.id`; a catch-all gives the rest of the path. */
  readonly params: P;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly cookies: Record<string, string | undefined>;
  /** The parsed body on POST/PUT/PATCH: form fields (urlencoded or multipart) or JSON. */
  readonly body: Record<string, unknown> | undefined;
  /** The files of a multipart form, read within `maxUploadBytes`, `maxUploadFiles`. */
  readonly files: readonly UploadedFile[];
  /** The one-shot message a previous request left with `ctx.flash()` (also `it.flash`), if any. */
  readonly flashed: string | undefined;
  /** The prefix pagebound is registered under (`''` at the root), for links: `${ctx.base}/users`. */
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
   * Leaves a one-shot message for the next page this browser renders (after a redirect, typically):
   * it appears there as `it.flash` once. Up to 1024 characters.
   */
  flash(message: string): void;
  /**
   * Ends the request with a redirect instead of a page (default 303 See Other, right after a POST).
   * Only to this site unless `{ allowOtherHost: true }` (`PB_ERR_REDIRECT_HOST`), and only to
   * http(s) URLs (`PB_ERR_REDIRECT_SCHEME`), so `ctx.redirect(ctx.query.next)` cannot become an open redirect.
   * @example ctx.redirect('/thanks'); ctx.redirect('https://pay.example/', { allowOtherHost: true, code: 302 })
   */
  redirect(url: string, codeOrOptions?: number | RedirectOptions): Redirect;
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

/** Returned by `ctx.redirect()`; only that function makes one. */
export interface Redirect {
  readonly [REDIRECT_BRAND]: true;
  readonly redirect: string;
  readonly code: number;
}

export const makeRedirect = (url: string, code: number): Redirect => ({ [REDIRECT_BRAND]: true, redirect: url, code });
export const isRedirect = (x: unknown): x is Redirect =>
  typeof x === 'object' && x !== null && (x as Partial<Redirect>)[REDIRECT_BRAND] === true;

export type Cleanup = (() => unknown) | { close(): unknown } | Disposable | AsyncDisposable;

/**
 * What a page pushes, by name: `emits: { count: z.number() }`. Used for types (`page.emit` and the
 * browser's listeners); pushes are not validated at run time, the server trusts its own code.
 */
export type EmitSchemas = { readonly [name: string]: StandardSchemaV1 };

type EmitData<E extends EmitSchemas, K extends keyof E> = StandardSchemaV1.InferInput<E[K]>;
/** The data argument of `emit`: optional only when the declared data may be undefined. */
type EmitArgs<E extends EmitSchemas, K extends keyof E> =
  undefined extends EmitData<E, K> ? [data?: EmitData<E, K>] : [data: EmitData<E, K>];

/** A list name the page declared (any string where the declarations are not known). */
type ListName<L extends ListDeclarations> = keyof L & string;

/** The live page instance, as handlers see it. `L`: its `lists` declarations, which type `page.list`. */
export interface Page<S = unknown, E extends EmitSchemas = EmitSchemas, L extends ListDeclarations = ListDeclarations> {
  /** The page id (SessionID). */
  readonly id: string;
  /** The route pattern this instance was rendered for, e.g. `/chat/:room`. */
  readonly route: string;
  /** Per-instance state from `definePage({ state })`. */
  state: S;
  /** Aborted when the instance closes. */
  readonly signal: AbortSignal;
  readonly closed: boolean;
  /** Handles client event `name` (registered while rendering, or later): a function, or `{ schema, handler }`. */
  on<Sch extends StandardSchemaV1>(name: string, handler: EventHandler<S, E> | ValidatedEvent<S, E, Sch> | UploadEvent<S, E, StandardSchemaV1.InferOutput<Sch>>): void;
  /** Pushes event `name` to this page's client only. With `emits` declared, only those names and data. */
  emit<K extends keyof E & string>(name: K, ...data: EmitArgs<E, K>): void;
  /** Same as `emit('message', data)`. */
  send(...data: 'message' extends keyof E ? EmitArgs<E, 'message'> : [data: never]): void;
  /**
   * Redraws now: the page's template is rendered again and the regions that changed are morphed
   * into the browser. Pages redraw by themselves after each event, timer and message; call this
   * to show progress in the middle of a long handler.
   */
  render(): void;
  /**
   * Shows `message` once: the redraw of this task renders it as `it.flash` (the same variable a
   * request's `ctx.flash()` fills after a redirect; escape it with `<%= %>`), and the next redraw
   * renders without it. Not kept in the state, so not in a durable page's snapshot. Up to 1024
   * characters (PB_ERR_FLASH_TOO_LARGE). A page with `redraw: false` does not show it.
   * @example clear(_d, page) { page.state.todos = page.state.todos.filter((t) => !t.done); page.flash('Cleared.'); }
   */
  flash(message: string): void;
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
  /**
   * Loads state field `key` (an `AsyncValue`, first `loading()`) outside the mailbox: it is
   * `{ loading: true }` now and `{ loading: false, ok: true, value }` (or `ok: false, error`) when
   * the work ends, and the page redraws then. A new call for the same field cancels the load under
   * way; so does the function returned. Call it in `mount` so a restored durable page loads again.
   * @example mount(page) { page.assignAsync('stats', (signal) => loadStats(signal)); }
   */
  assignAsync<K extends AsyncKeys<S>>(key: K, work: LoadWork<S, K>): () => void;
  /**
   * The keyed list `name`, declared in `definePage({ lists })`: its items are added and removed by
   * id and rendered once, by the list's item template, into the page's `data-pb-list="name"` element
   * — the list is neither kept in the state nor sent again (docs/protocol.md §2.4).
   * Only declared names; the items are typed by `list<T>()` in the declaration.
   * @example page.list('messages').append({ id: '1', text: 'hi' });
   */
  list<K extends ListName<L>>(name: K): LiveList<ListItem<L[K]>>;
  /** The same, its item type given here (for a list declared without `list<T>()`). */
  list<T>(name: ListName<L>): LiveList<T>;
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
  /**
   * The files a live form sent with this event, for a handler that declares `upload`: temp files the
   * page deletes once the handler is done (`moveTo()` one to keep it). Empty for other events.
   */
  readonly files: readonly ReceivedFile[];
}

/** An event handler without a schema: its data is whatever JSON the client sent, so `unknown`. */
export type EventHandler<S = unknown, E extends EmitSchemas = EmitSchemas, L extends ListDeclarations = ListDeclarations> =
  (data: unknown, page: Page<S, E, L>, event: EventContext) => unknown;

/** An event handler whose data is checked by `schema` before it runs, and typed by it. */
export interface ValidatedEvent<S, E extends EmitSchemas, Sch extends StandardSchemaV1, R = unknown, L extends ListDeclarations = ListDeclarations> {
  readonly schema: Sch;
  /** Takes the files of its form's `<input type="file">`s, within these limits (`true`: the app's defaults). */
  readonly upload?: UploadOptions | true;
  handler(data: StandardSchemaV1.InferOutput<Sch>, page: Page<S, E, L>, event: EventContext): R;
}

/**
 * A live form's event that takes the files of its `<input type="file">`s, within the `upload`
 * limits (`true`: the app's `maxUploadBytes` and `maxUploadFiles`, any type). The data is the
 * form's other fields (add a `schema` to check and type them); the files are in `event.files`.
 * @example
 * save: { upload: { maxFileBytes: 5 << 20, accept: ['image/*'] }, async handler(_data, page, event) {
 *   for (const file of event.files) await file.moveTo(`/srv/avatars/${page.id}-${randomUUID()}`);
 * } }
 */
export interface UploadEvent<S, E extends EmitSchemas, D = unknown, R = unknown, L extends ListDeclarations = ListDeclarations> {
  readonly upload: UploadOptions | true;
  readonly schema?: never;
  handler(data: D, page: Page<S, E, L>, event: EventContext): R;
}

/**
 * The `on` object: each entry is a plain handler (data `unknown`) or `{ schema, handler }` whose data
 * is the schema's output. `On` maps each name to that data type; TypeScript infers it per entry
 * (a reverse mapped type), which also gives each handler its contextual types.
 */
export type EventMap<S, E extends EmitSchemas, On, L extends ListDeclarations = ListDeclarations> = {
  [K in keyof On]: EventHandler<S, E, L> | ValidatedEvent<S, E, StandardSchemaV1<unknown, On[K]>, unknown, L> | UploadEvent<S, E, On[K], unknown, L>;
};

/** What the browser may send and gets back, per event: read by `pagebound/client` (PageSocket). */
type ClientEvents<H> = {
  [K in keyof H & string]: H[K] extends { readonly schema: infer Sch extends StandardSchemaV1; handler(...a: never[]): infer R }
    ? { data: StandardSchemaV1.InferInput<Sch>; reply: Awaited<R> }
    : H[K] extends { readonly upload: unknown; handler(...a: never[]): infer R } ? { data: unknown; reply: Awaited<R> }
    : H[K] extends (...a: never[]) => infer R ? { data: unknown; reply: Awaited<R> } : never;
};
type ClientPushes<E extends EmitSchemas> = { [K in keyof E & string]: StandardSchemaV1.InferInput<E[K]> };

/**
 * Type-only facts a browser script reads from `typeof page` (no value at run time). A string key,
 * as Standard Schema's `~standard`, so the client declarations can read it without importing the server's.
 */
export interface ClientContract<H, E extends EmitSchemas> {
  /** Declared events: name → `{ data, reply }`. None declared: the client may send any name. */
  events: ClientEvents<H>;
  /** Pushes: name → data. */
  emits: ClientPushes<E>;
}

/** What a method handler returns: the template's data, a redirect, or nothing. */
type MethodResult = Record<string, unknown> | Redirect | void | Promise<Record<string, unknown> | Redirect | void>;

interface LiveHandlers<S, E extends EmitSchemas, L extends ListDeclarations = ListDeclarations> {
  /** What the page pushes (`page.emit`), by name, as Standard Schemas. Types only. */
  emits?: E;
  /** Catch-all for event names without a named handler. */
  __serverSocketEvent?(name: string, data: unknown, page: Page<S, E, L>, event: EventContext): unknown;
  /** Runs once when the instance closes. */
  onClose?(page: Page<S, E, L>): unknown;
}

export interface PageDefinition<S = undefined, P extends Params = Params, E extends EmitSchemas = EmitSchemas, L extends ListDeclarations = ListDeclarations>
  extends LiveHandlers<S, E, L> {
  /** Template file, relative to the page file. Default: the page's name with `.eta` (`counter.page.ts` → `counter.eta`). */
  template?: string;
  /** Inline Eta template instead of a file. */
  inline?: string;
  /** Layout template relative to the page file, or false for none. Default: the nearest `_layout.eta` up the folder tree. */
  layout?: string | false;
  // Method signatures, not function-typed properties: their parameters compare bivariantly, which
  // lets the generated `./$types` modules narrow `P` on the very same `definePage` function.
  /** Creates the instance's state for each render. */
  state?(ctx: RequestContext<P>): S;
  /**
   * Survives the loss of its node (docs/protocol.md §7.4): after each event, timer or subscription
   * task, `state` (plain JSON, at most `maxDurableStateBytes`) and the connection's position are
   * committed to the store (Redis with `PAGEBOUND_REDIS_URL`, else in memory, which survives no
   * restart), and another node takes the page over when its tab reconnects there. Set up what
   * cannot move — `page.on`, timers, subscriptions, resources — in `mount`. Default false.
   */
  durable?: boolean;
  /**
   * Sets up what lives beside `state`: `page.on()`, timers, subscriptions, owned resources. Runs on
   * the first render after the method handler (`get`, `post`…), and alone on a node that restores a
   * durable page, with `page.state` restored — so the same code sets the page up in both places.
   * @example mount(page) { page.subscribe('room', (m) => page.emit('message', m)); }
   */
  mount?(page: Page<S, E, L>): unknown;
  /**
   * Keyed lists, by name: each item is rendered by `item` (a template relative to the page file,
   * whose one root element's `id` is the item's key) into the page's `data-pb-list="name"` element.
   * Items go in with `page.list(name).append(…)` — in `get`/`mount` for the first rendering, in
   * handlers after it. `limit` keeps at most that many items in the page. `page.list` takes only
   * these names; `list<T>({ … })` types the items too.
   * @example lists: { messages: list<Message>({ item: 'message.eta', limit: 200 }) }
   */
  lists?: L;
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
  get?(ctx: RequestContext<P>, page: Page<S, E, L>): MethodResult;
  post?(ctx: RequestContext<P>, page: Page<S, E, L>): MethodResult;
  put?(ctx: RequestContext<P>, page: Page<S, E, L>): MethodResult;
  patch?(ctx: RequestContext<P>, page: Page<S, E, L>): MethodResult;
  delete?(ctx: RequestContext<P>, page: Page<S, E, L>): MethodResult;
}

/**
 * Named event handlers: `on: { inc(data, page) {} }` or `on: { add: { schema, handler(data, page) {} } }`.
 * Only these names are accepted. `H` is the object as written, kept for the browser's types (replies).
 */
type WithEvents<Def, S, E extends EmitSchemas, On, H, L extends ListDeclarations = ListDeclarations> = Def & { on?: EventMap<S, E, On, L> & H };

/** What definePage returns: the definition with its handlers ready to run (schemas checked first). */
export interface DefinedPage<S = unknown, P extends Params = Params, E extends EmitSchemas = EmitSchemas, H = unknown>
  extends PageDefinition<S, P, E> {
  readonly on?: Readonly<Record<string, EventHandler<S, E>>>;
  readonly [PAGE_BRAND]: true;
  /** Types for the browser side; never set. */
  readonly '~pagebound'?: ClientContract<H, E>;
}

export interface SocketDefinition<S = undefined, E extends EmitSchemas = EmitSchemas> extends LiveHandlers<S, E> {
  state?: () => S;
  /** Runs when a client opens this socket module with `new ServerSocket(path)`. */
  open?(page: Page<S, E>): unknown;
}

export interface DefinedSocket<S = unknown, E extends EmitSchemas = EmitSchemas, H = unknown> extends SocketDefinition<S, E> {
  readonly on?: Readonly<Record<string, EventHandler<S, E>>>;
  readonly [SOCKET_BRAND]: true;
  readonly '~pagebound'?: ClientContract<H, E>;
}

/**
 * `definePage` with the route parameters fixed: what the generated `./$types/<page>.js` exports, so
 * `definePage({...})` in `users/[id].page.ts` knows `ctx.params.id` with no generics.
 */
export type PageDefiner<P extends Params> = <S = undefined, const E extends EmitSchemas = EmitSchemas, On = {}, H = {}, const L extends ListDeclarations = {}>(
  definition: WithEvents<PageDefinition<S, P, E, L>, S, E, On, H, L>,
) => DefinedPage<S, P, E, H>;

/**
 * Wraps each `on` entry into one function: a schema entry validates the data first and, on failure,
 * answers `PB_ERR_EVENT_INVALID` without calling its handler. Checked once, here, so a malformed entry
 * fails when the page module loads rather than on the first event.
 */
export function toEventHandler<S, E extends EmitSchemas>(
  name: string,
  entry: EventHandler<S, E> | {
    readonly schema?: StandardSchemaV1;
    readonly upload?: UploadOptions | true;
    handler(data: never, page: Page<S, E>, event: EventContext): unknown;
  },
): EventHandler<S, E> {
  if (typeof entry === 'function') return entry;
  const upload = typeof entry === 'object' && entry !== null && entry.upload !== undefined ? checkUploadOptions(name, entry.upload) : undefined;
  if (typeof entry !== 'object' || entry === null || typeof entry.handler !== 'function' ||
    (entry.schema === undefined ? !upload : !isStandardSchema(entry.schema))) {
    throw new TypeError(`The handler for "${name}" must be a function, { schema, handler } with a Standard Schema (zod, valibot, …), or { upload, handler }`);
  }
  const { schema } = entry;
  const handler = entry.handler.bind(entry) as (data: unknown, page: Page<S, E>, event: EventContext) => unknown;
  const run: EventHandler<S, E> = schema
    ? async (data, page, event) => {
      const checked = await validateEvent(schema, data);
      if (!checked.ok) throw invalidEvent(name, checked.issues);
      return handler(checked.value, page, event);
    }
    : handler;
  // The page reads it when a form asks to upload for this event (src/upload/page-uploads.ts).
  if (upload) Object.defineProperty(run, UPLOAD_OPTIONS, { value: upload });
  return run;
}

/** The client is told the code and a fixed message (`expose`); the issue paths go to the server log only. */
function invalidEvent(name: string, issues: ReadonlyArray<StandardSchemaV1.Issue>): Error {
  const err = new PB_ERR_EVENT_INVALID(name);
  Object.defineProperty(err, 'expose', { value: true });
  Object.defineProperty(err, 'issues', { value: issuePaths(issues), enumerable: true });
  return err;
}

function normalizeEvents<S, E extends EmitSchemas>(on: unknown): Readonly<Record<string, EventHandler<S, E>>> | undefined {
  if (on === undefined) return undefined;
  if (typeof on !== 'object' || on === null) throw new TypeError('`on` must be an object of event handlers');
  const out: Record<string, EventHandler<S, E>> = {};
  for (const [name, entry] of Object.entries(on)) out[name] = toEventHandler<S, E>(name, entry);
  return Object.freeze(out);
}

/** Checks `lists` once, when the page module loads: a wrong declaration fails there, not on the first item. */
function checkLists(lists: unknown): void {
  if (lists === undefined) return;
  if (typeof lists !== 'object' || lists === null || Array.isArray(lists)) throw new TypeError('`lists` must be an object: { name: { item: \'item.eta\', limit? } }');
  for (const [name, decl] of Object.entries(lists)) {
    const d = decl as Partial<ListDeclaration> | null;
    if (!name || !REGION_NAME_RE.test(name)) throw new TypeError(`The list name "${name}" must be 1–64 characters of [A-Za-z0-9_.:-]`);
    if (typeof d !== 'object' || d === null || typeof d.item !== 'string' || !d.item) {
      throw new TypeError(`The list "${name}" needs { item: 'item.eta' }: the template of one item`);
    }
    if (d.limit !== undefined && !(Number.isSafeInteger(d.limit) && d.limit > 0)) {
      throw new TypeError(`The list "${name}" has a limit that is not a positive integer`);
    }
  }
}

/**
 * Declares a page.
 * @example
 * import { z } from 'zod';
 * import { definePage } from './$types/todo.js';   // or from 'pagebound' for a page without parameters
 * export default definePage({
 *   state: () => ({ items: [] as string[] }),
 *   emits: { added: z.string() },
 *   get: (ctx, page) => ({ items: page.state.items }),
 *   on: {
 *     add: { schema: z.object({ text: z.string().max(200) }), handler({ text }, page) { page.state.items.push(text); page.emit('added', text); } },
 *   },
 * });
 */
export const definePage: PageDefiner<Params> = (definition) => {
  checkLists(definition.lists);
  return Object.freeze({ ...definition, on: normalizeEvents(definition.on), [PAGE_BRAND]: true as const }) as never;
};

/**
 * Declares a socket-only module (`pages/**\/*.socket.ts`), reached with `new ServerSocket('/path')`.
 * @example
 * export default defineSocket({ on: { ping: () => 'pong' } });
 */
export function defineSocket<S = undefined, const E extends EmitSchemas = EmitSchemas, On = {}, H = {}>(
  definition: WithEvents<SocketDefinition<S, E>, S, E, On, H>,
): DefinedSocket<S, E, H> {
  return Object.freeze({ ...definition, on: normalizeEvents(definition.on), [SOCKET_BRAND]: true as const }) as never;
}

export const isDefinedPage = (x: unknown): x is DefinedPage =>
  typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PAGE_BRAND] === true;
export const isDefinedSocket = (x: unknown): x is DefinedSocket =>
  typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SOCKET_BRAND] === true;
