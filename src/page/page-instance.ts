/**
 * One live page: the actor behind a rendered tab. It holds the page's state, runs its events one at
 * a time through its mailbox, owns timers, subscriptions and resources until it closes, and pushes
 * to its client through a ServerChannel that survives reconnects.
 *
 * Lifecycle: rendered → connected ⇄ disconnected → closed. A rendered page that is never connected
 * closes after `connectTimeoutMs`; a disconnected one after `retainMs`.
 */
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { toEventHandler, type Cleanup, type EmitSchemas, type EventHandler, type Page, type ValidatedEvent } from './define-page.js';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { Mailbox } from './mailbox.js';
import { disposeResource, isCleanup } from './resources.js';
import { ServerChannel, type ChannelLimits } from '../protocol/channel.js';
import type { ErrorInfo, ExpiredReason } from '../protocol/frames.js';
import type { Connection } from '../transport/transport.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { CloseCode } from '../protocol/constants.js';
import { PB_ERR_EVENT_UNKNOWN, PB_ERR_HANDLER, PB_ERR_PAGE_CLOSED } from '../errors.js';
import { createPageStream, type PageStream } from './page-stream.js';

export type Lifecycle = 'rendered' | 'connected' | 'disconnected' | 'closed';

export interface InstanceOptions extends ChannelLimits {
  id: string;
  sessionId: string;
  route: string;
  dev: boolean;
  retainMs: number;
  connectTimeoutMs: number;
  maxMailbox: number;
  pubsub: PubSub;
  log: FastifyBaseLogger;
  handlers?: Record<string, EventHandler<any>>;
  catchAll?: (name: string, data: unknown, page: Page<any>) => unknown;
  onClose?: (page: Page<any>) => unknown;
  live?: boolean;
  /** Called once the instance has closed, so the registry forgets it. */
  onClosed: (instance: PageInstance<any>) => void;
}

/** A digest of the page id: identifies a page in logs without being usable as its SessionID. */
export const logIdOf = (id: string): string => createHash('sha256').update(id).digest('base64url').slice(0, 10);

export class PageInstance<S = unknown> implements Page<S> {
  readonly id: string;
  /** The owning browser session; set once the render decides the page is live. */
  sessionId: string;
  readonly route: string;
  readonly createdAt = Date.now();
  state: S = undefined as S;
  #lifecycle: Lifecycle = 'rendered';
  readonly #opts: InstanceOptions;
  readonly #handlers = new Map<string, EventHandler<S>>();
  readonly #mailbox: Mailbox;
  readonly #channel: ServerChannel;
  #abort: AbortController | undefined;
  readonly #cleanups: Cleanup[] = [];
  readonly #onClose: Array<() => unknown> = [];
  #logger: FastifyBaseLogger | undefined;
  #lifeTimer: ReturnType<typeof setTimeout> | undefined;
  #closing: Promise<void> | undefined;
  #stream: PageStream | undefined;

  constructor(opts: InstanceOptions) {
    this.#opts = opts;
    this.id = opts.id;
    this.sessionId = opts.sessionId;
    this.route = opts.route;
    this.#channel = new ServerChannel(opts);
    this.#mailbox = new Mailbox((err) => this.#report(err, 'task'));
    for (const [name, fn] of Object.entries(opts.handlers ?? {})) this.#handlers.set(name, fn);
    if (opts.onClose) this.#onClose.push(() => opts.onClose!(this));
  }

  get lifecycle(): Lifecycle {
    return this.#lifecycle;
  }
  get closed(): boolean {
    return this.#lifecycle === 'closed';
  }
  get signal(): AbortSignal {
    // Made on first use: most pages never ask, and every render of a non-live page makes an instance.
    this.#abort ??= new AbortController();
    if (this.closed && !this.#abort.signal.aborted) this.#abort.abort('page closed');
    return this.#abort.signal;
  }

  get #log(): FastifyBaseLogger {
    this.#logger ??= this.#opts.log.child({ page: logIdOf(this.id), route: this.route });
    return this.#logger;
  }
  get channel(): ServerChannel {
    return this.#channel;
  }
  get mailboxSize(): number {
    return this.#mailbox.size;
  }

  /** Resolves once fewer than `n` events wait; transports pause reading until then. */
  mailboxBelow(n: number): Promise<void> {
    return this.#mailbox.whenBelow(n);
  }

