/**
 * The transport-neutral end of one page's connection (docs/protocol.md §2–4): numbers and keeps
 * outgoing frames for replay, takes each client frame once and in order, acks, answers a resume with
 * `welcome` and the replay, replaces an older connection with a newer one, and pushes back when the
 * page falls behind. It outlives connections; the page (the actor) never sees one.
 */
import { encode, type Wire } from '../protocol/codec.js';
import { CloseCode, PROTOCOL_VERSION, STREAM_WINDOW_BYTES } from '../protocol/constants.js';
import type { ClientFrame, ExpiredReason } from '../protocol/frames.js';
import { isFinal, Refusals, type RefusalCode } from '../protocol/refusals.js';
import { Inbox, Outbox, type OutboxPosition } from '../protocol/sequence.js';
import type { OutgoingFrame, PageActor, PageOutlet } from '../page/outlet.js';
import type { Connection } from './connection.js';
import type { Metrics } from '../metrics/metrics.js';

export interface EndpointLimits {
  replayMaxFrames: number;
  replayMaxBytes: number;
  ackDelayMs: number;
  heartbeatMs: number;
  maxMailbox: number;
  maxMailboxBytes: number;
  maxStreamBytes: number;
  maxBufferedBytes: number;
}

/** What became of one client frame. */
export type Taken =
  | { ok: true }
  /** The connection must end with this refusal; nothing of the frame was accepted. */
  | { ok: false; code: RefusalCode }
  /** The page closed (a `bye`, or before): later frames are dropped. */
  | { ok: false; code: 'closed' };

/** Where a durable page's endpoint stands: the last client frame its state holds, and its outbox's numbers. */
export interface EndpointPosition {
  in: number;
  out: OutboxPosition;
}

/** A sequenced server frame as committed. */
export interface KeptFrame {
  s: number;
  payload: Wire;
}

/** The close code that tells a client to reconnect (1012): a durable page handed off resumes elsewhere. */
const HAND_OFF = Refusals.PB_ERR_DRAINING.close;

const OK: Taken = { ok: true };
const CLOSED: Taken = { ok: false, code: 'closed' };

export class PageEndpoint implements PageOutlet {
  readonly page: PageActor;
  readonly #out = new Outbox<Wire>();
  readonly #in = new Inbox();
  readonly #limits: EndpointLimits;
  readonly #onLive: (endpoint: PageEndpoint, live: boolean) => void;
  readonly #metrics: () => Metrics;
  #conn: Connection | null = null;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of stream and upload frames taken since the last ack. */
  #streamUnacked = 0;
  #ackListeners: Array<(a: number) => void> = [];
  #ended = false;
  /**
   * Durable pages only (docs/protocol.md §7.4): the highest client and server sequence numbers a
   * commit holds. Frames and acks past them wait here until `release`, so nothing a client sees can
   * be lost with this node. Undefined for other pages, which send at once.
   */
  #held: { in: number; out: number } | undefined;
  /** When the live connection last delivered anything, and when we last sent on it (ms). */
  lastHeardAt = 0;
  lastSentAt = 0;

  constructor(
    page: PageActor, limits: EndpointLimits, metrics: () => Metrics, onLive: (endpoint: PageEndpoint, live: boolean) => void,
  ) {
    this.page = page;
    this.#limits = limits;
    this.#metrics = metrics;
    this.#onLive = onLive;
  }

  get connection(): Connection | null {
    return this.#conn;
  }
  get holding(): boolean {
    return this.#conn?.holds ?? false;
  }
  /** Last client sequence accepted. */
  get inLast(): number {
    return this.#in.last;
  }
  get lastSent(): number {
    return this.#out.lastSent;
  }
  /** Unacked frames kept for replay. */
  get buffered(): number {
    return this.#out.size;
  }

  // ---- PageOutlet: what the page pushes ----

  push(frame: OutgoingFrame): number {
    const s = this.#out.nextSeq;
    const wire = encode({ ...frame, s } as never);
    this.#out.push(wire, wire.length);
    this.#out.trim(this.#limits.replayMaxFrames, this.#limits.replayMaxBytes);
    const conn = this.#conn;
    if (conn && this.#held === undefined) {
      conn.sequenced(wire);
      this.lastSentAt = Date.now();
      this.#checkBuffered(conn);
    }
    return s;
  }

  onAcked(listener: (a: number) => void): () => void {
    this.#ackListeners.push(listener);
    return () => {
      this.#ackListeners = this.#ackListeners.filter((l) => l !== listener);
    };
  }

