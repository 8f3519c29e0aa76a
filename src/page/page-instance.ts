/**
 * One live page: the actor behind a rendered tab. It holds the page's state, runs its events one at
 * a time through its mailbox, and owns timers, subscriptions and resources until it closes. It
 * pushes through a `PageOutlet` and does not know which transport, or whether any, is attached.
 *
 * Lifecycle (page/lifecycle.ts): rendering → rendered → connected ⇄ disconnected → closed.
 */
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { toEventHandler, type Cleanup, type EmitSchemas, type EventContext, type EventHandler, type Page, type UploadEvent, type ValidatedEvent } from './define-page.js';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { Mailbox } from './mailbox.js';
import { disposeResource, isCleanup } from './resources.js';
import { LifecycleMachine, type Lifecycle } from './lifecycle.js';
import { WarnLimiter } from './warn-limiter.js';
import type { OutletFactory, PageActor, PageOutlet } from './outlet.js';
import type { ErrorInfo } from '../protocol/frames.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { PB_ERR_EVENT_TIMEOUT, PB_ERR_EVENT_UNKNOWN, PB_ERR_HANDLER, PB_ERR_LIST_UNKNOWN, PB_ERR_PAGE_CLOSED } from '../errors.js';
import { createPageStream, type PageStream } from './page-stream.js';
import { runAsync, type AsyncOutcome, type AsyncWork } from './async-work.js';
import { PageLists, type ListItems, type LiveList } from './live-list.js';
import { assignAsync, type LoadWork } from './assign-async.js';
import { UPLOAD_EVENT } from '../protocol/constants.js';
import { namesUpload, notAccepted, PageUploads, type UploadShared } from '../upload/page-uploads.js';
import { uploadOptionsOf } from '../upload/limits.js';
import type { ReceivedFile } from '../upload/received-file.js';
import { flashText } from '../forms/flash.js';

export type { Lifecycle } from './lifecycle.js';

/** What every page of an app shares: made once, so a page costs only its own fields. */
export interface PageShared {
  dev: boolean;
  retainMs: number;
  connectTimeoutMs: number;
  /** How long an async event handler may run before its event is answered PB_ERR_EVENT_TIMEOUT. */
  eventTimeoutMs: number;
  pubsub: PubSub;
  log: FastifyBaseLogger;
  /** Connects the page to its client: the endpoint in an app, a recorder in tests. */
  outlet: OutletFactory;
  /** Called once the instance has closed, so the registry forgets it. */
  onClosed: (instance: PageInstance<any>) => void;
  /** Temp files and quota for live-form uploads; without it pages take no files. */
  uploads?: UploadShared;
}

/** What every page of one definition shares. */
export interface PageKind {
  handlers?: Record<string, EventHandler<any>>;
  catchAll?: (name: string, data: unknown, page: Page<any>, event: EventContext) => unknown;
  onClose?: (page: Page<any>) => unknown;
  live?: boolean;
}

/**
 * What a durable page (src/durable/) is told: the end of each mailbox task, with the client
 * sequence of the event it ran, so the state and position are committed between tasks; and its
 * close, whose final commit or removal it awaits. `handsOff` says a close leaves the page to another node.
 */
export interface DurableHooks {
  taskDone(seq: number | undefined): void;
  handsOff(reason: string): boolean;
  closed(reason: string): Promise<void>;
}

/**
 * Renders the page again (src/render/redraw.ts): the `[name, html]` regions that changed since the
 * rendering it last returned, none when nothing did. Set by the render on a page that redraws.
 */
export interface Redrawer {
  /** `force`: render even when the state looks unchanged (`page.render()`); `flash`: the task's `page.flash()` message. `title`: the new `<title>` markup, when it changed. */
  next(state: unknown, force?: boolean, flash?: string): { regions: Array<[string, string]>; title?: string };
}

const NO_KIND: PageKind = {};
const hasOwn = Object.prototype.hasOwnProperty;

/** A digest of the page id: identifies a page in logs without being usable as its SessionID. */
export const logIdOf = (id: string): string => createHash('sha256').update(id).digest('base64url').slice(0, 10);

