/**
 * A Node client for one live page, speaking the frames of docs/protocol.md over a real WebSocket or
 * the HTTP fallback (§5.2): `hello`/`welcome`, numbered events and pushes, acks, heartbeats, and
 * resume after any drop — the
 * same contract the browser runtime keeps, written independently of it (it shares no code with
 * runtime-client/ or with the server's channel), so a test that passes with it tests the server.
 *
 * It records what a test asserts on: the pushes in order, the replies to each event, how many times
 * it connected, and whether the page expired.
 */
import WebSocket from 'ws';
import {
  CONN_ID_HEADER, HTTP_POLL_PATH, HTTP_SEND_PATH, SESSION_ID_HEADER, WS_PATH, WS_SID_PREFIX, WS_SUBPROTOCOL,
} from '../protocol/constants.js';
import { realClearTimeout, realSetTimeout, sleep } from './real-timers.js';

type Frame = { t: string; [key: string]: unknown };

/** A push from the page (`page.emit(name, data)`). */
export interface Push { name: string; data: unknown }

/** What `call()` rejects with: the `re` frame's error, or the reason the page ended. */
export class PageCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PageCallError';
  }
}

/** Per event sent, how often the page answered it: exactly once each, or not. */
export interface DeliveryReport {
  sent: number;
  /** Event numbers with no answer yet. */
  missing: number[];
  /** Event numbers answered more than once. */
  duplicated: number[];
  ok: boolean;
}

export interface PageClientOptions {
  /** The page's session cookie (`pb_session=…`), from the response that rendered it. */
  cookie: string;
  /** The Origin header to send. Default: the URL's own origin. */
  origin?: string;
  /** Milliseconds between reconnect attempts after a drop. Default 50. */
  retryMs?: number;
  /** `ws` (default) or `http`: long-poll down, POST up, as the browser falls back to. */
  transport?: 'ws' | 'http';
}

export class PageClient {
  /** Every push received, in order, exactly once each. */
  readonly pushes: Push[] = [];
  /** Every keyed-list operation received (`page.list`), in order, exactly once each: `[list, op]`, op as in docs/protocol.md §2.4. */
  readonly listOps: Array<[string, unknown[]]> = [];
  /** The event numbers answered, in the order the answers came. */
  readonly answered: number[] = [];
  /** Connections welcomed so far (1 + resumes). */
  connects = 0;
  /** Why the page ended (`expired` reason or `refused` code), once it has. */
  ended: string | undefined;

  readonly #base: string;
  readonly #id: string;
  readonly #opts: Required<PageClientOptions>;
  #ws: WebSocket | undefined;
  /** HTTP: the connection id from `welcome`, and frames waiting for the one send in flight. */
  #cid: string | undefined;
  #outbox: Frame[] = [];
  #sending = false;
  #abort = new AbortController();
  #live = false;
  #stopped = false;
  #lastIn = 0;
  #nextOut = 1;
  #unacked: Frame[] = [];
  #answers = new Map<number, number>();
  #calls = new Map<number, { resolve: (d: unknown) => void; reject: (e: Error) => void }>();
  #consumed = new Map<string, number>();
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #waiters = new Set<() => void>();
  #welcomed: Promise<void>;
  #onWelcome: (() => void) | undefined;
  #onEnd: ((e: Error) => void) | undefined;

