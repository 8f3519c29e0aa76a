/**
 * The server end of one page instance's sequenced stream (docs/protocol.md §2–3): numbers outgoing
 * frames, keeps them until acked for replay, drops duplicate incoming frames, and acks what the
 * page accepted. It outlives connections: a resume attaches a new one and replays the gap.
 */
import type { Connection } from '../transport/transport.js';
import type { ExpiredReason } from './frames.js';

export interface ChannelLimits {
  replayMaxFrames: number;
  replayMaxBytes: number;
  ackDelayMs: number;
  heartbeatMs: number;
}

interface Buffered { s: number; json: string }

export type Incoming = 'new' | 'duplicate' | 'gap';

export class ServerChannel {
  #buffer: Buffered[] = [];
  #bufferBytes = 0;
  #nextSeq = 1;
  /** Lowest server sequence that can still be replayed; older ones were trimmed unacked. */
  #replayFloor = 1;
  #inLast = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #conn: Connection | null = null;
  #acked = 0;
  readonly #ackListeners = new Set<(a: number) => void>();
  readonly #limits: ChannelLimits;

  constructor(limits: ChannelLimits) {
    this.#limits = limits;
  }

  get connection(): Connection | null {
    return this.#conn;
  }

  /** Last client sequence accepted. */
  get inLast(): number {
    return this.#inLast;
  }

  get lastSent(): number {
    return this.#nextSeq - 1;
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  /** Numbers, buffers and (when connected) sends a sequenced frame. `body` is the frame without `s`. */
  push(body: Record<string, unknown>): number {
    const s = this.#nextSeq++;
    const json = JSON.stringify({ t: body.t, s, ...body });
    this.#buffer.push({ s, json });
    this.#bufferBytes += json.length;
    while (
      this.#buffer.length > this.#limits.replayMaxFrames ||
      (this.#bufferBytes > this.#limits.replayMaxBytes && this.#buffer.length > 1)
    ) {
      const dropped = this.#buffer.shift()!;
      this.#bufferBytes -= dropped.json.length;
      this.#replayFloor = dropped.s + 1;
    }
    this.#conn?.send(json);
    return s;
  }

  /** Classifies an incoming sequenced frame; a new one advances the ack, which is sent shortly. */
  accept(s: number): Incoming {
    if (s <= this.#inLast) {
      this.#scheduleAck();
      return 'duplicate';
    }
    if (s !== this.#inLast + 1) return 'gap';
    this.#inLast = s;
    this.#scheduleAck();
    return 'new';
  }

  /** The client processed every server frame up to `a`. */
  onAck(a: number): void {
    let i = 0;
    while (i < this.#buffer.length && this.#buffer[i]!.s <= a) {
      this.#bufferBytes -= this.#buffer[i]!.json.length;
      i++;
    }
    if (i > 0) this.#buffer.splice(0, i);
    if (a > this.#acked) {
      this.#acked = a;
      for (const listener of this.#ackListeners) listener(a);
    }
  }

  /** Calls `listener` each time the client's ack advances; returns the unsubscribe. */
  onAcked(listener: (a: number) => void): () => void {
    this.#ackListeners.add(listener);
    return () => this.#ackListeners.delete(listener);
  }

  /** Why a client that processed up to `ack` cannot resume, or null when it can. */
  resumeProblem(ack: number): ExpiredReason | null {
    if (ack > this.lastSent) return 'unknown';
    if (ack < this.#replayFloor - 1) return 'replay-overflow';
    return null;
  }

  /** Makes `conn` the live connection: welcome, then every frame the client has not processed. */
  attach(conn: Connection, helloAck: number, welcome: Record<string, unknown>): void {
    this.onAck(helloAck);
    this.#conn = conn;
    conn.send(JSON.stringify({ t: 'welcome', v: 1, ack: this.#inLast, hb: this.#limits.heartbeatMs, ...welcome }));
    for (const frame of this.#buffer) conn.send(frame.json);
  }

  detach(conn: Connection): boolean {
    if (this.#conn !== conn) return false;
    this.#conn = null;
    return true;
  }

  /**
   * Frames after `a`, at most `maxBytes` of them (always at least one), for an HTTP poll, which
   * resends whatever a lost response carried. The cap lets a lossy link make progress: an answer
   * that is cut on the way is resent whole, so it must be small enough to get through.
   */
  framesAfter(a: number, maxBytes = Infinity): string[] {
    const out: string[] = [];
    let bytes = 0;
    for (const f of this.#buffer) {
      if (f.s <= a) continue;
      if (out.length > 0 && bytes + f.json.length > maxBytes) break;
      out.push(f.json);
      bytes += f.json.length;
    }
    return out;
  }

  heartbeat(): void {
    this.#conn?.send(JSON.stringify({ t: 'hb', a: this.#inLast }));
  }

  close(): void {
    clearTimeout(this.#ackTimer);
    this.#ackListeners.clear();
    this.#conn = null;
    this.#buffer = [];
    this.#bufferBytes = 0;
  }

  #scheduleAck(): void {
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      this.#conn?.send(JSON.stringify({ t: 'ack', a: this.#inLast }));
    }, this.#limits.ackDelayMs);
    this.#ackTimer.unref?.();
  }
}