const settled = Symbol('settled');

export class PageInstance<S = unknown> implements Page<S>, PageActor {
  readonly id: string;
  readonly route: string;
  readonly createdAt = Date.now();
  state: S = undefined as S;
  #sessionId = '';
  readonly #opts: PageShared;
  #kind: PageKind;
  readonly #life: LifecycleMachine;
  /** Handlers added with `page.on()`; the definition's own are read from #kind. Made on first use. */
  #handlers: Map<string, EventHandler<S>> | undefined;
  /** Made on first use: a render that leaves nothing live never needs one. */
  #box: Mailbox | undefined;
  #outletMade: PageOutlet | undefined;
  #abort: AbortController | undefined;
  readonly #cleanups: Cleanup[] = [];
  #onClose: Array<() => unknown> | undefined;
  #logger: FastifyBaseLogger | undefined;
  #warnings: WarnLimiter | undefined;
  #closing: Promise<void> | undefined;
  #stream: PageStream | undefined;
  /** Made by the first upload request. */
  #uploads: PageUploads | undefined;
  /** Set for a durable page (src/durable/); undefined otherwise, so other pages pay one check per task. */
  durable: DurableHooks | undefined;
  /** Redraws the page after each task that changed what its template renders; see `Redrawer`. */
  redrawer: Redrawer | undefined;
  /** A redraw waited for a connection: the next one gets the latest rendering, not each one missed. */
  #redrawBehind = false;
  /** `page.flash()`'s message, until a redraw renders it (one made while disconnected waits with it). */
  #flash: string | undefined;
  /** Renders the items of the page's keyed lists; set by the render on a page that declares lists. */
  listItems: ListItems | undefined;
  /** Made on the first `page.list()`. */
  #lists: PageLists | undefined;
  /** A task that sends list operations made outside any task is in the mailbox. */
  #listFlush = false;
  /** The first rendering took the lists' content: operations from now on are sent. */
  #listsRendered = false;

  constructor(id: string, route: string, shared: PageShared, kind: PageKind = NO_KIND) {
    this.#opts = shared;
    this.#kind = kind;
    this.id = id;
    this.route = route;
    this.#life = new LifecycleMachine(shared, (reason) => void this.close(reason));
  }

  /** The browser session that owns the page; set once, when it is admitted. */
  get sessionId(): string {
    return this.#sessionId;
  }
  get lifecycle(): Lifecycle {
    return this.#life.state;
  }
  get closed(): boolean {
    return this.#life.state === 'closed';
  }
  get signal(): AbortSignal {
    // Made on first use: most pages never ask, and every render of a non-live page makes an instance.
    this.#abort ??= new AbortController();
    if (this.closed && !this.#abort.signal.aborted) this.#abort.abort('page closed');
    return this.#abort.signal;
  }
  get mailboxSize(): number {
    return this.#box?.size ?? 0;
  }
  /** Whether a live client holds a connection to the page right now (see Registry's eviction). */
  get held(): boolean {
    return this.#outletMade?.holding ?? false;
  }
  get mailboxBytes(): number {
    return this.#box?.weight ?? 0;
  }
  /** Client bytes not taken yet: stream bytes the page has not read, upload bytes the disk has not written. */
  get streamBacklog(): number {
    return (this.#stream?.readableLength ?? 0) + (this.#uploads?.backlog ?? 0);
  }

  get #mailbox(): Mailbox {
    if (!this.#box) {
      this.#box = new Mailbox((err) => this.#report(err, 'task'));
      // A closed page's mailbox takes nothing, even one made after the close.
      if (this.closed) this.#box.close();
    }
    return this.#box;
  }

  /** Made on first use: a page that never turns live (most renders) never gets an endpoint. */
  get #outlet(): PageOutlet {
    this.#outletMade ??= this.#opts.outlet(this);
    return this.#outletMade;
  }