  /**
   * `handOff`: the page is durable and lives on elsewhere, so its client is told to reconnect
   * (1012) rather than that the page expired.
   */
  end(handOff = false): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#ackTimer);
    this.#ackListeners = [];
    this.#out.clear();
    const conn = this.#conn;
    this.#setConn(null);
    if (handOff) {
      conn?.close(HAND_OFF, 'PB_ERR_DRAINING');
      return;
    }
    conn?.control(encode({ t: 'expired', reason: 'closed' }));
    conn?.close(CloseCode.EXPIRED, 'closed');
  }

  // ---- durable pages (src/durable/) ----

  /** From now on frames and acks leave only once `release` says a commit holds them. */
  hold(): void {
    this.#held ??= { in: this.#in.last, out: this.#out.lastSent };
  }

  /** The position to commit, with `inDone` the last client frame the page's state has taken in. */
  position(inDone: number): EndpointPosition {
    return { in: inDone, out: this.#out.position() };
  }

  /** Kept (unacked) frames numbered after `s`, oldest first: what a commit adds. */
  framesAfter(s: number): KeptFrame[] {
    return this.#out.after(s).map((k) => ({ s: k.s, payload: k.payload }));
  }

  /** Continues a page restored on this node from its committed position and frames; all of it is committed. */
  restore(at: EndpointPosition, kept: readonly KeptFrame[]): void {
    this.#in.restore(at.in);
    this.#out.restore(at.out, kept, (payload) => payload.length);
    this.#held = { in: at.in, out: at.out.next - 1 };
  }

  /** A commit holding client frames up to `inSeq` and server frames up to `outSeq` is stored: send them. */
  release(inSeq: number, outSeq: number): void {
    const held = this.#held;
    if (!held) return;
    const from = held.out;
    if (outSeq > held.out) held.out = outSeq;
    const acks = inSeq > held.in;
    if (acks) held.in = inSeq;
    const conn = this.#conn;
    if (!conn) return;
    if (held.out > from) {
      for (const kept of this.#out.after(from)) {
        if (kept.s > held.out) break;
        conn.sequenced(kept.payload);
      }
      this.lastSentAt = Date.now();
      this.#checkBuffered(conn);
    }
    if (acks) this.#scheduleAck();
  }

  /** What this side acks: every client frame taken, or for a durable page, every one committed. */
  get #ackable(): number {
    return this.#held ? this.#held.in : this.#in.last;
  }

  // ---- the connection side ----

  /** Why a client that processed server frames up to `ack` cannot resume here, or null. */
  resumeProblem(ack: number): ExpiredReason | null {
    if (this.#ended || this.page.closed) return 'closed';
    return this.#out.resumeProblem(ack);
  }

  /** Makes `conn` the live connection: welcome, then every frame after the client's ack. */
  attach(conn: Connection, helloAck: number, extra: { cid?: string } = {}): void {
    const previous = this.#conn;
    this.#setConn(conn);
    if (previous && previous !== conn) previous.close(Refusals.PB_ERR_CONN_REPLACED.close, 'PB_ERR_CONN_REPLACED');
    this.#acked(helloAck);
    // A page that had a connection before is being resumed (a first hello comes from `rendered`).
    if (this.page.lifecycle !== 'rendered') this.#metrics().resumed();
    this.page.connected();
    this.lastHeardAt = this.lastSentAt = Date.now();
    conn.control(encode({ t: 'welcome', v: PROTOCOL_VERSION, ack: this.#ackable, hb: this.#limits.heartbeatMs, ...extra }));
    const held = this.#held;
    for (const kept of this.#out.after(helloAck)) {
      if (held && kept.s > held.out) break;
      conn.sequenced(kept.payload);
    }
  }

  /** `conn` went away; the page waits for a resume. False when it was not the live connection. */
  detach(conn: Connection): boolean {
    if (this.#conn !== conn) return false;
    this.#setConn(null);
    if (!this.page.closed) this.page.disconnected();
    return true;
  }

  /**
   * Takes one client frame from `conn`. `pausable` says whether the transport stops reading when
   * the page falls behind (WebSocket): then the limits below are twice the soft ones, since only
   * what was already in flight can still arrive. HTTP cannot pause, so it is held to the soft limits.
   */
  take(conn: Connection, frame: ClientFrame, pausable: boolean, bytes = 0): Taken {
    if (this.#conn !== conn) return { ok: false, code: 'PB_ERR_CONN_STALE' };
    if (this.page.closed || this.#ended) return CLOSED;
    this.lastHeardAt = Date.now();
    const hard = pausable ? 2 : 1;
    switch (frame.t) {
      case 'ev':
      case 'sd':
      case 'up': {
        if (frame.s > this.#in.last) {
          const { maxMailbox, maxMailboxBytes, maxStreamBytes } = this.#limits;
          const page = this.page;
          const refusal = frame.t === 'ev'
            ? (page.mailboxSize >= hard * maxMailbox || page.mailboxBytes >= hard * maxMailboxBytes ? 'PB_ERR_MAILBOX_FULL' : null)
            : (page.streamBacklog >= hard * maxStreamBytes ? 'PB_ERR_STREAM_FULL' : null);
          if (refusal) return { ok: false, code: refusal };
        }
        const verdict = this.#in.accept(frame.s);
        if (verdict === 'gap') return { ok: false, code: 'PB_ERR_PROTOCOL' };
        // A durable page acks a new frame once a commit holds it (`release`).
        if (this.#held === undefined || verdict === 'duplicate') this.#scheduleAck(frame.t === 'ev' ? 0 : bytes);
        if (verdict === 'new') {
          if (frame.t === 'ev') {
            this.page.takeEvent(frame.s, frame.n, frame.d, bytes);
            this.#metrics().eventHandled();
          }
          else if (frame.t === 'sd') this.page.takeStream(Buffer.from(frame.b, 'base64'));
          else this.page.takeUpload(frame.u, Buffer.from(frame.b, 'base64'));
        }
        return OK;
      }
      case 'ack':
      case 'hb':
        this.#acked(frame.a);
        return OK;
      case 'bye':
        void this.page.close('bye');
        return CLOSED;
      case 'hello':
        return { ok: false, code: 'PB_ERR_PROTOCOL' };
    }
  }

  /** A promise to wait on before reading more from the client, or undefined when the page keeps up. */
  pressure(): Promise<void> | undefined {
    const { maxMailbox, maxMailboxBytes } = this.#limits;
    // Either limit releases at half the event count: the byte limit is only there against huge events.
    if (this.page.mailboxSize >= maxMailbox || this.page.mailboxBytes >= maxMailboxBytes) {
      return this.page.mailboxBelow(Math.ceil(Math.min(maxMailbox, this.page.mailboxSize) / 2));
    }
    return this.streamPressure();
  }

  /** A promise to wait on before taking more stream or upload bytes, or undefined when the page keeps up. */
  streamPressure(): Promise<void> | undefined {
    return this.page.streamBacklog >= this.#limits.maxStreamBytes ? this.page.streamRead() : undefined;
  }

  /** Ends `conn` with a refusal: a `refused` frame when it ends the page, then its close code. */
  refuse(conn: Connection, code: RefusalCode): void {
    if (isFinal(code)) conn.control(encode({ t: 'refused', code }));
    conn.close(Refusals[code].close || CloseCode.PROTOCOL, code);
  }

  /** An HTTP poll: the client processed up to `a`; frames after it, at most `maxBytes`. */
  poll(a: number, maxBytes: number): Wire[] {
    this.lastHeardAt = Date.now();
    this.#acked(a);
    const held = this.#held;
    const kept = this.#out.after(a, maxBytes);
    return (held ? kept.filter((k) => k.s <= held.out) : kept).map((k) => k.payload);
  }

  /** Called by the liveness sweep when the live connection has been quiet on our side. */
  heartbeat(): void {
    const conn = this.#conn;
    if (!conn) return;
    conn.control(encode({ t: 'hb', a: this.#ackable }));
    this.lastSentAt = Date.now();
  }

  /** An ack for what has been accepted, for an HTTP send's answer. */
  ackFrame(): Wire {
    return encode({ t: 'ack', a: this.#ackable });
  }

  #setConn(conn: Connection | null): void {
    const was = this.#conn !== null;
    this.#conn = conn;
    if (was !== (conn !== null)) this.#onLive(this, conn !== null);
  }

  #acked(a: number): void {
    if (!this.#out.ack(a)) return;
    const acked = this.#out.acked;
    for (const listener of this.#ackListeners) listener(acked);
  }

  /**
   * A client that does not read what it is sent must not make the server hold it without bound:
   * past `maxBufferedBytes` waiting in one connection's send buffer the connection is dropped. The
   * replay buffer (bounded too) still holds what was not acked, so a real client that was only slow
   * resumes without a loss.
   */
  #checkBuffered(conn: Connection): void {
    if (conn.bufferedBytes <= this.#limits.maxBufferedBytes) return;
    this.#setConn(null);
    this.page.disconnected();
    conn.close(Refusals.PB_ERR_SLOW_READER.close, 'PB_ERR_SLOW_READER');
    conn.drop();
  }

  /**
   * Acks within `ackDelayMs`, or at once when a quarter of the stream window (`streamBytes` of
   * `sd`/`up` frames) waits for it: a writer may have only STREAM_WINDOW_BYTES unacked, so an ack
   * held for the delay would cap a stream or upload at one window per delay.
   */
  #scheduleAck(streamBytes = 0): void {
    if (this.#conn?.carriesAcks) return;
    this.#streamUnacked += streamBytes;
    if (this.#streamUnacked >= STREAM_WINDOW_BYTES / 4) {
      clearTimeout(this.#ackTimer);
      this.#sendAck();
      return;
    }
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => this.#sendAck(), this.#limits.ackDelayMs);
    this.#ackTimer.unref?.();
  }

  #sendAck(): void {
    this.#ackTimer = undefined;
    this.#streamUnacked = 0;
    const conn = this.#conn;
    if (!conn) return;
    conn.control(encode({ t: 'ack', a: this.#ackable }));
    this.lastSentAt = Date.now();
  }
}
