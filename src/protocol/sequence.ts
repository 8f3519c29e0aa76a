/**
 * The sequence, ack and replay rules of docs/protocol.md §2–4, with no I/O: both the server's page
 * endpoint and the browser runtime's channel are built on these two classes, so the rules are
 * written once. Each direction numbers its sequenced frames from 1; the sender keeps them until the
 * receiver acks them (an `Outbox`), and the receiver takes each number once and in order (an `Inbox`).
 */
import type { ExpiredReason } from './frames.js';

/** `new`: deliver it; `duplicate`: seen already, ack again; `gap`: a frame was lost, resume. */
export type Verdict = 'new' | 'duplicate' | 'gap';

export class Inbox {
  #last = 0;

  /** The last sequence number taken: what this side acks. */
  get last(): number {
    return this.#last;
  }

  /** Continues from `last` (a durable page restored on another node, docs/protocol.md §7.4). */
  restore(last: number): void {
    this.#last = last;
  }

  accept(s: number): Verdict {
    if (s <= this.#last) return 'duplicate';
    if (s !== this.#last + 1) return 'gap';
    this.#last = s;
    return 'new';
  }
}

/** An outbox's numbers, as plain data (its kept frames are read with `after`). */
export interface OutboxPosition {
  next: number;
  acked: number;
  floor: number;
}

export interface Kept<P> {
  readonly s: number;
  readonly payload: P;
  readonly bytes: number;
}

/**
 * Frames sent and not yet acked, oldest first. The server trims the oldest past its replay window
 * (a resume that needed them then expires); the client refuses new ones past its queue limit instead.
 */
export class Outbox<P> {
  #kept: Array<Kept<P>> = [];
  /** Index of the oldest kept frame; the array is compacted now and then instead of shifted each ack. */
  #head = 0;
  #bytes = 0;
  #next = 1;
  /** Lowest number that can still be replayed; older ones were trimmed unacked. */
  #floor = 1;
  #acked = 0;

  /** The number the next `push` takes. */
  get nextSeq(): number {
    return this.#next;
  }
  get lastSent(): number {
    return this.#next - 1;
  }
  /** Highest number the receiver acked. */
  get acked(): number {
    return this.#acked;
  }
  /** Frames kept (unacked). */
  get size(): number {
    return this.#kept.length - this.#head;
  }
  get bytes(): number {
    return this.#bytes;
  }

  push(payload: P, bytes: number): number {
    const s = this.#next++;
    this.#kept.push({ s, payload, bytes });
    this.#bytes += bytes;
    return s;
  }

  /** The receiver processed everything up to `a`. Returns whether the ack moved forward. */
  ack(a: number): boolean {
    if (a <= this.#acked) return false;
    this.#acked = Math.min(a, this.lastSent);
    const kept = this.#kept;
    let i = this.#head;
    while (i < kept.length && kept[i]!.s <= a) this.#bytes -= kept[i++]!.bytes;
    this.#head = i;
    this.#compact();
    return true;
  }

  /** Drops the oldest kept frames until at most `maxFrames` and `maxBytes` remain (always keeps one). */
  trim(maxFrames: number, maxBytes: number): void {
    const kept = this.#kept;
    while (this.size > maxFrames || (this.#bytes > maxBytes && this.size > 1)) {
      const dropped = kept[this.#head++]!;
      this.#bytes -= dropped.bytes;
      this.#floor = dropped.s + 1;
    }
    this.#compact();
  }

  /** Kept frames after `a`, at most `maxBytes` of them but always at least one when there is one. */
  after(a: number, maxBytes = Infinity): Array<Kept<P>> {
    const out: Array<Kept<P>> = [];
    let bytes = 0;
    // Kept numbers are consecutive, so the first one after `a` is found by arithmetic, not a scan.
    const first = this.#kept[this.#head];
    const start = first ? this.#head + Math.max(0, a + 1 - first.s) : this.#head;
    for (let i = start; i < this.#kept.length; i++) {
      const k = this.#kept[i]!;
      if (k.s <= a) continue;
      if (out.length > 0 && bytes + k.bytes > maxBytes) break;
      out.push(k);
      bytes += k.bytes;
    }
    return out;
  }

  /** Why a receiver that processed up to `ack` cannot resume from this outbox, or null when it can. */
  resumeProblem(ack: number): ExpiredReason | null {
    if (ack > this.lastSent) return 'unknown';
    if (ack < this.#floor - 1) return 'replay-overflow';
    return null;
  }

  /** Where this outbox stands: what a durable page commits, with the kept frames. */
  position(): OutboxPosition {
    return { next: this.#next, acked: this.#acked, floor: this.#floor };
  }

  /** Continues from a committed position with its kept frames, in order; `bytesOf` measures each. */
  restore(at: OutboxPosition, kept: ReadonlyArray<{ s: number; payload: P }>, bytesOf: (payload: P) => number): void {
    this.#kept = kept.map((k) => ({ s: k.s, payload: k.payload, bytes: bytesOf(k.payload) }));
    this.#head = 0;
    this.#bytes = this.#kept.reduce((n, k) => n + k.bytes, 0);
    this.#next = at.next;
    this.#acked = at.acked;
    this.#floor = at.floor;
  }

  clear(): void {
    this.#kept = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  #compact(): void {
    if (this.#head === this.#kept.length) {
      this.#kept = [];
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#kept.length) {
      this.#kept = this.#kept.slice(this.#head);
      this.#head = 0;
    }
  }
}