  /** `base` is the server (or fault proxy) URL, `id` the page id from its boot block. */
  constructor(base: string, id: string, opts: PageClientOptions) {
    this.#base = base;
    this.#id = id;
    // Options passed as undefined take their defaults too.
    this.#opts = {
      cookie: opts.cookie,
      origin: opts.origin ?? new URL(base).origin,
      retryMs: opts.retryMs ?? 50,
      transport: opts.transport ?? 'ws',
    };
    this.#welcomed = new Promise((resolve, reject) => {
      this.#onWelcome = resolve;
      this.#onEnd = reject;
    });
    this.#welcomed.catch(() => {});
  }

  /** Connects, and resolves once the first `welcome` arrived (rejects if the page is gone). */
  connect(): Promise<void> {
    void this.#loop();
    return this.#welcomed;
  }

  /** The page id (SessionID) this client attaches to. */
  get id(): string {
    return this.#id;
  }

  /** Whether a connection is welcomed right now. */
  get live(): boolean {
    return this.#live;
  }

  /** Sends event `name`; it is delivered after a resume if the connection is down. Returns its number. */
  send(name: string, data?: unknown): number {
    if (this.ended) throw new PageCallError('PB_ERR_PAGE_EXPIRED', `The page ended (${this.ended}).`);
    const frame: Frame = data === undefined ? { t: 'ev', s: this.#nextOut++, n: name } : { t: 'ev', s: this.#nextOut++, n: name, d: data };
    this.#unacked.push(frame);
    if (this.#live) this.#transmit([frame]);
    return frame.s as number;
  }

  /** Sends event `name` and resolves with the handler's return value; rejects with a PageCallError. */
  call<T = unknown>(name: string, data?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const s = this.send(name, data);
      this.#calls.set(s, { resolve: resolve as (d: unknown) => void, reject });
    });
  }

  /**
   * The next push named `name` not yet returned by an earlier `next(name)`: resolves at once if it
   * already came, else waits (real time) up to `ms`.
   */
  async next<T = unknown>(name: string, ms = 5000): Promise<T> {
    const seen = this.#consumed.get(name) ?? 0;
    await this.until(() => this.pushes.filter((p) => p.name === name).length > seen, ms, `a push "${name}"`);
    this.#consumed.set(name, seen + 1);
    return this.pushes.filter((p) => p.name === name)[seen]!.data as T;
  }

  /** The data of every push named `name` so far. */
  pushed<T = unknown>(name: string): T[] {
    return this.pushes.filter((p) => p.name === name).map((p) => p.data as T);
  }

  /** Waits (real time) until `predicate` holds; fails with what was received if it does not within `ms`. */
  async until(predicate: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (this.ended) throw new Error(`The page ended (${this.ended}) while waiting for ${what}.`);
      if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}; pushes: ${JSON.stringify(this.pushes.slice(-20))}`);
      await new Promise<void>((resolve) => {
        const done = () => { realClearTimeout(timer); this.#waiters.delete(done); resolve(); };
        const timer = realSetTimeout(done, 50);
        this.#waiters.add(done);
      });
    }
  }

  /** Waits until the page has answered every event sent so far. */
  settled(ms = 5000): Promise<void> {
    return this.until(() => this.report().missing.length === 0, ms, 'answers to every event sent');
  }

  /** For each event sent, how many answers came: the page handled each exactly once when `ok`. */
  report(): DeliveryReport {
    const sent = this.#nextOut - 1;
    const missing: number[] = [];
    const duplicated: number[] = [];
    for (let s = 1; s <= sent; s++) {
      const n = this.#answers.get(s) ?? 0;
      if (n === 0) missing.push(s);
      if (n > 1) duplicated.push(s);
    }
    return { sent, missing, duplicated, ok: missing.length === 0 && duplicated.length === 0 };
  }

  /** Drops the connection from the client's side, as a network failure would; the client resumes. */
  drop(): void {
    this.#ws?.terminate();
    this.#abort.abort();
  }

  /** Says goodbye (`bye`): the page instance closes. */
  async close(): Promise<void> {
    const wasLive = this.#live && !this.#stopped;
    this.#stopped = true;
    realClearTimeout(this.#ackTimer);
    const ws = this.#ws;
    if (wasLive && ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ t: 'bye' }));
      ws.close(1000);
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        realSetTimeout(resolve, 1000);
      });
    } else if (wasLive && this.#cid) {
      await this.#post(HTTP_SEND_PATH, [{ t: 'bye' }], { [CONN_ID_HEADER]: this.#cid }).catch(() => {});
    }
    ws?.terminate();
    this.#abort.abort();
    this.#fail(new PageCallError('PB_ERR_CLOSED', 'The client closed.'));
  }

  /** Connects, and after every drop waits `retryMs` and resumes, until the page ends or close(). */
  async #loop(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (this.#opts.transport === 'http') await this.#runHttp();
        else await this.#runWs();
      } catch {
        // A failed request or a cut connection: resume below.
      }
      this.#live = false;
      if (!this.#stopped) await sleep(this.#opts.retryMs);
    }
  }

  #runWs(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.#base.replace(/^http/, 'ws') + WS_PATH, [WS_SUBPROTOCOL, `${WS_SID_PREFIX}${this.#id}`], {
        headers: { cookie: this.#opts.cookie, origin: this.#opts.origin },
      });
      this.#ws = ws;
      ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, ack: this.#lastIn })));
      ws.on('message', (data) => {
        let frame: Frame;
        try {
          frame = JSON.parse(String(data)) as Frame;
        } catch {
          ws.close(4400);
          return;
        }
        if (!this.#receive(frame)) ws.close(4400, 'sequence gap');
      });
      ws.on('error', () => {});
      ws.on('close', () => resolve());
    });
  }

  async #runHttp(): Promise<void> {
    this.#abort = new AbortController();
    this.#outbox = [];
    this.#cid = undefined;
    const hello = await this.#post(HTTP_SEND_PATH, [{ t: 'hello', v: 1, ack: this.#lastIn }]);
    if (hello.frames[0]?.t !== 'welcome') {
      for (const f of hello.frames) this.#receive(f);
      return;
    }
    this.#cid = String(hello.frames[0].cid);
    this.#receive(hello.frames[0]);
    while (this.#live && !this.#stopped) {
      const { status, frames } = await this.#post(HTTP_POLL_PATH, { a: this.#lastIn }, { [CONN_ID_HEADER]: this.#cid });
      if (status !== 200) return;
      for (const f of frames) if (!this.#receive(f)) return;
    }
  }

  async #post(path: string, body: unknown, extra: Record<string, string> = {}): Promise<{ status: number; frames: Frame[] }> {
    const res = await fetch(this.#base + path, {
      method: 'POST',
      headers: {
        cookie: this.#opts.cookie, origin: this.#opts.origin, [SESSION_ID_HEADER]: this.#id, 'content-type': 'application/json', ...extra,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(30_000)]),
    });
    const text = await res.text();
    return { status: res.status, frames: text.startsWith('[') ? (JSON.parse(text) as Frame[]) : [] };
  }

  /** Sends frames on the current connection: one WebSocket message each, or HTTP batches one at a time (§5.2). */
  #transmit(frames: Frame[]): void {
    if (this.#opts.transport === 'ws') {
      for (const f of frames) this.#ws?.send(JSON.stringify(f));
      return;
    }
    this.#outbox.push(...frames);
    void this.#flushHttp();
  }

  async #flushHttp(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#outbox.length && this.#live && this.#cid) {
        const batch = this.#outbox.splice(0, 100);
        const { status, frames } = await this.#post(HTTP_SEND_PATH, batch, { [CONN_ID_HEADER]: this.#cid });
        if (status !== 200) throw new Error(`send answered ${status}`);
        for (const f of frames) this.#receive(f);
      }
    } catch {
      // Whether the batch arrived is unknown: the resume's welcome.ack decides what is sent again.
      this.#outbox = [];
      this.#live = false;
      this.#abort.abort();
    } finally {
      this.#sending = false;
    }
  }

  /** Takes one frame from the server; false on a sequence gap (the connection must be dropped). */
  #receive(frame: Frame): boolean {
    for (const wake of [...this.#waiters]) queueMicrotask(wake);
    switch (frame.t) {
      case 'welcome': {
        this.connects++;
        const ack = Number(frame.ack);
        this.#unacked = this.#unacked.filter((f) => (f.s as number) > ack);
        this.#live = true;
        if (this.#unacked.length) this.#transmit([...this.#unacked]);
        this.#onWelcome?.();
        return true;
      }
      case 'ack':
        this.#unacked = this.#unacked.filter((f) => (f.s as number) > Number(frame.a));
        return true;
      case 'hb':
        // Over HTTP each poll carries the ack, and a poll is what the server counts as a heartbeat.
        if (this.#opts.transport === 'ws') this.#transmit([{ t: 'hb', a: this.#lastIn }]);
        return true;
      case 'expired':
      case 'refused':
        this.#stopped = true;
        this.ended = String(frame.reason ?? frame.code);
        this.#abort.abort();
        this.#fail(new PageCallError('PB_ERR_PAGE_EXPIRED', `The page ended (${this.ended}).`));
        return true;
    }
    if (typeof frame.s !== 'number') return true;
    // A frame at or below what was processed is a replay: dropped, as the runtime does (§2.2).
    if (frame.s <= this.#lastIn) {
      this.#scheduleAck();
      return true;
    }
    if (frame.s !== this.#lastIn + 1) return false;
    this.#lastIn = frame.s;
    this.#scheduleAck();
    if (frame.t === 'ev') this.pushes.push({ name: String(frame.n), data: frame.d });
    if (frame.t === 'ls' && Array.isArray(frame.o)) for (const op of frame.o) this.listOps.push([String(frame.n), op as unknown[]]);
    if (frame.t === 're') {
      const re = Number(frame.re);
      this.answered.push(re);
      this.#answers.set(re, (this.#answers.get(re) ?? 0) + 1);
      const call = this.#calls.get(re);
      this.#calls.delete(re);
      if (call && frame.ok) call.resolve(frame.d);
      else if (call) {
        const e = (frame.e ?? {}) as { code?: string; message?: string };
        call.reject(new PageCallError(e.code ?? 'PB_ERR_HANDLER', e.message ?? 'The handler failed.'));
      }
    }
    return true;
  }

  /** WebSocket: acks coalesced over 20 ms (§3). HTTP needs none: the next poll carries the ack. */
  #scheduleAck(): void {
    if (this.#opts.transport !== 'ws') return;
    this.#ackTimer ??= realSetTimeout(() => {
      this.#ackTimer = undefined;
      const ws = this.#ws;
      if (this.#live && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'ack', a: this.#lastIn }));
    }, 20);
  }

  #fail(err: Error): void {
    this.#onEnd?.(err);
    for (const call of this.#calls.values()) call.reject(err);
    this.#calls.clear();
  }
}