  /**
   * When the transport should stop reading from the client: a promise that settles once it may
   * go on, or undefined when nothing is backed up (the mailbox, or stream bytes the page has not read).
   */
  backpressure(): Promise<void> | undefined {
    const max = this.#opts.maxMailbox;
    if (this.#mailbox.size >= max) return this.#mailbox.whenBelow(max / 2);
    if (this.#stream?.backlogged) return this.#stream.whenRead();
    return undefined;
  }

  /** Whether rendering left anything that needs the page to stay alive. */
  get isLive(): boolean {
    return this.#opts.live === true || this.#handlers.size > 0 || this.#opts.catchAll !== undefined || this.#cleanups.length > 0;
  }

  // ---- the Page API handlers use ----

  on<Sch extends StandardSchemaV1>(name: string, handler: EventHandler<S> | ValidatedEvent<S, EmitSchemas, Sch>): void {
    this.#handlers.set(name, toEventHandler(name, handler));
  }

  emit(name: string, data?: unknown): void {
    if (this.closed) throw new PB_ERR_PAGE_CLOSED();
    this.#channel.push(data === undefined ? { t: 'ev', n: name } : { t: 'ev', n: name, d: data });
  }

  send(data: unknown): void {
    this.emit('message', data);
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
    this.#onClose.push(fn);
  }

  get stream(): Duplex {
    if (!this.#stream) {
      const stream = createPageStream(this.#channel);
      this.own(() => stream.destroy());
      this.#stream = stream;
    }
    return this.#stream;
  }

  // ---- lifecycle, driven by the registry and transports ----

  /** Starts the wait for the first connection. */
  rendered(): void {
    this.#armLifeTimer(this.#opts.connectTimeoutMs, 'connect-timeout');
  }

  /** Why a client that processed server frames up to `ack` cannot attach, or null. */
  resumeProblem(ack: number): ExpiredReason | null {
    if (this.closed) return 'closed';
    return this.#channel.resumeProblem(ack);
  }

  attach(conn: Connection, helloAck: number, welcome: Record<string, unknown> = {}): void {
    const previous = this.#channel.connection;
    if (previous && previous !== conn) {
      this.#channel.detach(previous);
      previous.close(CloseCode.REPLACED, 'replaced');
    }
    clearTimeout(this.#lifeTimer);
    this.#lifecycle = 'connected';
    this.#channel.attach(conn, helloAck, welcome);
  }

  detach(conn: Connection): void {
    if (!this.#channel.detach(conn) || this.closed) return;
    this.#lifecycle = 'disconnected';
    this.#armLifeTimer(this.#opts.retainMs, 'retain-timeout');
  }

  /**
   * Takes a client event into the mailbox. Past `maxMailbox` a transport stops reading, so what
   * arrives after that is only what was already in flight; twice the limit means a client that
   * ignores backpressure, and the event is refused unaccepted (the client resends it later). A
   * duplicate is acknowledged again and dropped.
   */
  receiveEvent(s: number, name: string, data: unknown): 'ok' | 'full' | 'gap' | 'closed' {
    // Frames can still arrive after a `bye` in the same read; a closed page takes none of them.
    if (this.closed) return 'closed';
    if (s > this.#channel.inLast && this.#mailbox.size >= 2 * this.#opts.maxMailbox) return 'full';
    const incoming = this.#channel.accept(s);
    if (incoming === 'gap') return 'gap';
    if (incoming === 'duplicate') return 'ok';
    this.#mailbox.post(() => this.#dispatch(s, name, data));
    return 'ok';
  }

  /** Takes client stream bytes; same sequencing as events. */
  receiveStream(s: number, b64: string): 'ok' | 'gap' | 'closed' {
    if (this.closed) return 'closed';
    const incoming = this.#channel.accept(s);
    if (incoming === 'gap') return 'gap';
    if (incoming === 'new') (this.stream as PageStream).pushRemote(Buffer.from(b64, 'base64'));
    return 'ok';
  }

  /** Closes the instance once: onClose hooks, then owned resources in reverse order, then the client. */
  close(reason: string = 'closed'): Promise<void> {
    this.#closing ??= this.#doClose(reason);
    return this.#closing;
  }

  async #doClose(reason: string): Promise<void> {
    this.#lifecycle = 'closed';
    clearTimeout(this.#lifeTimer);
    this.#mailbox.close();
    // A string reason: an aborted signal without one builds a DOMException and its stack.
    this.#abort?.abort('page closed');
    this.#log.debug({ reason }, 'page closed');
    for (const fn of this.#onClose) {
      try { await fn(); } catch (err) { this.#report(err, 'onClose'); }
    }
    for (const resource of this.#cleanups.splice(0).reverse()) {
      try { await disposeResource(resource); } catch (err) { this.#report(err, 'dispose'); }
    }
    const conn = this.#channel.connection;
    this.#channel.close();
    conn?.send(JSON.stringify({ t: 'expired', reason: 'closed' }));
    conn?.close(CloseCode.EXPIRED, 'closed');
    this.#opts.onClosed(this);
  }

  // ---- internals ----

  async #dispatch(s: number, name: string, data: unknown): Promise<void> {
    const named = this.#handlers.get(name);
    const catchAll = this.#opts.catchAll;
    if (!named && !catchAll) {
      const err = new PB_ERR_EVENT_UNKNOWN(name);
      this.#log.warn({ event: name, code: err.code }, 'undeclared event');
      this.#reply(s, { code: err.code, message: err.message });
      return;
    }
    try {
      const result = named ? await named(data, this) : await catchAll!(name, data, this);
      if (this.closed) return;
      this.#channel.push(result === undefined ? { t: 're', re: s, ok: true } : { t: 're', re: s, ok: true, d: result });
    } catch (err) {
      // A payload its schema refused is the client's mistake, not the page's: a warning, not an error.
      this.#log[(err as { code?: unknown })?.code === 'PB_ERR_EVENT_INVALID' ? 'warn' : 'error']({ err, event: name }, 'event handler failed');
      if (!this.closed) this.#reply(s, this.#errorInfo(err, name));
    }
  }

  #reply(s: number, e: ErrorInfo): void {
    if (!this.closed) this.#channel.push({ t: 're', re: s, ok: false, e });
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
  }

  /** A failure outside an event (timer, subscription, disposal): logged, and told to the client as `error`. */
  #report(err: unknown, where: string): void {
    this.#log.error({ err, where }, 'page task failed');
    if (!this.closed) this.#channel.push({ t: 'ev', n: 'error', d: this.#errorInfo(err, where) });
  }

  #forget(cleanup: Cleanup): void {
    const i = this.#cleanups.indexOf(cleanup);
    if (i >= 0) this.#cleanups.splice(i, 1);
  }

  #armLifeTimer(ms: number, reason: string): void {
    clearTimeout(this.#lifeTimer);
    this.#lifeTimer = setTimeout(() => void this.close(reason), ms);
    this.#lifeTimer.unref?.();
  }
}