  get #log(): FastifyBaseLogger {
    this.#logger ??= this.#opts.log.child({ page: logIdOf(this.id), route: this.route });
    return this.#logger;
  }
  /** Resolves once the mailbox task running now has finished (a drain waits for it). */
  settled(): Promise<void> {
    return this.#mailbox.settled();
  }

  /** Whether rendering left anything that needs the page to stay alive. */
  get isLive(): boolean {
    const k = this.#kind;
    return k.live === true || (this.#handlers?.size ?? 0) > 0 || k.catchAll !== undefined || this.#cleanups.length > 0 ||
      (k.handlers !== undefined && Object.keys(k.handlers).length > 0);
  }

  // ---- the Page API handlers use ----

  on<Sch extends StandardSchemaV1>(name: string, handler: EventHandler<S> | ValidatedEvent<S, EmitSchemas, Sch> | UploadEvent<S, EmitSchemas, StandardSchemaV1.InferOutput<Sch>>): void {
    (this.#handlers ??= new Map()).set(name, toEventHandler(name, handler));
  }

  emit(name: string, data?: unknown): void {
    if (this.closed) throw new PB_ERR_PAGE_CLOSED();
    this.#outlet.push(data === undefined ? { t: 'ev', n: name } : { t: 'ev', n: name, d: data });
  }

  send(data: unknown): void {
    this.emit('message', data);
  }

  render(): void {
    if (this.closed) throw new PB_ERR_PAGE_CLOSED();
    this.#redraw(true);
  }

  flash(message: string): void {
    if (this.closed) throw new PB_ERR_PAGE_CLOSED();
    this.#flash = flashText(message);
  }

  startAsync<T>(work: AsyncWork<S, T>, outcome: AsyncOutcome<S, T> = {}): () => void {
    if (this.closed) throw new PB_ERR_PAGE_CLOSED();
    return runAsync<S, T>(this, work, outcome, (task) => this.#mailbox.post(() => this.#runReported(task, 'async')));
  }

  list<T = unknown>(name: string): LiveList<T> {
    if (this.closed) throw new PB_ERR_PAGE_CLOSED();
    if (!this.#lists) {
      if (!this.listItems) throw new PB_ERR_LIST_UNKNOWN(String(name));
      this.#lists = new PageLists(this.listItems, () => this.#listQueued(), this.#listsRendered);
    }
    return this.#lists.get<T>(name);
  }

  // Loosely typed here: handlers see `Page<S>`'s signature, which ties `key` to the state's fields.
  assignAsync(key: string, work: (signal: AbortSignal) => unknown): () => void {
    return assignAsync(this as Page<any>, key, work as LoadWork<any, string>);
  }

  /** The render takes the lists' first content (into the HTML); later operations are sent as frames. */
  takeInitialLists(): Map<string, string> | undefined {
    this.#listsRendered = true;
    return this.#lists?.takeInitial();
  }

  own<T extends Cleanup>(resource: T): T {
    if (!isCleanup(resource)) throw new TypeError('page.own() takes a function, a close() method or a Symbol.dispose/asyncDispose resource');
    if (this.closed) {
      void disposeResource(resource).catch((err) => this.#report(err, 'own'));
      throw new PB_ERR_PAGE_CLOSED();
    }
    this.#cleanups.push(resource);
    return resource;
  }

  setTimeout(fn: () => unknown, ms: number): () => void {
    const timer = setTimeout(() => {
      this.#forget(cancel);
      this.#mailbox.post(() => this.#runReported(fn, 'timer'));
    }, ms);
    const cancel = () => clearTimeout(timer);
    this.own(cancel);
    return () => { cancel(); this.#forget(cancel); };
  }

  setInterval(fn: () => unknown, ms: number): () => void {
    const timer = setInterval(() => this.#mailbox.post(() => this.#runReported(fn, 'timer')), ms);
    const cancel = () => clearInterval(timer);
    this.own(cancel);
    return () => { cancel(); this.#forget(cancel); };
  }

  subscribe<T = unknown>(topic: string, fn: (data: T) => unknown): () => void {
    const off = this.#opts.pubsub.subscribe(topic, (data) => {
      this.#mailbox.post(() => this.#runReported(() => fn(data as T), 'subscription'));
    });
    this.own(off);
    return () => { off(); this.#forget(off); };
  }

  publish(topic: string, data: unknown): void {
    this.#opts.pubsub.publish(topic, data);
  }

  onClose(fn: () => unknown): void {
    (this.#onClose ??= []).push(fn);
  }

  get stream(): Duplex {
    if (!this.#stream) {
      const stream = createPageStream(this.#outlet);
      this.own(() => stream.destroy());
      this.#stream = stream;
    }
    return this.#stream;
  }

  // ---- lifecycle and the endpoint's side (PageActor) ----

  /** The render left the page live: it now belongs to `sessionId` and waits for its first connection. */
  admitted(sessionId: string): void {
    if (!this.#life.to('rendered')) return;
    this.#sessionId = sessionId;
    void this.#outlet;
  }

  connected(): void {
    this.#life.to('connected');
    if (this.#redrawBehind) {
      this.#redrawBehind = false;
      // After the endpoint's welcome and replay, which follow this call.
      queueMicrotask(() => this.#mailbox.post(() => this.#redraw()));
    }
  }

  disconnected(): void {
    this.#life.to('disconnected');
  }

  takeEvent(s: number, name: string, data: unknown, bytes = 0): void {
    this.#mailbox.post(this.durable ? () => this.#dispatchDurable(s, name, data) : () => this.#dispatch(s, name, data), bytes);
  }

  takeStream(bytes: Uint8Array): void {
    if (!this.closed) (this.stream as PageStream).pushRemote(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  mailboxBelow(n: number): Promise<void> {
    return this.#mailbox.whenBelow(n);
  }

  takeUpload(u: number, bytes: Uint8Array): void {
    if (!this.closed) this.#uploads?.write(u, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  streamRead(): Promise<void> {
    const waits: Array<Promise<void>> = [];
    if (this.#stream?.readableLength) waits.push(this.#stream.whenRead());
    if (this.#uploads?.backlog) waits.push(this.#uploads.drained());
    return waits.length ? Promise.race(waits) : Promise.resolve();
  }

  /** Closes the instance once: onClose hooks, then owned resources in reverse order, then the client. */
  close(reason: string = 'closed'): Promise<void> {
    this.#closing ??= this.#doClose(reason);
    return this.#closing;
  }

  async #doClose(reason: string): Promise<void> {
    this.#life.to('closed');
    this.#box?.close();
    // A string reason: an aborted signal without one builds a DOMException and its stack.
    this.#abort?.abort('page closed');
    this.#log.debug({ reason }, 'page closed');
    const hooks = this.#kind.onClose ? [() => this.#kind.onClose!(this), ...(this.#onClose ?? [])] : this.#onClose ?? [];
    for (const fn of hooks) {
      try { await fn(); } catch (err) { this.#report(err, 'onClose'); }
    }
    for (const resource of this.#cleanups.splice(0).reverse()) {
      try { await disposeResource(resource); } catch (err) { this.#report(err, 'dispose'); }
    }
    await this.#uploads?.close();
    const durable = this.durable;
    if (durable) await durable.closed(reason);
    this.#outletMade?.end(durable?.handsOff(reason) ?? false);
    this.#opts.onClosed(this);
  }

  // ---- dev hooks (src/dev/dev-loop.ts) ----

  /** Dev: told of every failure in a handler, timer, subscription or redraw (`where`), for the browser's error overlay. */
  devOnError: ((err: unknown, where?: string) => void) | undefined;

  /**
   * Dev: takes the declared handlers of an edited page module, keeping the state. Refused (false,
   * nothing changed) when old code is still held where it cannot be swapped — handlers added with
   * `page.on()`, timers, subscriptions, owned resources: only a fresh render runs those anew.
   */
  devSwapHandlers(next: Pick<PageKind, 'handlers' | 'catchAll' | 'onClose'>): boolean {
    if (this.#cleanups.length > 0 || (this.#handlers?.size ?? 0) > 0) return false;
    this.#kind = { ...this.#kind, handlers: next.handlers, catchAll: next.catchAll, onClose: next.onClose };
    return true;
  }

  // ---- internals ----

  async #dispatchDurable(s: number, name: string, data: unknown): Promise<void> {
    await this.#dispatch(s, name, data);
    this.durable?.taskDone(s);
  }

  /** A named handler: one added with `page.on()`, else the definition's own (own properties only). */
  #handlerFor(name: string): EventHandler<S> | undefined {
    const own = this.#kind.handlers;
    // Own properties only: `constructor`, `__proto__` and friends are never handlers.
    return this.#handlers?.get(name) ?? (own && hasOwn.call(own, name) ? own[name] : undefined);
  }

  async #dispatch(s: number, name: string, data: unknown): Promise<void> {
    if (name === UPLOAD_EVENT) return this.#beginUpload(s, data);
    const named = this.#handlerFor(name);
    const catchAll = this.#kind.catchAll;
    if (!named && !catchAll) {
      const err = new PB_ERR_EVENT_UNKNOWN();
      this.#warn({ code: err.code }, 'undeclared event');
      this.#reply(s, { code: err.code, message: err.message });
      return;
    }
    // A live form's files (src/upload/): on disk before the handler runs, deleted once it is done.
    const taken = namesUpload(data) ? await (this.#uploads?.take(name, data) ?? notAccepted()) : undefined;
    if (taken instanceof Error) return this.#reply(s, this.#errorInfo(taken, name));
    const event = new HandlerEvent(this.id, s, taken?.files);
    try {
      const input = taken ? taken.data : data;
      const ran = named ? named(input, this, event) : catchAll!(name, input, this, event);
      if (taken && isThenable(ran)) ran.then(taken.done, taken.done);
      else taken?.done();
      const result = isThenable(ran) ? await this.#withTimeout(ran, event) : ran;
      // Before the reply, so the client's reply handler sees the page as the handler left it.
      this.#redraw();
      if (result === settled || this.closed) return;
      this.#outlet.push(result === undefined ? { t: 're', re: s, ok: true } : { t: 're', re: s, ok: true, d: result });
    } catch (err) {
      taken?.done();
      // A payload its schema refused is the client's mistake, not the page's: a warning, not an error.
      this.#log[(err as { code?: unknown })?.code === 'PB_ERR_EVENT_INVALID' ? 'warn' : 'error']({ err, event: name }, 'event handler failed');
      this.devOnError?.(err);
      this.#redraw();
      this.#reply(s, this.#errorInfo(err, name));
    }
  }

  /** The runtime's `pb:upload` request for a form's files: granted, or refused with a typed error. */
  async #beginUpload(s: number, data: unknown): Promise<void> {
    const shared = this.#opts.uploads;
    // A durable page's temp files could not move with it to another node.
    if (!shared || this.durable) return this.#reply(s, this.#errorInfo(notAccepted(), UPLOAD_EVENT));
    this.#uploads ??= new PageUploads(shared, this.#log, () => this.#life.state === 'connected', this.#sessionId);
    const answer = await this.#uploads.begin(s, data, (event) => uploadOptionsOf(this.#handlerFor(event)));
    if (answer instanceof Error) return this.#reply(s, this.#errorInfo(answer, UPLOAD_EVENT));
    if (!this.closed) this.#outlet.push({ t: 're', re: s, ok: true, d: answer });
  }

  /**
   * Waits for an async handler at most `eventTimeoutMs`. Past it the event is answered with
   * PB_ERR_EVENT_TIMEOUT, the event's signal aborts, and the mailbox moves on; the abandoned handler
   * keeps running until it notices the signal, and may still emit, but its result is dropped.
   */
  #withTimeout(ran: PromiseLike<unknown>, event: HandlerEvent): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        event.abort();
        const err = new PB_ERR_EVENT_TIMEOUT();
        this.#log.warn({ code: err.code, timeoutMs: this.#opts.eventTimeoutMs }, 'event handler timed out');
        this.#reply(event.seq, { code: err.code, message: err.message });
        resolve(settled);
      }, this.#opts.eventTimeoutMs);
      ran.then(
        (v) => { clearTimeout(timer); resolve(v); },
        (e) => { clearTimeout(timer); if (event.aborted) resolve(settled); else reject(e); },
      );
    });
  }

  #reply(s: number, e: ErrorInfo): void {
    if (!this.closed) this.#outlet.push({ t: 're', re: s, ok: false, e });
  }

  #warn(fields: Record<string, unknown>, msg: string): void {
    this.#warnings ??= new WarnLimiter();
    const { log, suppressed } = this.#warnings.take();
    if (log) this.#log.warn(suppressed ? { ...fields, suppressed } : fields, msg);
  }

  /** What the client is told about a failure: details in dev, or when the error says it may be shown. */
  #errorInfo(err: unknown, name: string): ErrorInfo {
    const e = err as { code?: unknown; message?: unknown; stack?: unknown; expose?: unknown };
    if (this.#opts.dev || e?.expose === true) {
      return {
        code: typeof e?.code === 'string' ? e.code : 'PB_ERR_HANDLER',
        message: String(e?.message ?? err),
        ...(this.#opts.dev && typeof e?.stack === 'string' ? { stack: e.stack } : {}),
      };
    }
    const generic = new PB_ERR_HANDLER(name);
    return { code: generic.code, message: generic.message };
  }

  async #runReported(fn: () => unknown, where: string): Promise<void> {
    if (this.closed) return;
    try {
      await fn();
    } catch (err) {
      this.#report(err, where);
    }
    this.#redraw();
    this.durable?.taskDone(undefined);
  }

  /**
   * Pushes the regions that changed, then the list operations the task made; while disconnected, a
   * redraw is only remembered for the next connection — unless list operations follow it, which
   * may be for a container that this redraw brings.
   */
  #redraw(force = false): void {
    if (this.closed) return;
    const lists = this.#lists?.pending === true;
    if (this.redrawer) {
      if (this.#life.state === 'disconnected' && !lists) this.#redrawBehind = true;
      else {
        this.#redrawBehind = false;
        try {
          const flash = this.#flash;
          this.#flash = undefined;
          const { regions, title } = this.redrawer.next(this.state, force, flash);
          if (regions.length || title !== undefined) {
            this.#outlet.push(title === undefined ? { t: 'dom', r: regions } : { t: 'dom', r: regions, ti: title });
          }
        } catch (err) {
          this.#report(err, 'redraw');
        }
      }
    }
    if (lists) for (const b of this.#lists!.take()) this.#outlet.push({ t: 'ls', ...b });
  }

  /** A list operation waits: sent at the end of the task it was made in, or by a task of its own. */
  #listQueued(): void {
    if (this.#listFlush || this.closed) return;
    this.#listFlush = true;
    this.#mailbox.post(() => {
      this.#listFlush = false;
      if (this.#lists?.pending) return this.#runReported(() => undefined, 'list');
    });
  }

  /** A failure outside an event (timer, subscription, disposal): logged, and told to the client as `error`. */
  #report(err: unknown, where: string): void {
    this.#log.error({ err, where }, 'page task failed');
    this.devOnError?.(err, where);
    if (!this.closed) this.#outlet.push({ t: 'ev', n: 'error', d: this.#errorInfo(err, where) });
  }

  #forget(cleanup: Cleanup): void {
    const i = this.#cleanups.indexOf(cleanup);
    if (i >= 0) this.#cleanups.splice(i, 1);
  }
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';

/** What a handler learns about the event it runs for: a stable key and a signal for its timeout. */
const NO_FILES: readonly ReceivedFile[] = Object.freeze([]);

class HandlerEvent implements EventContext {
  readonly seq: number;
  readonly files: readonly ReceivedFile[];
  readonly #pageId: string;
  #abort: AbortController | undefined;

  constructor(pageId: string, seq: number, files: readonly ReceivedFile[] = NO_FILES) {
    this.#pageId = pageId;
    this.seq = seq;
    this.files = files;
  }

  /** The client's sequence number never changes across resends, so the key is stable for retries. */
  get key(): string {
    return `${logIdOf(this.#pageId)}:${this.seq}`;
  }

  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    return this.#abort.signal;
  }
  get aborted(): boolean {
    return this.#abort?.signal.aborted ?? false;
  }
  abort(): void {
    this.#abort ??= new AbortController();
    this.#abort.abort('event timed out');
  }
}
